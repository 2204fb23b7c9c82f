/*
 * ring.h: the Xen PV console ring, as pure logic.
 *
 * struct xencons_interface (Xen's <xen/io/console.h>) is one page shared
 * with the console backend (xenconsoled in dom0) holding two byte rings:
 *
 *     out[2048]  guest -> backend   we produce (out_prod), it consumes (out_cons)
 *     in[1024]   backend -> guest   it produces (in_prod), we consume (in_cons)
 *
 * The index rules (read once, `prod - cons <= size`, a ring that fails the
 * check is left alone) and the copies are lib/byte_ring.c's, shared with
 * xenstore. What is the console's own, here: when to notify the backend,
 * how long to wait for it, and what to do when it stops draining.
 *
 * This file knows nothing about Xen's hypercalls: waking the backend,
 * waiting for it and the clock come in as callbacks, so the same code runs
 * in the kernel (console/console.c) and in host tests (with a clock of
 * their own), fuzzers and benchmarks. Every wait has a deadline of that
 * clock, so every bound here is a bound in time.
 */
#ifndef TINYPV_RING_H
#define TINYPV_RING_H

#include <tinypv/types.h>
#include <lib/byte_ring.h>
#include <xen/io/console.h>

enum xencons_state {
    XENCONS_OK,         /* in use */
    XENCONS_STALLED,    /* out ring: the backend stopped draining (see below) */
    XENCONS_CORRUPT,    /* the indices made no sense; the ring is left alone */
};

struct xencons_ops {
    /* Wake the backend (EVTCHNOP_send on the console event channel). */
    void (*notify)(void *ctx);
    /*
     * Block until the backend may have made progress (it notified us), or
     * until now() reaches `deadline`, whichever comes first. Returning
     * early is fine: the writer reads the indices again and decides, by
     * the clock, whether to wait more. `attempt` counts the waits in a row
     * that saw no progress, from 0 (for traces and tests). Only the writer
     * waits.
     */
    void (*wait)(void *ctx, unsigned int attempt, uint64_t deadline);
    /* A monotonic clock in nanoseconds: the deadlines are in its time. */
    uint64_t (*now)(void *ctx);
    void *ctx;
};

struct xencons_writer_stats {
    uint64_t bytes;             /* bytes placed in the out ring */
    uint64_t notifications;     /* notify() calls */
    uint64_t full_waits;        /* writes that found the ring full and waited */
    uint64_t dropped;           /* bytes lost while the backend was stalled */
    uint32_t stalls;            /* times the backend was declared stalled */
    uint32_t flush_timeouts;    /* flushes that ran out of time, backend moving */
};

struct xencons_writer {
    struct xencons_interface *intf;
    struct byte_ring out;           /* intf's out ring */
    struct xencons_ops ops;
    enum xencons_state state;
    /*
     * Our producer index: where the next byte goes, and what out_prod was
     * last set to. The page's out_prod is written, never read back (but
     * once, when the writer takes a page over): the backend may rewrite it.
     */
    XENCONS_RING_IDX prod;
    uint64_t stall_ns;              /* no progress for this long: STALLED */
    bool unnotified;                /* published bytes not yet notified */
    XENCONS_RING_IDX stalled_cons;  /* out_cons when we gave up waiting */
    XENCONS_RING_IDX bad_prod, bad_cons;    /* what a corrupt ring held */
    char *hold;                     /* the newest bytes written while stalled */
    size_t hold_size, hold_start, hold_len;
    struct xencons_writer_stats stats;
};

struct xencons_reader_stats {
    uint64_t bytes;             /* bytes taken from the in ring */
    uint64_t notifications;     /* notify() calls */
};

struct xencons_reader {
    struct xencons_interface *intf;
    struct byte_ring in;            /* intf's in ring */
    struct xencons_ops ops;         /* notify only; wait is not used */
    enum xencons_state state;
    XENCONS_RING_IDX bad_prod, bad_cons;
    struct xencons_reader_stats stats;
};

