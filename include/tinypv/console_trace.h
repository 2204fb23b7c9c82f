/*
 * console_trace.h: watching a keystroke travel (the `trace` command).
 *
 * The console driver (console/console.c) reports each step of its input
 * and echo path here while a trace is running: the event on the console
 * port, each read from the in ring, each write into the out ring, each
 * notification and each wait of the writer. The steps go into a small
 * fixed table; when the traced keystrokes have been read and handled, the
 * trace stops and the story is printed.
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

/* --- the driver's hooks (console/console.c) -------------------------------- */

/* The ring and port, once the console is up: the trace reads indices there. */
void console_trace_attach(struct xencons_interface *intf, evtchn_port_t port);

/*
 * Where the story's steps come from. A read or write has already moved its
 * index by n when it is reported: the index before the step is the one
 * after it minus n.
 */
void console_trace_event(void);                     /* upcall on the port */
void console_trace_read(const char *buf, size_t n);
void console_trace_write(const char *buf, size_t n);
void console_trace_notify(bool input_side);
void console_trace_wait(unsigned int attempt);      /* waits for the backend */
void console_trace_wait_done(bool consumed_event, bool deadline_passed);
/* The input batch was handed to the shell: finish the trace if it is due. */
void console_trace_batch_done(void);

/*
 * Lab only: move out_cons 4 KiB behind out_prod, an impossible value (as a
 * broken backend could), so that the next write finds the ring corrupt and
 * falls back to Xen's console.
 */
void console_lab_corrupt_ring(void);

#endif /* TINYPV_CONSOLE_TRACE_H */
