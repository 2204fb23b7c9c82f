/*
 * blkfront_xs.c: the block frontend's xenstore handshake, the "vbd"
 * driver of the bus (<tinypv/xenbus.h>). The data path is blkfront.c's.
 *
 *   probe             a disk for device/vbd/<id>; state Initialising; wait
 *                     (bounded) for the backend's InitWait
 *   backend InitWait  grant the ring page and the slots' pages, allocate
 *                     an event channel for the backend, write ring-ref,
 *                     event-channel, protocol and feature-persistent in
 *                     one transaction;
 *                     state Initialised; wait (bounded) for Connected
 *   backend Connected read sectors, sector-size, info (read-only) and
 *                     feature-flush-cache, check them; state Connected;
 *                     requests kept across a restore go out again
 *   Closing / gone    the bus calls remove: requests in flight fail,
 *                     the channel is closed, the grants ended (pages
 *                     freed once the backend has unmapped them)
 *   restore           resume: the disk keeps its pages and requests in
 *                     flight until the bus probes the same id again
 *
 * protocol is always x86_32-abi: tinypv is 32-bit, and on i386 a
 * uint64_t is 4-byte aligned, so a request's id and sector sit where an
 * x86_64 backend would not look for them without being told.
 *
 * feature-persistent is always 1: each slot's pages are granted once, at
 * connect, and every request of that slot names the same references. A
 * backend that offers persistent grants too then maps them once and
 * keeps them, instead of a map and an unmap hypercall per request (the
 * largest cost of a request under emulation: make bench).
 */
#include "blkfront_priv.h"
#include <tinypv/printk.h>
#include <xen/io/protocols.h>
#include <lib/format.h>
#include <lib/string.h>

#define HANDSHAKE_WAIT_MS   10000   /* blkback answers at once; QEMU is slow */

static struct blkfront *disk_of(struct xenbus_device *dev)
{
    return dev->priv;
}

/* The handshake cannot go on: say why once; the disk stays listed as failed. */
static void handshake_failed(struct blkfront *bf, const char *what, int rc)
{
    snprintf(bf->why, sizeof(bf->why), "%s: %s", what, xs_strerror(rc));
    printk("\nblkfront: %s: %s\n", bf->name, bf->why);
    blkfront_fail_all(bf);
    blkfront_ring_teardown(bf, true);
    bf->state = BF_FAILED;
}

static void connect_ring(struct xenbus_device *dev, struct blkfront *bf)
{
    char ref[12], port[12];
    const char *const keys[] = { "ring-ref", "event-channel", "protocol",
                                 "feature-persistent" };
    const char *const values[] = { ref, port, XEN_IO_PROTO_ABI_X86_32, "1" };
    int rc = blkfront_ring_setup(bf, dev->otherend_id);

    if ( rc < 0 )
    {
        handshake_failed(bf, "cannot set the ring up", rc);
        return;
    }
    snprintf(ref, sizeof(ref), "%u", (unsigned int)bf->ring_ref);
    snprintf(port, sizeof(port), "%u", (unsigned int)bf->port);
    rc = xenbus_write_keys(dev, keys, values, ARRAY_SIZE(keys));
    if ( rc == 0 )
        rc = xenbus_switch_state(dev, XenbusStateInitialised);
    if ( rc < 0 )
    {
        handshake_failed(bf, "cannot publish the ring", rc);
        return;
    }
    bf->state = BF_CONNECTING;
    xenbus_wait_for(dev, XenbusStateConnected, HANDSHAKE_WAIT_MS);
}

/* A key the backend may leave out: absent reads as 0. */
static int read_optional(struct xenbus_device *dev, const char *key,
                         uint64_t *v)
{
    int rc = xenbus_read_otherend_u64(dev, key, v);

    if ( rc == -ENOENT )
    {
        *v = 0;
        return 0;
    }
    return rc;
}

