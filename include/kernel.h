/*
 * kernel.h: the main loop's services, for code that must wait.
 *
 * tinypv has one thread of execution. A command that waits (sleep, a
 * xenstore request) does not spin: it calls kernel_idle(), which blocks in
 * Xen until an event arrives and then does whatever work the event brought
 * (due timers, xenstore watch events, console input), exactly as the main
 * loop would.
 */
#ifndef TINYPV_KERNEL_H
#define TINYPV_KERNEL_H

#include <types.h>

/* Is anything waiting to be done? (Called with upcalls masked.) */
bool kernel_has_work(void);

/* Block until there is work, then do it. */
void kernel_idle(void);

#endif /* TINYPV_KERNEL_H */
