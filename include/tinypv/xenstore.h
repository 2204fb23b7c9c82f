/*
 * xenstore.h: a synchronous xenstore client over the boot_info ring.
 *
 * Each call sends one request and waits (upcalls masked, at most
 * XENSTORE_TIMEOUT_MS) for its answer. Relative paths are under
 * /local/domain/<domid>; errors are negated errno values (xs_proto.h).
 * Watch events only mark a watch fired; xenstore_process() calls its
 * function once per pass. docs/07-xenstore.md tells the story.
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
 * Transactions: all or nothing at xs_transaction_end(tx, true), which
 * returns -EAGAIN if something read changed meanwhile (start again).
 * Every one started must be ended, error paths included (xenstored's quota
 * is 10); one the caller cannot end the client ends later (chapter 7).
 * XS_NO_TX: outside any transaction.
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
 * After a suspend. Same domain: look at the ring again. New domain: take
 * the new ring and port, drop the half-read message, unread bytes and old
 * transactions, set every watch again (each fires once) and learn the new
 * domid (docs/10-suspend.md). Needs xenstore_idle(). 0 or -errno.
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
