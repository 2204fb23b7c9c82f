/*
 * xenstore.h: a synchronous xenstore client.
 *
 * Xenstore is the small hierarchical key-value store, kept by xenstored in
 * dom0, through which the toolstack and a guest talk: the toolstack writes
 * /local/domain/<domid>/control/shutdown to ask for a shutdown, the guest
 * reads its name and domid there, and devices are negotiated there.
 *
 * A guest reaches xenstored through one shared page and one event channel,
 * which the platform finds (boot_info's xenstore ring). On top of them this
 * client offers blocking calls: each sends one request and sleeps (in
 * SCHEDOP_poll, upcalls masked) until the answer with the same request id
 * arrives, or for at most XENSTORE_TIMEOUT_MS.
 *
 * Paths not starting with '/' are relative to /local/domain/<domid>: "name"
 * is this domain's name. Errors are negated errno values from xs_proto.h;
 * xs_strerror() turns them into words.
 *
 * Watches: xenstored sends an event when a watched path (or anything below
 * it) changes, and once right after the watch is set. An event, whenever it
 * arrives (while a call waits for its answer, too), only marks its watch
 * as fired; xenstore_process(), in the main loop and never in an upcall,
 * calls the function of each fired watch once. Events are coalesced: ten
 * events before the main loop comes round make one call, none is ever
 * lost, and the function must read the state it cares about.
 */
#ifndef TINYPV_XENSTORE_H
#define TINYPV_XENSTORE_H

#include <tinypv/types.h>
#include <tinypv/xs_proto.h>       /* before xs_ring.h: errno values, see there */
#include <tinypv/xs_ring.h>
#include <tinypv/boot_info.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

#define XENSTORE_TIMEOUT_MS     5000    /* longest wait for one answer */
#define XENSTORE_MAX_WATCHES    8
#define XENSTORE_WATCH_PATH_MAX 256     /* watched path, with its NUL */
#define XENSTORE_TOKEN_MAX      32      /* watch token, with its NUL */
#define XENSTORE_PUMP_BUDGET    32      /* messages read per pass */

/*
 * Connect: find the ring page, bind the event channel and learn our domid
 * by reading "domid". Needs arch_init_traps() (the upcall handler); works with
 * upcalls masked or not. Returns 0 or -errno, after saying why. If the page
 * or the port cannot be had, every other call returns -ENOTCONN; if only
 * the domid cannot be learned, the calls still work and xs_domid() returns
 * the error. Calling it twice returns -EISCONN.
 *
 * None of these calls may be made from an upcall handler.
 */
int xenstore_init(const struct boot_ring *ring);

/* Our domain id, or -errno if it is unknown (-ENOTCONN before init). */
int xs_domid(void);

/*
 * Read a value into buf, NUL-terminated. Returns its length, or -errno.
 * -EOVERFLOW: the value did not fit; buf holds its first size - 1 bytes,
 * terminated. A value may contain NUL bytes: the length is the return value.
 */
int xs_read(const char *path, char *buf, size_t size);

/* Create or overwrite a value (parents are created as needed). 0 or -errno. */
int xs_write(const char *path, const char *value);

/* Remove a node and everything below it. 0 or -errno. */
int xs_rm(const char *path);

/*
 * Transactions: xenstored applies everything done under one id at once at
 * xs_transaction_end(tx, true), or nothing, and that commit fails with
 * -EAGAIN if anything the transaction read was changed meanwhile by
 * somebody else: then start again. XS_NO_TX: outside any transaction.
 *
 * xenstored allows a domain 10 open transactions, so every one started
 * must be ended, on every path, error paths included. The client ends the
 * ones its caller cannot: a start that returned -ETIMEDOUT but whose
 * answer comes later, and an end that could not be sent (-ETIMEDOUT, the
 * ring full): both are thrown away ("F") from xenstore_process().
 */
typedef uint32_t xs_tx_t;
#define XS_NO_TX ((xs_tx_t)0)

int xs_transaction_start(xs_tx_t *tx);
int xs_transaction_end(xs_tx_t tx, bool commit);

/* xs_read and xs_write, within transaction tx. */
int xs_tx_read(xs_tx_t tx, const char *path, char *buf, size_t size);
int xs_tx_write(xs_tx_t tx, const char *path, const char *value);

/*
 * List a node's children into buf: each name NUL-terminated, then one more
 * NUL ending the list. Returns the number of names, or -errno; -EOVERFLOW:
 * not all fit, buf holds (terminated the same way) those that did.
 */
int xs_directory(const char *path, char *buf, size_t size);

/*
 * Called from xenstore_process() when the watch fired (once for any number
 * of events since the last call): path and token are the watch's own, as
 * given to xs_watch(); what changed below path is for the function to read.
 * The function may make xenstore calls, including xs_unwatch() of its own
 * watch (the strings are then gone: copy them first if needed).
 */
typedef void (*xs_watch_fn)(void *ctx, const char *path, const char *token);

/*
 * Watch path under token. Tokens name watches: each must be unique among
 * ours (-EEXIST otherwise), shorter than XENSTORE_TOKEN_MAX, and the path
 * shorter than XENSTORE_WATCH_PATH_MAX (-ENAMETOOLONG). -ENOBUFS: all
 * XENSTORE_MAX_WATCHES slots are in use. Expect one event straight away.
 */
int xs_watch(const char *path, const char *token, xs_watch_fn fn, void *ctx);

/*
 * Remove the watch set with this path and token (-ENOENT if we have none).
 * If it had fired, its function is not called. The slot is freed even if xenstored
 * returns an error, which is then returned.
 */
int xs_unwatch(const char *path, const char *token);

/* --- suspend and resume -------------------------------------------------- */

/* No request is waiting for its answer (a suspend may go ahead). */
bool xenstore_idle(void);

/*
 * After a suspend. Same domain: nothing changed; look at the ring again.
 * New domain: a new xenstored connection. Take the ring at its new address
 * and port and start its stream afresh: the message that was half read and
 * any bytes the old xenstored left unread in the page are dropped (the new
 * one never sends their rest), and so are the old connection's
 * transactions. Then set every watch again (each fires once, as a new
 * watch does) and learn the new domid. No call is waiting for an answer
 * (a suspend needs xenstore_idle()). 0 or -errno.
 */
int xenstore_resume(const struct boot_ring *ring, bool new_domain);

/* --- the main loop -------------------------------------------------------- */

/* Is there anything for xenstore_process() to do? (For has_work.) */
bool xenstore_pending(void);

/*
 * Read what xenstored sent (at most XENSTORE_PUMP_BUDGET messages; if
 * there may be more, xenstore_pending() stays true), then call the
 * functions of the watches that fired.
 */
void xenstore_process(void);

/* --- for `stats` and `info` ----------------------------------------------- */

struct xenstore_stats {
    uint64_t requests;          /* requests sent */
    uint64_t replies;           /* answers matched to their request */
    uint64_t watch_events;      /* events received */
    uint64_t events_delivered;  /* calls of watch functions */
    uint64_t events_coalesced;  /* events for a watch that had fired already */
    uint64_t events_unknown;    /* events for no watch of ours (e.g. after
                                   xs_unwatch), or with overlong strings */
    uint64_t stray_replies;     /* answers with an id nobody waits for */
    uint64_t errors;            /* calls that returned an error */
    uint64_t timeouts;          /* answers that never came */
    uint32_t corrupt;           /* ring faults reported (0 or 1) */
    bool connected;             /* init succeeded and the ring is sound */
    struct xs_ring_stats ring;
};
void xenstore_get_stats(struct xenstore_stats *st);


#endif /* TINYPV_XENSTORE_H */
