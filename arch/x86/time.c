/*
 * time.c: the counter under Xen's time snapshot, on x86: the TSC.
 *
 * Xen lets every x86 guest, PV or PVH, read it directly; kernel/time.c
 * scales it with the snapshot's factors (docs/05-time.md).
 */
#include <tinypv/clock.h>
#include <arch/processor.h>

uint64_t arch_clock_counter(void)
{
    return rdtsc_ordered();
}
