/*
 * pv.h: what the files of the 32-bit PV platform share among themselves.
 */
#ifndef TINYPV_ARCH_PV_H
#define TINYPV_ARCH_PV_H

#include <tinypv/types.h>
#include <xen/xen.h>

/* Stops with a message if Xen did not fill the hypercall page. */
void hypercall_page_check(void);

/* "ELF notes" or "legacy __xen_guest string": from xen_notes.S or
 * xen_guest_legacy.S, whichever the image was linked with. */
extern const char xen_metadata_kind[];

/* The start_info page Xen handed to _start (setup.c keeps it). */
start_info_t *pv_start_info(void);

#endif /* TINYPV_ARCH_PV_H */
