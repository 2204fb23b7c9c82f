/*
 * traps.h: processor exceptions and Xen's callbacks.
 *
 * A PV guest has no IDT of its own: it gives Xen a table of handlers
 * (HYPERVISOR_set_trap_table) and Xen bounces each exception to the right
 * one. tinypv treats every exception as fatal: it prints what happened and
 * where, flushes the console, and shuts the domain down as crashed.
 */
#ifndef TINYPV_TRAPS_H
#define TINYPV_TRAPS_H

#include <types.h>

/* The stack as arch/x86/entry.S leaves it for do_trap(). */
struct cpu_regs {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;    /* pushal */
    uint32_t vector;
    uint32_t error_code;
    uint32_t eip, cs, eflags;                           /* pushed by Xen */
};

/* Install the trap table and register the event and failsafe callbacks. */
void traps_init(void);

/* Fault on purpose, to show the crash path: "pagefault", "divide", ... */
bool trigger_fault(const char *kind);

/* The names trigger_fault() accepts, for help texts. */
extern const char fault_kinds[];

#endif /* TINYPV_TRAPS_H */
