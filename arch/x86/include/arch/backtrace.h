/*
 * backtrace.h: who called whom, from the frame-pointer chain (x86); the
 * walk is described in docs/oops.md.
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
