/*
 * netfront_xs.c: the network frontend's xenstore handshake, the "vif"
 * driver of the bus (<tinypv/xenbus.h>). The data path is netfront.c's.
 *
 *   probe             an interface for device/vif/<id>: our MAC from
 *                     device/vif/<id>/mac (the toolstack's), checked;
 *                     state Initialising; wait (bounded) for InitWait
 *   backend InitWait  grant both ring pages and the RX buffers, allocate
 *                     one event channel for the backend, write in one
 *                     transaction tx-ring-ref, rx-ring-ref, event-channel,
 *                     request-rx-copy = 1 (the backend copies into our
 *                     buffers; Linux's netback will not work without it),
 *                     feature-rx-notify = 1 (we notify when we post RX
 *                     buffers; netback insists on it), and
 *                     feature-no-csum-offload = 1 with feature-sg = 0:
 *                     every frame whole, every checksum filled in;
 *                     state Connected; wait (bounded) for Connected
 *   backend Connected check feature-rx-copy; take the address (the
 *                     command line's ip=, else the ip the toolstack
 *                     wrote in the backend's directory, else none, said)
 *   Closing / gone    the bus calls remove: the channel is closed, the
 *                     grants ended (pages freed once the backend lets go)
 *   restore           resume: the interface keeps its pages until the bus
 *                     probes the same id again
 */
#include "netfront_priv.h"
#include <tinypv/printk.h>
#include <lib/format.h>
#include <lib/string.h>

#define HANDSHAKE_WAIT_MS   20000   /* netback waits for its hotplug script */

static struct netfront *nic_of(struct xenbus_device *dev)
{
    return dev->priv;
}

static void handshake_failed(struct netfront *nf, const char *what, int rc)
{
    snprintf(nf->why, sizeof(nf->why), "%s: %s", what, xs_strerror(rc));
    printk("\nnetfront: %s: %s\n", nf->name, nf->why);
    netfront_rings_teardown(nf, true);
    nf->state = NF_FAILED;
}

static void connect_rings(struct xenbus_device *dev, struct netfront *nf)
{
    char tx[12], rx[12], port[12];
    const char *const keys[] = {
        "tx-ring-ref", "rx-ring-ref", "event-channel", "request-rx-copy",
        "feature-rx-notify", "feature-no-csum-offload", "feature-sg",
    };
    const char *const values[] = { tx, rx, port, "1", "1", "1", "0" };
    int rc = netfront_rings_setup(nf, dev->otherend_id);

    if ( rc < 0 )
    {
        handshake_failed(nf, "cannot set the rings up", rc);
        return;
    }
    snprintf(tx, sizeof(tx), "%u", (unsigned int)nf->tx_ring_ref);
    snprintf(rx, sizeof(rx), "%u", (unsigned int)nf->rx_ring_ref);
    snprintf(port, sizeof(port), "%u", (unsigned int)nf->port);
    rc = xenbus_write_keys(dev, keys, values, ARRAY_SIZE(keys));
    /* netback connects once the frontend says Connected. */
    if ( rc == 0 )
        rc = xenbus_switch_state(dev, XenbusStateConnected);
    if ( rc < 0 )
    {
        handshake_failed(nf, "cannot publish the rings", rc);
        return;
    }
    nf->state = NF_CONNECTING;
    xenbus_wait_for(dev, XenbusStateConnected, HANDSHAKE_WAIT_MS);
}

/* The address: ours from the command line, else the toolstack's. */
static void choose_addr(struct xenbus_device *dev, struct netfront *nf)
{
    char text[64], *sp;
    uint32_t ip;
    unsigned int prefix;

    if ( netfront_cmdline_addr(&ip, &prefix) )
    {
        netfront_take_addr(nf, ip, prefix, "command line");
        return;
    }
    /* libxl writes the vif's ip= here (several are separated by blanks). */
    if ( xenbus_read_otherend(dev, "ip", text, sizeof(text)) > 0 )
    {
        if ( (sp = strchr(text, ' ')) != NULL )
            *sp = '\0';
        if ( net_parse_addr(text, &ip, &prefix) == 0 )
        {
            netfront_take_addr(nf, ip, prefix, "xenstore");
            return;
        }
        printk("\nnetfront: %s: the toolstack's ip '%s' is not an address\n",
               nf->name, text);
    }
    netfront_take_addr(nf, 0, 0, NULL);
}