static void backend_connected(struct xenbus_device *dev, struct blkfront *bf)
{
    uint64_t sectors = 0, sector_size = 0, info = 0, flush = 0, persist = 0;
    const char *why = "";
    int rc;

    rc = xenbus_read_otherend_u64(dev, "sectors", &sectors);
    if ( rc == 0 )
        rc = xenbus_read_otherend_u64(dev, "sector-size", &sector_size);
    if ( rc == 0 )
        rc = read_optional(dev, "info", &info);
    if ( rc == 0 )
        rc = read_optional(dev, "feature-flush-cache", &flush);
    if ( rc == 0 )
        rc = read_optional(dev, "feature-persistent", &persist);
    if ( rc < 0 )
    {
        handshake_failed(bf, "the backend's sectors, sector-size, info, "
                         "feature-flush-cache or feature-persistent cannot "
                         "be read", rc);
        return;
    }
    if ( blkif_check_geometry(sectors, sector_size, &why) )
    {
        handshake_failed(bf, why, -EINVAL);
        return;
    }
    bf->sectors = sectors;
    bf->sector_size = (uint32_t)sector_size;
    bf->readonly = (info & VDISK_READONLY) != 0;
    bf->flush = flush != 0;
    bf->persistent = persist != 0;
    rc = xenbus_switch_state(dev, XenbusStateConnected);
    if ( rc < 0 )
    {
        handshake_failed(bf, "cannot write our state", rc);
        return;
    }
    printk("\nblkfront: %s: connected, %llu sectors (%llu KiB), sector-size "
           "%u, %s, %s%s\n", bf->name, (unsigned long long)bf->sectors,
           (unsigned long long)(bf->sectors >> 1), bf->sector_size,
           bf->readonly ? "read-only" : "read-write",
           bf->flush ? "flush" : "no flush",
           bf->persistent ? ", persistent grants" : "");
    blkfront_connected(bf);
}

static void blk_backend_changed(struct xenbus_device *dev, XenbusState st)
{
    struct blkfront *bf = disk_of(dev);

    if ( !bf )
        return;
    if ( bf->state == BF_INIT && st == XenbusStateInitWait )
        connect_ring(dev, bf);
    else if ( bf->state == BF_CONNECTING && st == XenbusStateConnected )
        backend_connected(dev, bf);
    /* Anything else: a wait ran out (the bus said so), or a state
     * we need not act on (Connected again, say); the disk stays as it is. */
}

static int blk_probe(struct xenbus_device *dev)
{
    struct blkfront *bf = blkfront_alloc(dev->id);

    if ( !bf )
        return -ENOBUFS;
    bf->dev = dev;
    bf->state = BF_INIT;
    bf->why[0] = '\0';
    dev->priv = bf;
    if ( xenbus_switch_state(dev, XenbusStateInitialising) < 0 )
    {
        blkfront_free(bf);
        dev->priv = NULL;
        return -EIO;
    }
    if ( dev->otherend_state == XenbusStateInitWait )
        connect_ring(dev, bf);
    else
        xenbus_wait_for(dev, XenbusStateInitWait, HANDSHAKE_WAIT_MS);
    return 0;
}

static void blk_remove(struct xenbus_device *dev)
{
    struct blkfront *bf = disk_of(dev);
    unsigned int n;

    if ( !bf )
        return;
    n = bf->book.in_flight;
    blkfront_free(bf);
    printk("blkfront: %s: removed: %u request%s in flight failed, channel "
           "closed, grants ended\n", bf->name, n, n == 1 ? "" : "s");
}

static int blk_resume(struct xenbus_device *dev)
{
    struct blkfront *bf = disk_of(dev);

    if ( bf )
        blkfront_away(bf);
    return 0;
}

static void blk_show(struct xenbus_device *dev)
{
    struct blkfront *bf = disk_of(dev);

    if ( !bf )
        return;
    printk("  blkfront: %s %s", bf->name, blkfront_state_name(bf->state));
    if ( bf->state == BF_CONNECTED )
        printk(", %llu sectors, %s, %s", (unsigned long long)bf->sectors,
               bf->readonly ? "read-only" : "read-write",
               bf->flush ? "flush" : "no flush");
    if ( bf->why[0] )
        printk(": %s", bf->why);
    printk("\n");
}

static const struct xenbus_driver blkfront_driver = {
    .type = "vbd",
    .probe = blk_probe,
    .backend_changed = blk_backend_changed,
    .resume = blk_resume,
    .remove = blk_remove,
    .show = blk_show,
};

void blkfront_register(void)
{
    xenbus_register_driver(&blkfront_driver);
}
