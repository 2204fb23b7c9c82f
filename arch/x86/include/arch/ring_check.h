/*
 * ring_check.h: the one check of a console or xenstore ring Xen named, for
 * both x86 platforms, applied to the values as Xen gave them before they
 * become a port or an address (docs/02-memory.md, "The trust boundary").
 * Pure: tests/host/test_ring_check.c gives it bad values.
 */
#ifndef TINYPV_ARCH_RING_CHECK_H
#define TINYPV_ARCH_RING_CHECK_H

#include <tinypv/types.h>

/*
 * Why a ring at frame `frame` with event channel `port` cannot be used, or
 * NULL if it can. The frame must be 1..max_frame, the last frame whose
 * page the platform can reach (frame 0 is "none"); the port 1..nr_ports-1
 * (port 0 is never a guest's; nr_ports is the event channel ABI's count,
 * NR_EVENT_PORTS for the 2-level ABI). Both are compared as 64-bit values:
 * 2^32 + 2 is not port 2, and no shift can wrap.
 */
const char *ring_problem(uint64_t frame, uint64_t port, uint64_t max_frame,
                         uint64_t nr_ports);

#endif /* TINYPV_ARCH_RING_CHECK_H */
