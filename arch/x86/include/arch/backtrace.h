/*
 * backtrace.h: who called whom, from the frame-pointer chain (x86).
 *
 * With -fno-omit-frame-pointer every function starts with
 * `push %ebp; mov %esp, %ebp`, so %ebp points at a two-word record:
 * [ebp] the caller's %ebp, [ebp + 4] the return address into the caller.
 * Following the saved %ebp values walks the stack from the innermost
 * frame outwards; the trampoline's %ebp = 0 ends the chain.
 */
#ifndef TINYPV_ARCH_BACKTRACE_H
#define TINYPV_ARCH_BACKTRACE_H

#include <tinypv/crash.h>

/* Most frames printed: a corrupt chain must not print forever. */
#define BACKTRACE_MAX_FRAMES    24

/*
 * backtrace_print() (<tinypv/crash.h>) for an exception: esp is the
 * interrupted stack pointer, where a function that keeps no frame of its
 * own has its return address.
 */
void backtrace_print_trap(unsigned long eip, unsigned long esp,
                          unsigned long fp);

#endif /* TINYPV_ARCH_BACKTRACE_H */
