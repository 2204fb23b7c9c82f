/*
 * suspend.h: xl save, xl restore, xl save -c and xl migrate.
 *
 * kernel/control.c asks suspend_check() before it acknowledges "suspend"
 * in control/shutdown, then calls suspend_domain(). docs/10-suspend.md
 * tells the story.
 */
#ifndef TINYPV_SUSPEND_H
#define TINYPV_SUSPEND_H

#include <tinypv/types.h>
#include <tinypv/boot_info.h>

/*
 * Can the domain suspend now? Everything that could stop a suspend and can
 * be known before trying: no xenstore request in flight, and what the
 * platform needs (arch_suspend_check()). 0, or -errno after saying why on
 * the console (and counting a refusal). Asked before acknowledging.
 */
int suspend_check(void);

/*
 * Suspend now, after suspend_check() said yes. Returns once the domain
 * runs again: SUSPEND_NEW_DOMAIN or SUSPEND_CANCELLED (<tinypv/platform.h>),
 * or -errno if Xen refused the suspend hypercall (said on the console).
 * Must not be called from an upcall or in the middle of a xenstore
 * request: a watch function is the place.
 */
int suspend_domain(void);

struct suspend_stats {
    uint32_t suspends;          /* suspend hypercalls made */
    uint32_t restored;          /* ... that returned in a new domain */
    uint32_t cancelled;         /* ... that returned "cancelled" (same domain) */
    uint32_t refused;           /* requests not carried out: refused by
                                   suspend_check(), or by Xen */
    uint64_t last_away_ns;      /* wall-clock time away, the last time */
};
void suspend_get_stats(struct suspend_stats *st);

#endif /* TINYPV_SUSPEND_H */
