/*
 * time.h: Xen system time.
 *
 * Xen keeps, per vCPU, a snapshot (system time in ns, the TSC value when it
 * was taken, and a scale factor) in shared_info; the guest extrapolates with
 * its own TSC. "System time" counts nanoseconds since the host booted; it is
 * the clock SCHEDOP_poll timeouts and set_timer_op deadlines are given in.
 */
#ifndef TINYPV_TIME_H
#define TINYPV_TIME_H

#include <types.h>
#include <xen/xen.h>

#define NSEC_PER_USEC   1000ULL
#define NSEC_PER_MSEC   1000000ULL
#define NSEC_PER_SEC    1000000000ULL

void time_init(shared_info_t *si);

/* Monotonic Xen system time in nanoseconds. */
uint64_t monotonic_ns(void);

/* The scaling step, separate so that host tests can check it. */
uint64_t scale_tsc_delta(uint64_t delta, uint32_t mul_frac, int8_t shift);

#endif /* TINYPV_TIME_H */
