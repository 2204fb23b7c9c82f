/*
 * blkfront_priv.h: what blkfront's two files share: the data path
 * (blkfront.c) and the xenstore handshake (blkfront_xs.c).
 */
#ifndef BLKFRONT_PRIV_H
#define BLKFRONT_PRIV_H

#include <tinypv/blkfront.h>
#include <tinypv/xenbus.h>
#include <tinypv/events.h>
#include <xen/io/blkif.h>

#define BLKFRONT_MAX        XENBUS_MAX_DEVICES
/* The grants' owner, for `gnttab` (compared by address: one copy). */
extern const char blkfront_owner[];

enum blkfront_state {
    BF_FREE,
    BF_INIT,            /* probed: waiting for the backend's InitWait */
    BF_CONNECTING,      /* ring granted, keys written: waiting for Connected */
    BF_CONNECTED,
    BF_BROKEN,          /* the backend broke the protocol: shut down */
    BF_AWAY,            /* restored in a new domain: waits for its device */
    BF_FAILED,          /* the handshake failed (said) */
};

struct blkfront_req {
    blkfront_done_fn done;
    void *ctx;
    void *dst;                      /* a read lands here (NULL: dropped) */
};

struct blkfront {
    enum blkfront_state state;
    char id[XENBUS_NAME_MAX];       /* device/vbd/<id> */
    char name[BLKFRONT_NAME_MAX];   /* xvda */
    uint32_t vdev;
    struct xenbus_device *dev;      /* NULL while AWAY */

    /* The ring: one page, granted; a port allocated for the backend. */
    blkif_sring_t *sring;
    grant_ref_t ring_ref;
    bool ring_granted;
    evtchn_port_t port;
    bool port_bound;
    volatile bool kicked;           /* set by the upcall */

    /* Per slot, BLKIF_BOOK_SEG_PAGES pages, granted to the backend. */
    void *page[BLKIF_BOOK_SLOTS][BLKIF_BOOK_SEG_PAGES];
    grant_ref_t buf_ref[BLKIF_BOOK_SLOTS][BLKIF_BOOK_SEG_PAGES];
    bool bufs_granted;

    struct blkif_book book;
    struct blkfront_req req[BLKIF_BOOK_SLOTS];

    /* What the backend published at Connected, checked. */
    uint64_t sectors;
    uint32_t sector_size;
    bool readonly, flush, persistent;
    char why[96];                   /* BROKEN/FAILED: what happened */
    uint64_t notifications;
};

/* blkfront.c, for the handshake. */
struct blkfront *blkfront_alloc(const char *id);
int blkfront_ring_setup(struct blkfront *bf, domid_t backend);
void blkfront_ring_teardown(struct blkfront *bf, bool port_alive);
void blkfront_connected(struct blkfront *bf);
void blkfront_fail_all(struct blkfront *bf);
void blkfront_free(struct blkfront *bf);
void blkfront_away(struct blkfront *bf);
const char *blkfront_state_name(enum blkfront_state st);

#endif /* BLKFRONT_PRIV_H */
