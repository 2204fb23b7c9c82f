/*
 * clock.h: Xen system time (ns since the host booted, extrapolated from
 * shared_info's per-vCPU snapshot), wall-clock time and one-shot timers.
 * docs/05-time.md tells the story.
 */
#ifndef TINYPV_CLOCK_H
#define TINYPV_CLOCK_H

#include <tinypv/types.h>
#include <xen/xen.h>
#include <lib/div64.h>

#define NSEC_PER_USEC   1000ULL
#define NSEC_PER_MSEC   1000000ULL
#define NSEC_PER_SEC    1000000000ULL

/* Note the boot time; shared_info is mapped (<tinypv/hypervisor.h>). */
void time_init(void);

/* Monotonic Xen system time in nanoseconds. */
uint64_t monotonic_ns(void);

/*
 * A deadline of the kernel's clock in Xen's system time, for set_timer_op
 * and SCHEDOP_poll (the two differ after a restore or a migration). 0, "no
 * deadline", stays 0.
 */
uint64_t clock_to_xen(uint64_t deadline);

/*
 * Around a suspend (kernel/suspend.c): note the clocks just before, and
 * just after (shared_info mapped again) make the kernel's clock continue
 * from where it stopped plus the wall-clock time away, which is returned.
 */
void time_suspend(void);
uint64_t time_resume(void);

/* Nanoseconds since tinypv started. */
uint64_t uptime_ns(void);

/* Unix time now, in seconds and nanoseconds. */
void wallclock_now(uint64_t *sec, uint32_t *nsec);

/* The scaling step, separate so that host tests can check it. */
uint64_t scale_tsc_delta(uint64_t delta, uint32_t mul_frac, int8_t shift);

/*
 * Xen system time from one vcpu_time_info snapshot (the seqlock read, the
 * TSC taken inside it, a TSC below the stamp clamped to the stamp).
 * monotonic_ns() is this with arch_clock_counter(); host tests pass their
 * own TSC.
 */
uint64_t time_read_snapshot(const volatile struct vcpu_time_info *t,
                            uint64_t (*read_tsc)(void));

/*
 * The architecture's clock source: the counter the snapshot's
 * tsc_timestamp was taken from (x86: the TSC, arch/x86/time.c), read only
 * after every load before it.
 */
uint64_t arch_clock_counter(void);

/* --- one-shot timers ------------------------------------------------------- */

struct timer;
typedef void (*timer_fn)(struct timer *t, void *ctx);

struct timer {
    uint64_t deadline;          /* system time (ns) */
    timer_fn fn;
    void *ctx;
    struct timer *next;         /* in the sorted list of armed timers */
    bool armed;
};

/*
 * Stop Xen's periodic timer and bind VIRQ_TIMER; timers work after this
 * (and upcall_enable()). If Xen refuses, timer_arm() still queues but
 * nothing fires: ask timers_available() before waiting. A second call
 * always fails (the lab's `breaktimer`).
 */
void timers_init(void);

/* Did timers_init() bind VIRQ_TIMER? */
bool timers_available(void);

/*
 * After a suspend: in a new domain timers_init() again (the binding died
 * with the old domain, and the new vCPU starts with a periodic timer); in
 * both cases program Xen for the earliest deadline again, in the
 * new clock offset, and let the main loop run whatever fell due meanwhile.
 */
void timers_resume(bool new_domain);

/* Arm t to call fn(t, ctx) from the main loop at or after deadline. */
void timer_arm(struct timer *t, uint64_t deadline, timer_fn fn, void *ctx);
void timer_cancel(struct timer *t);

/* Is a timer due (or the timer event in)? For the main loop's idle check. */
bool timers_pending(void);

/* Run the due timers and program Xen for the next deadline. */
void timers_run(void);

#endif /* TINYPV_CLOCK_H */
