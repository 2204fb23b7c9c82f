/*
 * netfront_priv.h: what netfront's two files share: the data path
 * (netfront.c) and the xenstore handshake (netfront_xs.c).
 */
#ifndef NETFRONT_PRIV_H
#define NETFRONT_PRIV_H

#include <tinypv/netfront.h>
#include <tinypv/netif_book.h>
#include <tinypv/xenbus.h>
#include <tinypv/events.h>

#define NETFRONT_MAX        2
/* Pages for TX beyond the RX buffers: a frame in flight each, and a few
 * to swap into the RX ring while an answer goes out in its page. */
#define NETFRONT_SPARE      (NETIF_TX_SLOTS + 8)

extern const char netfront_owner[];

enum netfront_state {
    NF_FREE,
    NF_INIT,            /* probed: waiting for the backend's InitWait */
    NF_CONNECTING,      /* rings granted, keys written: waiting for Connected */
    NF_CONNECTED,
    NF_BROKEN,          /* the backend broke the protocol: shut down */
    NF_AWAY,            /* restored in a new domain: waits for its device */
    NF_FAILED,          /* the handshake failed (said) */
};

struct netfront {
    enum netfront_state state;
    char id[XENBUS_NAME_MAX];
    char name[NETFRONT_NAME_MAX];       /* vif<id> */
    struct xenbus_device *dev;          /* NULL while AWAY */

    /* The two rings, a page each, granted; one event channel for both. */
    netif_tx_sring_t *tx_sring;
    netif_rx_sring_t *rx_sring;
    grant_ref_t tx_ring_ref, rx_ring_ref;
    bool tx_granted, rx_granted;
    evtchn_port_t port;
    bool port_bound;
    volatile bool kicked;               /* set by the upcall */

    /* RX: a page per id, granted (writable) while posted. */
    void *rx_page[NETIF_RX_SLOTS];
    grant_ref_t rx_ref[NETIF_RX_SLOTS];
    bool rx_ref_live[NETIF_RX_SLOTS];
    /* TX: the page of each frame in flight, granted read-only. */
    void *tx_page[NETIF_TX_SLOTS];
    grant_ref_t tx_ref[NETIF_TX_SLOTS];
    /* Pages not lent to the backend. */
    void *spare[NETFRONT_SPARE];
    unsigned int nspare;

    struct netif_book book;
    struct net_stack stack;
    const char *addr_from;
    char why[96];
    uint64_t notifications, tx_lost;
};

/* netfront.c, for the handshake. */
struct netfront *netfront_alloc(const char *id);
int netfront_parse_mac(const char *text, uint8_t mac[ETH_ALEN]);
int netfront_rings_setup(struct netfront *nf, domid_t backend);
void netfront_rings_teardown(struct netfront *nf, bool port_alive);
void netfront_connected(struct netfront *nf);
void netfront_free(struct netfront *nf);
void netfront_away(struct netfront *nf);
void netfront_take_addr(struct netfront *nf, uint32_t ip, unsigned int prefix,
                        const char *from);
bool netfront_cmdline_addr(uint32_t *ip, unsigned int *prefix);
const char *netfront_state_name(enum netfront_state st);

#endif /* NETFRONT_PRIV_H */
