/*
 * hypervisor.h: the two pages through which Xen describes the domain.
 *
 *   start_info   written once by the domain builder: memory size, where
 *                the console and xenstore rings are, the command line...
 *   shared_info  live: event-channel bitmaps, per-vCPU upcall flags and
 *                time snapshots, the wall clock.
 *
 * Both are set up by start_kernel() before anything else runs.
 */
#ifndef TINYPV_HYPERVISOR_H
#define TINYPV_HYPERVISOR_H

#include <types.h>
#include <xen/xen.h>

extern start_info_t *start_info;
extern shared_info_t *shared_info;

/* This vCPU's part of shared_info (tinypv runs on vCPU 0 only). */
static inline struct vcpu_info *this_vcpu(void)
{
    return &shared_info->vcpu_info[0];
}

/* "ELF notes" or "legacy __xen_guest string": what the image was built with. */
extern const char xen_metadata_kind[];

#endif /* TINYPV_HYPERVISOR_H */
