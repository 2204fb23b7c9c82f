/*
 * platform.h: what each platform (arch/x86/pv, arch/x86/pvh, ...) provides.
 *
 * start_kernel() (kernel/main.c) calls these in the order they are listed,
 * and nothing above them knows which platform it runs on. A port to a new
 * platform implements this file, the upcall functions of events.h, and an
 * entry trampoline that calls start_kernel(); docs/09-porting.md has the
 * whole list.
 */
#ifndef TINYPV_PLATFORM_H
#define TINYPV_PLATFORM_H

#include <tinypv/types.h>
#include <tinypv/boot_info.h>

/* The trampoline's C entry hands over here, with the platform's raw data kept. */
void start_kernel(void) __noreturn;

/* 1. Make hypercalls work (or stop the domain with a message). */
void arch_init_hypercalls(void);

/*
 * 2. Map shared_info and set the pointer to it (<tinypv/hypervisor.h>);
 * fill in bi's basics (platform, loaded_via, cmdline, nr_pages).
 */
void arch_map_shared_info(struct boot_info *bi);

/* 3. Find the console and xenstore pages and their event channels. */
void arch_find_rings(struct boot_info *bi);

/* 4. Route exceptions to arch/x86/traps.c and event upcalls to events/. */
void arch_init_traps(void);

/*
 * Output that does not need the console ring: before it is found, and after
 * it was abandoned as corrupt. Where it goes depends on the platform (and
 * on the Xen build): see its implementation.
 */
void arch_early_write(const char *s, size_t n);

/*
 * Whether this platform can suspend the domain as it is: everything
 * arch_suspend() would otherwise find wrong after the request was
 * acknowledged. 0, or -errno after saying why on the console. Called
 * before the acknowledgement (kernel/suspend.c's suspend_check()), and
 * nothing it checks changes between then and arch_suspend().
 */
int arch_suspend_check(struct boot_info *bi);

/*
 * Suspend the domain for xl save / xl migrate (kernel/suspend.c calls it
 * after arch_suspend_check() said yes, with upcalls masked, the console
 * flushed and xenstore idle): do what the toolstack needs of this
 * platform, make the suspend hypercall, and on return have shared_info
 * mapped again (the pointer NULL while it is not) and, in a new domain,
 * bi's rings found again. Returns SUSPEND_NEW_DOMAIN (the hypercall's 0), SUSPEND_CANCELLED
 * (its 1: the same domain goes on), or Xen's -errno if it refused the
 * hypercall: nothing was suspended, the domain is as it was.
 */
#define SUSPEND_NEW_DOMAIN  0
#define SUSPEND_CANCELLED   1
int arch_suspend(struct boot_info *bi);

/* For `info`: the platform's own boot data, and what it mapped where. */
void arch_print_boot_info(void);
void arch_print_mappings(void);

#endif /* TINYPV_PLATFORM_H */
