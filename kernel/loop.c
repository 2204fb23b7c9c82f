/*
 * loop.c: the main loop. tinypv has one thread: it sleeps until an event
 * brings work, then does the work, in the order below.
 *
 * The upcall only sets flags (console input ready, timer fired, xenstore
 * answered); everything that takes time happens here, with upcalls on.
 * Each call of kernel_idle() is one turn: at its end the ports that used
 * up their event budget during the turn are unmasked (evtchn_end_turn),
 * so a peer that never stops sending is served a few times per turn and
 * no more, and cannot keep the kernel in its upcall.
 */
#include <tinypv/kernel.h>
#include <tinypv/events.h>
#include <tinypv/console.h>
#include <tinypv/clock.h>
#include <tinypv/xenstore.h>
#include <tinypv/balloon.h>
#include <tinypv/blkfront.h>
#include <tinypv/netfront.h>

bool kernel_has_work(void)
{
    /* A held port is work: while it is masked, its events wake nobody. */
    return console_input_pending() || timers_pending() ||
           xenstore_pending() || evtchn_ports_held() || balloon_pending() ||
           blkfront_pending() || netfront_pending();
}

void kernel_idle(void)
{
    events_wait_for_work(kernel_has_work);
    if ( timers_pending() )
        timers_run();
    if ( xenstore_pending() )
        xenstore_process();
    if ( blkfront_pending() )
        blkfront_process();
    if ( netfront_pending() )
        netfront_process();
    if ( console_input_pending() )
        console_process_input();
    /* One batch of a memory change per turn: the rest waits its turn. */
    if ( balloon_pending() )
        balloon_process();
    evtchn_end_turn();
}

void kernel_main_loop(void)
{
    for ( ;; )
        kernel_idle();
}
