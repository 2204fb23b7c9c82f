/*
 * kernel.h: the main loop (kernel/loop.c), for code that must wait: a
 * waiting command calls kernel_idle() instead of spinning. Drivers waiting
 * for one answer poll their own port instead. docs/04-events.md.
 */
#ifndef TINYPV_KERNEL_H
#define TINYPV_KERNEL_H

#include <tinypv/types.h>

/* Is anything waiting to be done? (Called with upcalls masked.) */
bool kernel_has_work(void);

/* Block until there is work, then do it. */
void kernel_idle(void);

/* kernel_idle() for ever: what start_kernel() ends in. */
void kernel_main_loop(void) __noreturn;

#endif /* TINYPV_KERNEL_H */
