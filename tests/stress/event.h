/*
 * event.h: a host stand-in for one direction of a Xen event channel, for
 * the stress test (tests/stress) and the benchmark (bench).
 *
 * An event channel is a pending bit: notify sets it, the receiver tests and
 * clears it, and a receiver with nothing pending sleeps until it is set. The
 * same here, with a futex on the pending word:
 *
 *   notify   set pending; if it was clear and someone sleeps, FUTEX_WAKE.
 *   wait     take pending if set; otherwise FUTEX_WAIT while it is 0, until
 *            woken or until an absolute CLOCK_MONOTONIC deadline.
 *
 * Waiting really blocks (no spinning), so a harness built on this measures
 * the cost of the handshake rather than of a busy loop.
 *
 * No wake-up is lost: the sleeper counts itself in `sleepers` before the
 * kernel checks `pending == 0`, and the notifier sets `pending` before it
 * reads `sleepers`; with sequentially consistent operations at least one of
 * the two sees the other's store.
 *
 * Each event has one notifying thread and one waiting thread (as each end
 * of an event channel has one owner here), so the plain statistics counters
 * below are each written by one thread only.
 *
 * Why a futex and not a mutex and condition variable: a mutex would give
 * ThreadSanitizer a happens-before edge on every handshake and could hide a
 * missing acquire or release in the ring code. The pending word still gives
 * one edge (notify, then a wait that takes the event), but a consumer that
 * finds bytes without having waited, which the harnesses arrange often, is
 * ordered only by the ring indices. tests/stress/canary checks that a ring
 * with its barriers removed is in fact reported.
 */
#ifndef TINYPV_STRESS_EVENT_H
#define TINYPV_STRESS_EVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/syscall.h>

struct event {
    uint32_t pending;           /* the futex word: 1 = notified, not yet taken */
    uint32_t sleepers;          /* waiters inside FUTEX_WAIT, or about to be */
    uint64_t notifies;          /* event_notify() calls (by the notifier) */
    uint64_t wakes;             /* of which needed a FUTEX_WAKE syscall */
    uint64_t sleeps;            /* FUTEX_WAIT syscalls (by the waiter) */
};

static inline uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleep until an absolute CLOCK_MONOTONIC time, in ns. */
static inline void sleep_until_ns(uint64_t t)
{
    struct timespec ts = { (time_t)(t / 1000000000u), (long)(t % 1000000000u) };

    while ( clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR )
        ;
}

static inline void event_notify(struct event *e)
{
    e->notifies++;
    if ( __atomic_exchange_n(&e->pending, 1, __ATOMIC_SEQ_CST) == 0 &&
         __atomic_load_n(&e->sleepers, __ATOMIC_SEQ_CST) != 0 )
    {
        e->wakes++;
        syscall(SYS_futex, &e->pending, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

/*
 * Take the event, sleeping for it until `deadline` (now_ns() time) if it is
 * not pending. Returns false if the deadline passed without an event.
 * A spurious return from FUTEX_WAIT (a signal, a stale wake-up) just goes
 * round again.
 */
static inline bool event_wait(struct event *e, uint64_t deadline)
{
    struct timespec ts = { (time_t)(deadline / 1000000000u),
                           (long)(deadline % 1000000000u) };

    for ( ;; )
    {
        if ( __atomic_exchange_n(&e->pending, 0, __ATOMIC_SEQ_CST) )
            return true;
        if ( now_ns() >= deadline )
            return false;
        __atomic_fetch_add(&e->sleepers, 1, __ATOMIC_SEQ_CST);
        e->sleeps++;
        /* The BITSET form takes an absolute deadline on CLOCK_MONOTONIC. */
        syscall(SYS_futex, &e->pending, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts,
                NULL, FUTEX_BITSET_MATCH_ANY);
        __atomic_fetch_sub(&e->sleepers, 1, __ATOMIC_SEQ_CST);
    }
}

#endif /* TINYPV_STRESS_EVENT_H */