/*
 * Start writing to a page: out_prod is read this once, as the index to go
 * on from. A backend that makes no progress for stall_ns while the writer
 * waits on it is declared stalled (see xencons_write).
 */
void xencons_writer_init(struct xencons_writer *w,
                         struct xencons_interface *intf,
                         const struct xencons_ops *ops, uint64_t stall_ns);

/*
 * Go on writing to another page (a restore into a new domain): like init,
 * out_prod is read once, but the state, the held bytes and the statistics
 * carry on, and the new backend is notified at the next kick.
 */
void xencons_writer_attach(struct xencons_writer *w,
                           struct xencons_interface *intf);

/*
 * Copy len bytes into the out ring, waiting whenever it is full. The
 * backend is notified when the ring fills up (so it can drain it); bytes
 * written since the last notification are announced by xencons_kick().
 *
 * If the backend makes no progress for stall_ns while the ring is full,
 * the writer gives up waiting and is STALLED. From then on writes never
 * wait: they keep the newest bytes in the hold buffer
 * (xencons_writer_set_hold), pushing the oldest held ones out and counting
 * those in stats.dropped; without a hold buffer every byte is dropped (and
 * counted). A stall ends when the
 * backend consumes something again: with nothing held the writer carries
 * on by itself; with bytes held, the owner calls xencons_resume().
 *
 * Returns the number of bytes taken: placed in the ring or held. That is
 * len, unless the ring is corrupt (the caller must find another way to say
 * what it had to say) or the writer is stalled without a hold buffer.
 */
size_t xencons_write(struct xencons_writer *w, const char *buf, size_t len);

/* Give the writer size bytes at buf for what is written while stalled. */
void xencons_writer_set_hold(struct xencons_writer *w, char *buf, size_t size);

/*
 * A stalled writer: has the backend consumed something since the stall
 * (out_cons moved)? Reads out_cons once; false unless stalled.
 */
bool xencons_stall_over(struct xencons_writer *w);

/*
 * End a stall: the writer is OK again, puts report[0..len) in the ring
 * (the owner's account of what was lost, stats.dropped), then the held
 * bytes, in order, waiting as any write does. Returns whether the writer
 * is OK afterwards (false: corrupt, or stalled again, keeping the rest).
 */
bool xencons_resume(struct xencons_writer *w, const char *report, size_t len);

/*
 * Notify the backend whether or not anything new was published: while
 * stalled, a backend that went away and came back does not know that a
 * full ring waits for it until it hears from us.
 */
void xencons_announce(struct xencons_writer *w);

/* Notify the backend if bytes were published since the last notification. */
void xencons_kick(struct xencons_writer *w);

/*
 * Kick, then wait until the backend has consumed everything we wrote
 * (out_cons == our producer index), but for limit_ns at most in all,
 * however the backend moves out_cons meanwhile. Returns whether it did.
 * When not: the ring is corrupt, or the backend made no progress for
 * stall_ns (the writer is then STALLED, as after a write), or the time ran
 * out (the writer stays OK; stats.flush_timeouts counts these).
 */
bool xencons_flush(struct xencons_writer *w, uint64_t limit_ns);

/*
 * The bytes written that the backend has not taken yet, as out_cons says
 * (read once; 0 if the ring is, or now turns out, corrupt).
 */
size_t xencons_unconsumed(struct xencons_writer *w);

void xencons_reader_init(struct xencons_reader *r,
                         struct xencons_interface *intf,
                         const struct xencons_ops *ops);

/* Go on reading from another page (a restore into a new domain). */
void xencons_reader_attach(struct xencons_reader *r,
                           struct xencons_interface *intf);

/*
 * Take up to len bytes from the in ring, advance in_cons and notify the
 * backend that space was freed. Returns the number of bytes taken (0 if the
 * ring is empty or corrupt).
 */
size_t xencons_read(struct xencons_reader *r, char *buf, size_t len);

#endif /* TINYPV_RING_H */
