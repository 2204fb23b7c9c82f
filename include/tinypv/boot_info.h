/*
 * boot_info.h: what the platform tells the kernel about the domain.
 *
 * Every platform learns the same facts from Xen in its own way: a 32-bit
 * PV guest reads them from start_info and translates machine frames; a PVH
 * guest asks for HVM parameters and maps pages into its own physical
 * address space. The platform's setup code (arch/x86/<platform>/setup.c)
 * writes the answers here, and the generic kernel reads only this record,
 * never the platform's own structures.
 */
#ifndef TINYPV_BOOT_INFO_H
#define TINYPV_BOOT_INFO_H

#include <tinypv/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

/* A page shared with a dom0 backend, and the event channel beside it. */
struct boot_ring {
    bool present;               /* false: not found; its driver stays off */
    void *page;                 /* where tinypv reaches the page */
    uint64_t frame;             /* the frame Xen named: MFN (PV), GFN (PVH) */
    unsigned long pfn;          /* our pseudo-physical frame, ~0UL: unknown */
    const char *how;            /* how it was reached, for `info` */
    evtchn_port_t port;         /* its event channel */
};

struct boot_info {
    const char *platform;       /* "PAE Xen PV", "Xen PVH": for the banner */
    const char *loaded_via;     /* "ELF notes", "legacy __xen_guest string" */
    const char *cmdline;        /* not necessarily terminated: see below */
    size_t cmdline_max;         /* bytes of cmdline that may be read */
    unsigned long nr_pages;     /* memory of the domain, in pages */
    shared_info_t *shared_info;
    struct boot_ring console;
    struct boot_ring xenstore;
};

/* The record start_kernel() filled, for `info` and friends. */
extern const struct boot_info *boot_info;

#endif /* TINYPV_BOOT_INFO_H */
