/*
 * netif_book.h: netfront's bookkeeping of its two rings, pure logic
 * (netfront/netif_book.c): which ids are out with the backend, and
 * whether what the backend answers is possible. Host-tested
 * (tests/host/test_netif_book.c) and fuzzed (tests/fuzz/fuzz_netif.c).
 *
 * The backend is another domain: everything it writes on the shared
 * rings is untrusted. The driver copies each response out of the shared
 * page once and hands the copy here:
 *
 *   - rsp_prod may not run past what was requested (netif_book_responses)
 *   - a TX response must name a frame in flight (id < nr, in flight),
 *     with a status netif.h defines for it: OKAY, ERROR or DROPPED
 *   - an RX response must name a posted buffer; status is the frame's
 *     length (offset + length within the page) or ERROR/DROPPED; no flag
 *     we did not negotiate (more_data: no scatter-gather; extra_info,
 *     gso_prefix: no offloads)
 *
 * A refused response changes nothing; the driver shuts the device down,
 * says so once, and never touches a buffer on that response's word.
 */
#ifndef TINYPV_NETIF_BOOK_H
#define TINYPV_NETIF_BOOK_H

#include <tinypv/types.h>
#include <tinypv/xs_proto.h>        /* errno values */
#include <xen/grant_table.h>
#include <xen/io/netif.h>

#define NETIF_TX_SLOTS      32      /* frames in flight to the backend */
#define NETIF_RX_SLOTS      64      /* buffers posted for the backend */
#define NETIF_BOOK_MAX      64

/* One ring's ids: which are out with the backend. */
struct netif_ring_book {
    unsigned int nr;                /* ids 0 .. nr-1 */
    unsigned int out;               /* how many are out */
    uint32_t req_prod, rsp_cons;
    bool busy[NETIF_BOOK_MAX];
    uint16_t len[NETIF_BOOK_MAX];   /* TX: the frame's length */
};

struct netif_book {
    struct netif_ring_book tx, rx;
    uint64_t tx_frames, tx_bytes, tx_errors;
    uint64_t rx_frames, rx_bytes, rx_errors;
};

enum netif_verdict {
    NETIF_GOOD,
    NETIF_BAD_ID,           /* id >= nr */
    NETIF_NOT_OUT,          /* that id is not with the backend */
    NETIF_BAD_STATUS,       /* a status netif.h does not allow here */
    NETIF_BAD_SIZE,         /* offset + length past the page, or 0 */
    NETIF_BAD_FLAGS,        /* a flag we did not negotiate */
};

void netif_book_init(struct netif_book *b, unsigned int tx, unsigned int rx);

/* A free TX id for a frame of len bytes (1 .. PAGE_SIZE): id or -ENOSPC/-EINVAL. */
int netif_tx_take(struct netif_book *b, unsigned int len);

/* A free RX id to post a buffer under: id or -ENOSPC. */
int netif_rx_take(struct netif_book *b);

/*
 * The backend published rsp_prod on ring r: *n responses to read. 0, or
 * -EIO if that runs past the requests made (*n then 0).
 */
int netif_book_responses(const struct netif_ring_book *r, uint32_t rsp_prod,
                         uint32_t *n);

/* A TX response (consumed only if NETIF_GOOD). */
enum netif_verdict netif_tx_complete(struct netif_book *b, uint16_t id,
                                     int16_t status);

/*
 * An RX response (consumed only if NETIF_GOOD). *len: the frame's
 * length (> 0), 0 for an empty frame, -1 if the backend said error.
 */
enum netif_verdict netif_rx_complete(struct netif_book *b, uint16_t id,
                                     uint16_t offset, uint16_t flags,
                                     int16_t status, int *len);

/*
 * Give back an id without a response (the device shut down, or a
 * restore). Returns whether it was out.
 */
bool netif_book_forget(struct netif_ring_book *r, unsigned int id);

/* A new ring (a restore): indices from 0; ids still out are forgotten,
 * and their number returned. */
unsigned int netif_book_restart(struct netif_ring_book *r);

const char *netif_verdict_name(enum netif_verdict v);

#endif /* TINYPV_NETIF_BOOK_H */
