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
 * reads `sleepers`, so at least one of the two sees the other's store.
 * That needs each side's store ordered before its later load, which x86
 * gives for free: both stores are locked read-modify-writes (xchg, lock
 * xadd), full fences in hardware. The C code says only "relaxed" plus a
 * compiler barrier, on purpose: a C11 acquire/release or seq_cst RMW here
 * would be, for ThreadSanitizer, a happens-before edge between guest and
 * backend on every handshake, and that hid a ring with its barriers
 * removed (tests/stress/canary) completely. Relaxed, the ring's own indices
 * are the only thing ordering the bytes, as they must be.
 *
 * Each event has one notifying thread and one waiting thread (as each end
 * of an event channel has one owner here), so the plain statistics counters
 * below are each written by one thread only.
 *
 * Why a futex and not a mutex and condition variable: a mutex, too, would
 * order everything the two threads do, and the test would prove nothing
 * about the ring's barriers.
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

#if !defined(__x86_64__) && !defined(__i386__)
#error "event.h relies on x86 locked instructions being full fences"
#endif

#define event_barrier()     asm volatile ( "" ::: "memory" )

/* A cache line each, so that two events do not slow each other down. */
struct event {
    uint32_t pending;           /* the futex word: 1 = notified, not yet taken */
    uint32_t sleepers;          /* waiters inside FUTEX_WAIT, or about to be */
    uint64_t notifies;          /* event_notify() calls (by the notifier) */
    uint64_t wakes;             /* of which needed a FUTEX_WAKE syscall */
    uint64_t sleeps;            /* FUTEX_WAIT syscalls (by the waiter) */
} __attribute__((aligned(64)));

static inline uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* now_ns() as the ring writer's clock (the `now` of its callbacks). */
static inline uint64_t event_clock(void *ctx)
{
    return now_ns();
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
    if ( __atomic_exchange_n(&e->pending, 1, __ATOMIC_RELAXED) != 0 )
        return;                 /* already pending: the waiter will see it */
    event_barrier();
    if ( __atomic_load_n(&e->sleepers, __ATOMIC_RELAXED) != 0 )
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
        if ( __atomic_exchange_n(&e->pending, 0, __ATOMIC_RELAXED) )
            return true;
        if ( now_ns() >= deadline )
            return false;
        __atomic_fetch_add(&e->sleepers, 1, __ATOMIC_RELAXED);
        event_barrier();
        e->sleeps++;
        /* The BITSET form takes an absolute deadline on CLOCK_MONOTONIC. */
        syscall(SYS_futex, &e->pending, FUTEX_WAIT_BITSET_PRIVATE, 0, &ts,
                NULL, FUTEX_BITSET_MATCH_ANY);
        __atomic_fetch_sub(&e->sleepers, 1, __ATOMIC_RELAXED);
    }
}

#endif /* TINYPV_STRESS_EVENT_H */