static void backend_connected(struct xenbus_device *dev, struct netfront *nf)
{
    uint64_t copy = 0;
    int rc = xenbus_read_otherend_u64(dev, "feature-rx-copy", &copy);

    if ( rc == 0 && copy != 1 )
        rc = -EINVAL;
    if ( rc < 0 )
    {
        handshake_failed(nf, "the backend cannot copy into our buffers "
                         "(feature-rx-copy)", rc);
        return;
    }
    printk("\nnetfront: %s: connected, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
           "%u RX buffers posted\n", nf->name, nf->stack.mac[0],
           nf->stack.mac[1], nf->stack.mac[2], nf->stack.mac[3],
           nf->stack.mac[4], nf->stack.mac[5], nf->book.rx.out);
    netfront_connected(nf);
    choose_addr(dev, nf);
}

static void vif_backend_changed(struct xenbus_device *dev, XenbusState st)
{
    struct netfront *nf = nic_of(dev);

    if ( !nf )
        return;
    if ( nf->state == NF_INIT && st == XenbusStateInitWait )
        connect_rings(dev, nf);
    else if ( nf->state == NF_CONNECTING && st == XenbusStateConnected )
        backend_connected(dev, nf);
}

static int read_mac(struct xenbus_device *dev, uint8_t mac[ETH_ALEN])
{
    char path[XENBUS_NODE_MAX + 8], text[24];
    int rc;

    snprintf(path, sizeof(path), "%s/mac", dev->nodename);
    rc = xs_read(path, text, sizeof(text));
    if ( rc < 0 )
        return rc;
    if ( strlen(text) != (size_t)rc )
        return -EINVAL;
    return netfront_parse_mac(text, mac);
}

static int vif_probe(struct xenbus_device *dev)
{
    struct netfront *nf = netfront_alloc(dev->id);
    uint8_t mac[ETH_ALEN];
    int rc;

    if ( !nf )
        return -ENOBUFS;
    nf->dev = dev;
    nf->state = NF_INIT;
    nf->why[0] = '\0';
    dev->priv = nf;
    rc = read_mac(dev, mac);
    if ( rc < 0 )
    {
        printk("\nnetfront: %s: no usable mac in %s/mac: %s\n", nf->name,
               dev->nodename, xs_strerror(rc));
        netfront_free(nf);
        dev->priv = NULL;
        return rc;
    }
    /* A new interface (or another MAC): the stack starts afresh; the
     * same one after a restore keeps its counters. */
    if ( memcmp(nf->stack.mac, mac, ETH_ALEN) != 0 )
        net_init(&nf->stack, mac);
    if ( xenbus_switch_state(dev, XenbusStateInitialising) < 0 )
    {
        netfront_free(nf);
        dev->priv = NULL;
        return -EIO;
    }
    if ( dev->otherend_state == XenbusStateInitWait )
        connect_rings(dev, nf);
    else
        xenbus_wait_for(dev, XenbusStateInitWait, HANDSHAKE_WAIT_MS);
    return 0;
}

static void vif_remove(struct xenbus_device *dev)
{
    struct netfront *nf = nic_of(dev);

    if ( !nf )
        return;
    netfront_free(nf);
    printk("netfront: %s: removed: channel closed, grants ended\n", nf->name);
}

static int vif_resume(struct xenbus_device *dev)
{
    struct netfront *nf = nic_of(dev);

    if ( nf )
        netfront_away(nf);
    return 0;
}

static void vif_show(struct xenbus_device *dev)
{
    struct netfront *nf = nic_of(dev);

    if ( !nf )
        return;
    printk("  netfront: %s %s", nf->name, netfront_state_name(nf->state));
    if ( nf->why[0] )
        printk(": %s", nf->why);
    printk("\n");
}

static const struct xenbus_driver netfront_driver = {
    .type = "vif",
    .probe = vif_probe,
    .backend_changed = vif_backend_changed,
    .resume = vif_resume,
    .remove = vif_remove,
    .show = vif_show,
};

void netfront_register(void)
{
    xenbus_register_driver(&netfront_driver);
}
