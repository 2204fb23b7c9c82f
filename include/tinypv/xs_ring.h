/*
 * xs_ring.h: the xenstore ring page, as pure logic.
 *
 * struct xenstore_domain_interface (Xen's <xen/io/xs_wire.h>) is one page
 * shared with xenstored in dom0, holding two byte rings of
 * XENSTORE_RING_SIZE (1024) bytes:
 *
 *     req[]  guest -> xenstored  we produce (req_prod), it consumes (req_cons)
 *     rsp[]  xenstored -> guest  it produces (rsp_prod), we consume (rsp_cons)
 *
 * The rings carry a stream of messages, each a 16-byte header (struct
 * xsd_sockmsg: type, req_id, tx_id, len) followed by len payload bytes,
 * len <= XENSTORE_PAYLOAD_MAX (4096). A message may be four times larger
 * than the ring, so both directions move messages in pieces: the writer
 * puts in what fits and waits for xenstored to make room; the reader
 * collects a message over as many calls as it takes to arrive.
 *
 * The indices follow lib/byte_ring.h's rules, as the console's do: they run
 * freely and wrap at 2^32, a slot is the index masked to the ring size,
 * and `prod - cons` can never exceed the ring size. The other side's index
 * is read once per decision and checked before use; a ring that fails the
 * check, or a reply header whose len exceeds XENSTORE_PAYLOAD_MAX, marks
 * the whole page faulty for good. A faulty page is never touched again.
 *
 * Nothing here makes a hypercall: waking xenstored and waiting for it come
 * in as callbacks, so the same code runs in the kernel (xenstore.c), in
 * host tests and under a fuzzer. All state lives in struct xs_ring.
 */
#ifndef TINYPV_XS_RING_H
#define TINYPV_XS_RING_H

#include <tinypv/types.h>
#include <lib/byte_ring.h>
#include <xen/io/xs_wire.h>

/* The largest message either side may send: a header and a full payload. */
#define XS_MSG_MAX  (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)

/* Why a page was given up on. Anything but NONE is final. */
enum xs_ring_fault {
    XS_RING_FAULT_NONE,
    XS_RING_FAULT_REQ_INDEX,    /* req_prod - req_cons > XENSTORE_RING_SIZE */
    XS_RING_FAULT_RSP_INDEX,    /* rsp_prod - rsp_cons > XENSTORE_RING_SIZE */
    XS_RING_FAULT_RSP_LEN,      /* a header's len > XENSTORE_PAYLOAD_MAX */
    XS_RING_FAULT_REQ_TORN,     /* we gave up in the middle of a request */
};

struct xs_ring_ops {
    /* Wake xenstored (EVTCHNOP_send on the xenstore event channel). */
    void (*notify)(void *ctx);
    /*
     * Block until xenstored may have consumed requests. `attempt` counts
     * the waits in a row that saw no progress, from 0. Return false to give
     * up. Only the writer waits; the reader never blocks.
     */
    bool (*wait)(void *ctx, unsigned int attempt);
    void *ctx;
};

struct xs_ring_stats {
    uint64_t tx_bytes;          /* bytes placed in the req ring */
    uint64_t rx_bytes;          /* bytes taken from the rsp ring */
    uint64_t tx_messages;       /* whole requests written */
    uint64_t rx_messages;       /* whole messages read (dropped ones too) */
    uint64_t rx_dropped;        /* messages too large for the caller's buffer */
    uint64_t notifications;     /* notify() calls */
    uint64_t full_waits;        /* requests that found the req ring full */
};

struct xs_ring {
    struct xenstore_domain_interface *intf;
    struct byte_ring req, rsp;      /* intf's two rings */
    /*
     * Our producer index of the req ring. The page's req_prod is written,
     * never read back but when a page is taken (init, reconnect).
     */
    XENSTORE_RING_IDX req_prod;
    struct xs_ring_ops ops;
    enum xs_ring_fault fault;
    uint32_t bad_prod, bad_cons;    /* the indices that made no sense */
    uint32_t bad_len;               /* the len of a rejected reply header */

    /*
     * The reader's message in progress. The header is collected here, not
     * in the caller's buffer, so that it is checked before anything is
     * sized by it; the payload goes straight into the caller's buffer.
     */
    struct xsd_sockmsg hdr;         /* valid once hdr_have == sizeof(hdr) */
    size_t hdr_have;                /* header bytes collected */
    size_t body_have;               /* payload bytes collected (or skipped) */
    bool oversize;                  /* payload does not fit: skip it */

