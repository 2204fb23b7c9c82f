/*
 * kernel.h: the main loop (kernel/loop.c), for code that must wait.
 *
 * tinypv has one thread of execution. A shell command that waits (sleep)
 * does not spin: it calls kernel_idle(), which blocks in Xen until an event
 * arrives and then does whatever work the event brought (due timers,
 * xenstore watch events, console input), exactly as the main loop would;
 * console input meanwhile goes to the shell's typeahead.
 *
 * Lower layers that wait for one specific answer (the console writer for
 * ring space, a xenstore request for its reply) do not come here: they
 * poll their own event channel with upcalls masked, so no other work can
 * run in the middle of theirs.
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
