/*
 * info.h: describing the domain, for the monitor's `info` and `xen`.
 */
#ifndef TINYPV_INFO_H
#define TINYPV_INFO_H

#include <tinypv/types.h>
#include <tinypv/boot_info.h>

/*
 * The version line (xen_print_version()), then capabilities, changeset and
 * compile information.
 */
void info_print_xen_details(void);

/* Where tinypv put things: image, stack, shared pages, and the platform's. */
void info_print_mappings(void);

/*
 * One line of `info` for a shared ring into buf (NUL-terminated, cut to
 * size): "  LABEL  ADDRESS (pfn 0x.., HOW), event channel N" and tail (may
 * be NULL), or "  LABEL  none" without the tail; always one whole line,
 * with its newline. Returns the length snprintf reports (monitor/info_ring.c).
 */
size_t info_format_ring(char *buf, size_t size, const char *label,
                        const struct boot_ring *r, const char *tail);

#endif /* TINYPV_INFO_H */
