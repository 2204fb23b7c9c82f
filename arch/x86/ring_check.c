/*
 * ring_check.c: the check of a ring's frame and event channel, shared by
 * PV (arch/x86/pv/setup.c) and PVH (arch/x86/pvh/setup.c). See
 * <arch/ring_check.h>.
 *
 * Comparisons only, no arithmetic on the values: a huge frame or port must
 * fail the check, not pass it by wrapping.
 */
#include <arch/ring_check.h>

const char *ring_problem(uint64_t frame, uint64_t port, uint64_t max_frame,
                         uint64_t nr_ports)
{
    if ( port == 0 )
        return "event channel 0 is never a guest's";
    if ( port >= nr_ports )
        return "event channel beyond the ports of the 2-level event channel ABI";
    if ( frame == 0 )
        return "no ring page (frame 0)";
    if ( frame > max_frame )
        return "ring page beyond the memory this kernel can map";
    return NULL;
}
