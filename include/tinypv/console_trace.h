/*
 * console_trace.h: watching a keystroke travel (the `trace` command).
 *
 * The console driver (console/console.c) reports each step of its input
 * and echo path through one hook, console_trace(), while a trace is
 * running: the event on the console port, each read from the in ring, each
 * write into the out ring, each notification and each wait of the writer.
 * The steps go into a small fixed table; when the traced keystrokes have
 * been read and handled, the trace stops and the story is printed.
 *
 * Off by default. While off, the only cost is the test of console_trace_on
 * at each hook; nothing is recorded and nothing behaves differently.
 */
#ifndef TINYPV_CONSOLE_TRACE_H
#define TINYPV_CONSOLE_TRACE_H

#include <tinypv/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>

/* Most keystrokes one trace follows; the step table is sized for them. */
#define CONSOLE_TRACE_MAX_KEYS  16

/* True while a trace is armed or recording: the hooks test this first. */
extern bool console_trace_on;

/*
 * Arm a trace: recording starts at the next console event (or read) and
 * ends after `keys` bytes have been read, or, with until_newline, after
 * the first Enter; once those bytes have been handled the story is printed
 * and done() is called (the shell redraws its prompt). Returns false if
 * keys is out of range or no ring is in use.
 */
bool console_trace_arm(unsigned int keys, bool until_newline,
                       void (*done)(void));

/* --- the driver's hook (console/console.c) -------------------------------- */

/* The ring and port, once the console is up: the trace reads indices there. */
void console_trace_attach(struct xencons_interface *intf, evtchn_port_t port);

/*
 * What the driver reports. A read or write has already moved its index by
 * n when it is reported: the index before the step is the one after it
 * minus n.
 */
enum console_step {
    CONSOLE_STEP_EVENT,         /* the upcall saw the console port */
    CONSOLE_STEP_READ,          /* buf: n bytes taken from the in ring */
    CONSOLE_STEP_WRITE,         /* buf: n bytes put in the out ring (0: none) */
    CONSOLE_STEP_NOTIFY_IN,     /* EVTCHNOP_send after consuming input */
    CONSOLE_STEP_NOTIFY_OUT,    /* EVTCHNOP_send after publishing output */
    CONSOLE_STEP_WAIT,          /* the writer waits; n: the attempt */
    CONSOLE_STEP_WAIT_DONE,     /* ... and is back; n: CONSOLE_WAIT_* */
    CONSOLE_STEP_BATCH_DONE,    /* an input batch was handed to the shell:
                                   the trace ends here if it is due */
};

/* How a wait ended (CONSOLE_STEP_WAIT_DONE). */
enum {
    CONSOLE_WAIT_WOKEN,         /* by an event, before the deadline */
    CONSOLE_WAIT_TOOK_EVENT,    /* an event was pending: it took it */
    CONSOLE_WAIT_DEADLINE,      /* the deadline passed */
};

void console_trace_step(enum console_step step, const char *buf, size_t n);

/*
 * The driver's one hook. A macro, so that while no trace is on its
 * arguments are not even evaluated: testing console_trace_on is all it
 * costs.
 */
#define console_trace(step, buf, n)                                     \
    do {                                                                \
        if ( unlikely(console_trace_on) )                               \
            console_trace_step((step), (buf), (n));                     \
    } while ( 0 )

/*
 * Lab only: move out_cons 4 KiB behind out_prod, an impossible value (as a
 * broken backend could), so that the next write finds the ring corrupt and
 * falls back to Xen's console.
 */
void console_lab_corrupt_ring(void);

#endif /* TINYPV_CONSOLE_TRACE_H */
