/*
 * crash.h: the crash path's generic face: crashing on purpose (`crash
 * KIND`, `xl sysrq D c`), and the call trace panic() prints. The faults
 * and the frame walk are the architecture's (arch/x86/traps.c,
 * arch/x86/backtrace.c), and a platform may add kinds of its own; the
 * report they end in is docs/oops.md.
 */
#ifndef TINYPV_CRASH_H
#define TINYPV_CRASH_H

#include <tinypv/types.h>

/*
 * Fault on purpose: "pagefault", "divide", ... (fault_kinds, then
 * arch_fault_kinds). Does not return for a kind it knows, except one the
 * platform tried and reported as not having faulted; false for a kind it
 * does not know.
 */
bool trigger_fault(const char *kind);

/*
 * The kinds, for help texts: the architecture's ("pagefault, divide, ..."),
 * and the platform's own (", failsafe" on PV; "" where it has none).
 */
extern const char fault_kinds[];
extern const char arch_fault_kinds[];

/*
 * Print "#0 pc" and then every return address of the call chain that
 * starts at frame pointer fp, each with its function name, as far as the
 * chain stays inside the kernel stack and points into the kernel's code.
 */
void backtrace_print(unsigned long pc, unsigned long fp);

/* The same for the caller of the function that calls this (panic()). */
#define backtrace_print_here() \
    backtrace_print(0, (unsigned long)__builtin_frame_address(0))

#endif /* TINYPV_CRASH_H */
