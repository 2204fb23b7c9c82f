/*
 * info.h: describing the domain, for the boot banner and the monitor.
 */
#ifndef TINYPV_INFO_H
#define TINYPV_INFO_H

#include <tinypv/types.h>

/* "Xen 4.17.5-pre": XENVER_version and XENVER_extraversion. */
void info_print_xen_version(void);

/* Also capabilities, changeset and compile information. */
void info_print_xen_details(void);

/* Where tinypv put things: image, stack, shared pages, and the platform's. */
void info_print_mappings(void);

#endif /* TINYPV_INFO_H */
