/*
 * hypervisor.h: shared_info, the page through which Xen talks to a running
 * domain. The platform maps it and sets the pointer (arch_map_shared_info(),
 * arch_suspend()); it is NULL before that and while a PV suspend has it
 * unmapped, and the upcall functions touch nothing then. docs/02-memory.md.
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
