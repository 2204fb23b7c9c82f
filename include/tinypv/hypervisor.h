/*
 * hypervisor.h: shared_info, the page through which Xen talks to a running
 * domain on every platform: event-channel bitmaps, per-vCPU upcall flags
 * and time snapshots, the wall clock.
 *
 * The platform maps it and sets this pointer, the one record of where it
 * is: arch_map_shared_info() at boot, arch_suspend() around a suspend
 * (NULL while a PV guest has it unmapped). Until the first it is NULL,
 * and the upcall functions of <tinypv/events.h> touch nothing then.
 */
#ifndef TINYPV_HYPERVISOR_H
#define TINYPV_HYPERVISOR_H

#include <tinypv/types.h>
#include <xen/xen.h>

extern shared_info_t *shared_info;

/* This vCPU's part of shared_info (tinypv runs on vCPU 0 only). */
static inline struct vcpu_info *this_vcpu(void)
{
    return &shared_info->vcpu_info[0];
}

/*
 * "Xen 4.17.5-pre" on a line of its own (XENVER_version and
 * XENVER_extraversion): the boot banner's, and the monitor's `xen`.
 */
void xen_print_version(void);

#endif /* TINYPV_HYPERVISOR_H */
