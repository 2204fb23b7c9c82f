/*
 * vbd_probe_xs.c: a test-only vbd driver: the xenstore half of a block
 * frontend, up to the point where blkfront's data path would start.
 *
 *   probe:          our state Initialising; wait (bounded) for InitWait
 *   InitWait:       read what the backend published (sectors,
 *                   sector-size, info); stop there
 *   Closing/Closed: the bus calls remove (nothing to end: no ring page
 *                   was granted, no event channel bound) and goes Closed
 *
 * A real blkfront (issue 18, item 3) continues from InitWait: grant the
 * ring page, allocate an event channel, write ring-ref, event-channel and
 * protocol with xenbus_write_keys(), go Initialised and wait for
 * Connected; its data path lives in a file of its own. Linux's blkback
 * writes sectors, info and sector-size only when it connects, so at
 * InitWait they are normally absent, and `xenbus` says so.
 */
#include <tinypv/xenbus.h>
#include <tinypv/printk.h>

#define VBD_WAIT_MS     10000   /* blkback answers at once; QEMU is slow */

struct vbd_probe {
    bool used;
    bool seen_initwait;
    int rc_sectors, rc_sector_size, rc_info;
    uint64_t sectors, sector_size, info;
};

static struct vbd_probe probes[XENBUS_MAX_DEVICES];

static int vbd_probe(struct xenbus_device *dev)
{
    struct vbd_probe *p = NULL;

    for ( unsigned int i = 0; i < XENBUS_MAX_DEVICES && !p; i++ )
        if ( !probes[i].used )
            p = &probes[i];
    if ( !p )
        return -ENOBUFS;
    *p = (struct vbd_probe){ .used = true, .rc_sectors = -ENOENT,
                             .rc_sector_size = -ENOENT, .rc_info = -ENOENT };
    dev->priv = p;
    if ( xenbus_switch_state(dev, XenbusStateInitialising) < 0 )
    {
        p->used = false;
        dev->priv = NULL;
        return -EIO;
    }
    if ( dev->otherend_state == XenbusStateInitWait )
        dev->drv->backend_changed(dev, XenbusStateInitWait);
    else
        xenbus_wait_for(dev, XenbusStateInitWait, VBD_WAIT_MS);
    return 0;
}

static void vbd_backend_changed(struct xenbus_device *dev, XenbusState st)
{
    struct vbd_probe *p = dev->priv;

    if ( !p || st != XenbusStateInitWait || p->seen_initwait )
        return;
    p->seen_initwait = true;
    p->rc_sectors = xenbus_read_otherend_u64(dev, "sectors", &p->sectors);
    p->rc_sector_size = xenbus_read_otherend_u64(dev, "sector-size",
                                                 &p->sector_size);
    p->rc_info = xenbus_read_otherend_u64(dev, "info", &p->info);
    printk("\nvbd: %s: backend in InitWait; the handshake stops here "
           "(test driver: no ring)\n", dev->nodename);
}

static void show_value(const char *name, int rc, uint64_t v)
{
    if ( rc == 0 )
        printk(" %s %llu", name, (unsigned long long)v);
    else
        printk(" %s %s", name, rc == -ENOENT ? "(not published)" :
               xs_strerror(rc));
}

static void vbd_show(struct xenbus_device *dev)
{
    struct vbd_probe *p = dev->priv;

    if ( !p )
        return;
    printk("  vbd:");
    if ( !p->seen_initwait )
    {
        printk(" waiting for the backend's InitWait\n");
        return;
    }
    show_value("sectors", p->rc_sectors, p->sectors);
    show_value("sector-size", p->rc_sector_size, p->sector_size);
    show_value("info", p->rc_info, p->info);
    printk("\n");
}

static void vbd_remove(struct xenbus_device *dev)
{
    struct vbd_probe *p = dev->priv;

    if ( p )
        p->used = false;
    printk("vbd: %s: removed (nothing granted, no channel: nothing to end)\n",
           dev->nodename);
}

static const struct xenbus_driver vbd_probe_driver = {
    .type = "vbd",
    .probe = vbd_probe,
    .backend_changed = vbd_backend_changed,
    .remove = vbd_remove,
    .show = vbd_show,
};

void vbd_probe_register(void)
{
    xenbus_register_driver(&vbd_probe_driver);
}
