/*
 * ring_check.h: the one check of a console or xenstore ring Xen named,
 * for both x86 platforms.
 *
 * PV reads a ring's frame and event channel from start_info; PVH reads
 * them from HVM parameters, which are 64-bit values. Either way the
 * toolstack wrote them, and nothing in tinypv checks them later: the port
 * becomes an index into shared_info's evtchn_pending and evtchn_mask
 * words (an atomic AND on evtchn_pending[port / 32] is the first thing the
 * dispatcher does with it), and the frame becomes the address of the
 * ring. So both platforms put the two values through ring_problem() as
 * Xen gave them, before anything narrows them to a port or shifts the
 * frame into an address, and a ring that fails stays off.
 *
 * Pure (no hypercalls, no globals): tests/host/test_ring_check.c gives it
 * bad values.
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
