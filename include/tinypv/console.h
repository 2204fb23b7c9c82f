/*
 * console.h: the guest's console, on top of the Xen PV console ring.
 *
 * Output goes into the shared ring page the platform found; xenconsoled in
 * dom0 drains it into `xl console` and its logs. Before the ring is found
 * (and if it is ever found corrupt) output goes to the platform's early
 * console instead (arch_early_write: Xen's debug console on PV, port 0xe9
 * on PVH; Xen logs both at guest debug level, which a release Xen drops
 * unless booted with guest_loglvl=all, and takes PV's only when built with
 * CONFIG_VERBOSE_DEBUG).
 */
#ifndef TINYPV_CONSOLE_H
#define TINYPV_CONSOLE_H

#include <tinypv/types.h>
#include <tinypv/ring.h>
#include <lib/cksum.h>
#include <tinypv/boot_info.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

/* How long the writer waits for a backend that makes no progress. */
#define CONSOLE_STALL_TIMEOUT_MS    5000

/*
 * How long a flush may take in all, progress or not: a backend that keeps
 * moving out_cons without ever catching up must not hold shutdown() or
 * suspend_domain() (which wait with upcalls masked). Twice the stall
 * bound, so that a dead backend is still found stalled first.
 */
#define CONSOLE_FLUSH_TIMEOUT_MS    (2 * CONSOLE_STALL_TIMEOUT_MS)

/*
 * After that the backend is "stalled": output no longer waits, the newest
 * CONSOLE_HOLD_SIZE bytes are kept (older ones are lost, and counted), and
 * every CONSOLE_PROBE_MS a timer notifies the backend and looks whether it
 * drains again. When it does, "[console: N bytes lost: ...]" is printed
 * once and the held bytes follow (see console.c).
 */
#define CONSOLE_HOLD_SIZE           4096
#define CONSOLE_PROBE_MS            250

/* Input batches (of up to the in ring's 1 KiB) per pass of the main loop. */
#define CONSOLE_INPUT_BUDGET        2

/* Start writing to the ring the platform found (or stay on the early console). */
void console_init(const struct boot_ring *ring);

/*
 * After a suspend. Same domain: everything holds. New domain: the page is
 * taken at its (new) address and the event channel bound again, and the
 * writer takes its producer index from the page once, as at boot. What
 * the page holds depends on the platform: on PV the save copied its
 * indices and bytes and xenconsoled carries on from them; on PVH libxc
 * zeroes it during the restore, an empty ring (output not yet taken and
 * input not yet read are lost). Must come before any printk.
 */
void console_resume(const struct boot_ring *ring, bool new_domain);

/*
 * Write n bytes, "\n" becoming "\r\n", and notify the backend once (more
 * only if the ring fills up). Never drops output while the backend drains
 * the ring; waits without spinning when it is full.
 */
void console_write(const char *s, size_t n);

/* The two halves of console_write, for callers that write in pieces. */
void console_put(const char *s, size_t n);
void console_kick(void);

/*
 * Wait until the backend has consumed everything written: for at most
 * CONSOLE_STALL_TIMEOUT_MS without progress (the writer is then stalled),
 * and CONSOLE_FLUSH_TIMEOUT_MS in all. Returns whether it did; if not, it
 * says how many bytes the backend had not taken, in the ring if the
 * backend still moves, else on the early console.
 */
bool console_flush(void);

/*
 * While a tap is set, every byte that enters the ring (after "\r\n"
 * translation) is also fed to it: the kernel's own record of exactly what
 * it sent, for comparison with what dom0 received.
 */
void console_set_tap(struct cksum *tap);

/* --- input --------------------------------------------------------------- */

/*
 * Receives the bytes typed at the console, in the main loop (never in the
 * upcall). The default consumer is the monitor shell's line editor; a port
 * of tinypv can take the bytes for itself with console_set_input_handler().
 */
typedef void (*console_input_fn)(void *ctx, const char *buf, size_t n);
void console_set_input_handler(console_input_fn fn, void *ctx);

/*
 * Backpressure: how many bytes the consumer can take now (ctx is the input
 * handler's). The console never hands it more; at 0 it stops taking input
 * from the ring (the backend then stops reading its side) until the
 * consumer calls console_input_resume(). Without one, batches are not
 * limited.
 */
typedef size_t (*console_room_fn)(void *ctx);
void console_set_input_room(console_room_fn fn);
void console_input_resume(void);

/* Bind the console event channel and start taking input (needs upcalls). */
void console_start_input(void);

/*
 * Has the backend signalled since input was last drained (or is a stall
 * waiting for its probe to be armed)?
 */
bool console_input_pending(void);

/*
 * Drain the in ring into the input handler, notifying the backend after
 * each batch consumed: at most CONSOLE_INPUT_BUDGET batches, then it asks
 * to be called again, so the rest of the main loop runs in between. Also
 * ends an output stall once the backend drains again. Called by the main
 * loop when console_input_pending().
 */
void console_process_input(void);

/* Write to the early console only: when the ring itself is the problem. */
void console_debug_write(const char *s);

/* What the console has done so far, for `stats` and the tests. */
struct console_stats {
    struct xencons_writer_stats out;
    struct xencons_reader_stats in;
    uint32_t corrupt_reports;       /* rings found corrupt */
    bool ring_in_use;               /* false: writing to Xen's debug console */
};
void console_get_stats(struct console_stats *st);


#endif /* TINYPV_CONSOLE_H */
