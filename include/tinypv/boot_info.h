/*
 * boot_info.h: what the platform learned about the domain from Xen.
 *
 * Written by arch/x86/<platform>/setup.c, read by the generic kernel, which
 * never sees start_info or HVM parameters; the one copy of these facts.
 * shared_info has its own pointer (<tinypv/hypervisor.h>). docs/02-memory.md.
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
    struct boot_ring console;
    struct boot_ring xenstore;
};

/* The record start_kernel() filled, for `info` and friends. */
extern const struct boot_info *boot_info;

/*
 * The same record, writable: a suspend changes it (the rings of a new
 * domain). Only kernel/suspend.c asks for this (kernel/main.c owns it).
 */
struct boot_info *boot_info_writable(void);

#endif /* TINYPV_BOOT_INFO_H */