    struct xs_ring_stats stats;
};

void xs_ring_init(struct xs_ring *r, struct xenstore_domain_interface *intf,
                  const struct xs_ring_ops *ops);

/* A short description of a fault, for messages ("reply index", ...). */
const char *xs_ring_fault_name(enum xs_ring_fault fault);

/* --- the writer: guest -> xenstored --------------------------------------- */

enum xs_tx_result {
    XS_TX_OK,           /* all of it is in the ring, xenstored notified */
    XS_TX_GAVE_UP,      /* the ring stayed full and wait() gave up before the
                           first byte went in: nothing was sent, the ring is
                           still usable */
    XS_TX_FAULT,        /* r->fault is set (now or earlier); see above */
    XS_TX_INVALID,      /* len is not a plausible message length: our bug */
};

/*
 * Put one whole message (header and payload, len bytes) into the req ring,
 * in pieces if it is larger than the free space, notifying xenstored after
 * each piece and waiting between pieces. If wait() gives up after part of
 * the message went in, xenstored holds a torn request that nothing can
 * complete or take back: the page is marked XS_RING_FAULT_REQ_TORN.
 */
enum xs_tx_result xs_ring_write(struct xs_ring *r, const void *msg, size_t len);

/* --- the reader: xenstored -> guest --------------------------------------- */

enum xs_rx_result {
    XS_RX_NONE,         /* no whole message yet (ring empty, or part of one) */
    XS_RX_MESSAGE,      /* buf holds one message of *msg_len bytes */
    XS_RX_DROPPED,      /* a message longer than size was consumed and thrown
                           away; r->hdr is its header, *msg_len its length */
    XS_RX_FAULT,        /* r->fault is set (now or earlier) */
};

/*
 * Take bytes from the rsp ring towards the next message, but never past its
 * end, so each message is returned by a call of its own. Returns
 * XS_RX_MESSAGE when one is complete: buf then holds the header (its len
 * checked to be <= XENSTORE_PAYLOAD_MAX) followed by the payload, and r->hdr
 * holds the header as well. xenstored is notified whenever bytes were
 * consumed, since it may be waiting for room.
 *
 * A message arrives over several calls when it is larger than the ring, so
 * the caller must pass the same buf, untouched, until a call returns
 * something other than XS_RX_NONE. A buf smaller than a header makes every
 * message XS_RX_DROPPED.
 *
 * One call reads the indices once: after XS_RX_MESSAGE or XS_RX_DROPPED more
 * bytes may be waiting, so call again until XS_RX_NONE before sleeping.
 */
enum xs_rx_result xs_ring_read(struct xs_ring *r, void *buf, size_t size,
                               size_t *msg_len);

/* --- a new backend -------------------------------------------------------- */

/* What xs_ring_reconnect() found of the old backend's stream. */
struct xs_ring_leftovers {
    bool half_read;         /* the reader was in the middle of a message */
    uint32_t rsp_dropped;   /* unread reply bytes, skipped */
    uint32_t req_unread;    /* request bytes the old backend never took */
};

/*
 * The page now belongs to a new backend (a restore in a new domain: a new
 * xenstored connection), at intf. Nothing the old backend sent can be
 * completed by the new one, which starts its stream at a message boundary:
 *
 *  - the reader's message in progress is forgotten (its header and the
 *    payload so far): the rest of it will never come;
 *  - unread bytes in the rsp ring are skipped (rsp_cons = rsp_prod, and the
 *    backend is notified: it may wait for room). Whether there are any
 *    depends on the toolstack: C xenstored zeroes the four indices when the
 *    domain is introduced, libxc zeroes a PVH domain's whole page, but
 *    oxenstored takes a PV page as the save left it.
 *  - our req_prod is taken from the page, once, as at init: the toolstack
 *    may have zeroed it.
 *
 * Request bytes the old backend never read cannot be taken back (the new
 * one may be reading them already): they are only counted, and the caller
 * must expect answers to them. Both pairs of indices are checked as
 * always; nonsense marks the page faulty. A page that was faulty already
 * stays faulty and is not touched (nor is *left filled, beyond half_read).
 */
void xs_ring_reconnect(struct xs_ring *r,
                       struct xenstore_domain_interface *intf,
                       struct xs_ring_leftovers *left);

#endif /* TINYPV_XS_RING_H */
