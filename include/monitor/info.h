/*
 * info.h: describing the domain, for the monitor's `info` and `xen`.
 */
#ifndef TINYPV_INFO_H
#define TINYPV_INFO_H

#include <tinypv/types.h>

/*
 * The version line (xen_print_version()), then capabilities, changeset and
 * compile information.
 */
void info_print_xen_details(void);

/* Where tinypv put things: image, stack, shared pages, and the platform's. */
void info_print_mappings(void);

#endif /* TINYPV_INFO_H */
