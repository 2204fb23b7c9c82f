/*
 * loop.c: the main loop. tinypv has one thread: it sleeps until an event
 * brings work, then does the work, in the order below.
 *
 * The upcall only sets flags (console input ready, timer fired, xenstore
 * answered); everything that takes time happens here, with upcalls on.
 */
#include <tinypv/kernel.h>
#include <tinypv/events.h>
#include <tinypv/console.h>
#include <tinypv/clock.h>
#include <tinypv/xenstore.h>

bool kernel_has_work(void)
{
    return console_input_pending() || timers_pending() || xenstore_pending();
}

void kernel_idle(void)
{
    events_wait_for_work(kernel_has_work);
    if ( timers_pending() )
        timers_run();
    if ( xenstore_pending() )
        xenstore_process();
    if ( console_input_pending() )
        console_process_input();
}

void kernel_main_loop(void)
{
    for ( ;; )
        kernel_idle();
}
