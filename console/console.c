/*
 * console.c: the console driver, gluing the pure ring code (ring.c) to Xen.
 *
 * Output path:
 *     printk -> console_put -> "\n" to "\r\n" in small chunks
 *            -> xencons_write (ring.c) -> console_kick -> EVTCHNOP_send
 *
 * When the ring is full, ring.c calls console_wait(), which sleeps in
 * SCHEDOP_poll on the console port until xenconsoled (which notifies us
 * after every drain) has made room, or until the deadline ring.c gives it
 * passes: CONSOLE_STALL_TIMEOUT_MS after the last progress. A flush
 * (console_flush, before every shutdown and suspend) is also bounded in
 * all, by CONSOLE_FLUSH_TIMEOUT_MS, whatever the backend does meanwhile.
 *
 * Stall and recovery: after a wait that gave up, the writer is STALLED and
 * never waits again; it keeps the newest CONSOLE_HOLD_SIZE bytes (ring.c's
 * hold buffer) and counts what they push out. xenconsoled drains a ring
 * only when notified, and one that was restarted has not heard the
 * notifications sent before it came: so while stalled a timer announces
 * the full ring every CONSOLE_PROBE_MS and looks whether out_cons moved.
 * When it has (seen by that probe, by the backend's own notification, or
 * by the next write), the loss is reported once, with its byte count, and
 * the held bytes follow it into the ring: no typing needed, no spinning.
 *
 * Input: the in ring is drained in batches, at most CONSOLE_INPUT_BUDGET
 * per pass of the main loop, and never more than the consumer has room
 * for (console_set_input_room): what it cannot take yet stays in the ring,
 * so xenconsoled stops reading the pty instead of anybody dropping bytes.
 */
#include <tinypv/console.h>
#include <tinypv/console_trace.h>
#include <tinypv/events.h>
#include <tinypv/platform.h>
#include <tinypv/printk.h>
#include <tinypv/clock.h>
#include <lib/string.h>
#include <lib/format.h>
#include <tinypv/barrier.h>

/* Input is taken in batches of up to the in ring's size. */
#define XENCONS_IN_BATCH    sizeof(((struct xencons_interface *)0)->in)

static struct xencons_writer writer;
static struct xencons_reader reader;
static evtchn_port_t console_port;
static bool ring_ready;                 /* false: use Xen's debug console */
static uint32_t corrupt_reports;
static uint64_t dropped_reported;
static struct cksum *tap;
static char hold[CONSOLE_HOLD_SIZE];    /* newest output while stalled */
static struct timer probe;              /* armed only while stalled */
static bool probe_wanted;               /* stalled: the main loop arms it */
static volatile bool input_pending;     /* set in the upcall, cleared by the loop */
static bool input_blocked;              /* the consumer had no room */
static bool input_corrupt_reported;
static console_input_fn input_handler;
static console_room_fn input_room;
static void *input_ctx;

/* ctx is the reader or the writer: the trace tells the two apart. */
static void console_notify(void *ctx)
{
    console_trace(ctx == &reader ? CONSOLE_STEP_NOTIFY_IN
                                 : CONSOLE_STEP_NOTIFY_OUT, NULL, 0);
    evtchn_notify(console_port);
}

/*
 * Block until xenconsoled may have drained the ring, or until the deadline
 * ring.c chose (the stall bound, or a flush's limit). The port's pending
 * bit is the signal: it is set by every notification the backend sends.
 * evtchn_wait() returns at once if it is already set (something happened
 * since we last looked: the writer re-reads the indices), and otherwise
 * sleeps until it is set or the deadline passes, missing no event.
 */
static void console_wait(void *ctx, unsigned int attempt, uint64_t deadline)
{
    bool consumed;

    console_trace(CONSOLE_STEP_WAIT, NULL, attempt);
    /*
     * A consumed event will never reach the upcall; it may also have
     * announced input, so let the main loop look at the in ring.
     */
    consumed = evtchn_wait(console_port, deadline);
    if ( consumed )
        input_pending = true;
    console_trace(CONSOLE_STEP_WAIT_DONE, NULL,
                  consumed ? CONSOLE_WAIT_TOOK_EVENT :
                  monotonic_ns() >= deadline ? CONSOLE_WAIT_DEADLINE :
                                               CONSOLE_WAIT_WOKEN);
}

static uint64_t console_now(void *ctx)
{
    return monotonic_ns();
}

static const struct xencons_ops writer_ops = {
    .notify = console_notify,
    .wait = console_wait,
    .now = console_now,
    .ctx = &writer,
};

static const struct xencons_ops reader_ops = {
    .notify = console_notify,
    .ctx = &reader,
};

void console_init(const struct boot_ring *ring)
{
    if ( !ring->present )
    {
        printk("console: no console ring; staying on the early console\n");
        return;
    }
    console_port = ring->port;
    xencons_writer_init(&writer, ring->page, &writer_ops,
                        CONSOLE_STALL_TIMEOUT_MS * NSEC_PER_MSEC);
    xencons_writer_set_hold(&writer, hold, sizeof(hold));
    xencons_reader_init(&reader, ring->page, &reader_ops);
    console_trace_attach(ring->page, console_port);
    ring_ready = true;
}

/* The platform's early console (see arch_early_write). */
static void debug_console_write(const char *s, size_t n)
{
    arch_early_write(s, n);
}

void console_debug_write(const char *s)
{
    debug_console_write(s, strlen(s));
}

/* Say once, on the debug console, that the ring was abandoned. */
static void report_corrupt_ring(void)
{
    ring_ready = false;
    corrupt_reports++;
    printk("console: ring indices corrupt (out_prod=%u out_cons=%u); "
           "the ring is no longer used\n", writer.bad_prod, writer.bad_cons);
}

/*
 * If the backend drains again after a stall, end the stall: the loss
 * report, once, then the held bytes. Upcalls masked (it writes the ring).
 */
static void resume_if_back(void)
{
    char report[128];
    uint64_t dropped = writer.stats.dropped - dropped_reported;
    int n = 0;

    if ( !xencons_stall_over(&writer) )
        return;
    if ( dropped )
        n = snprintf(report, sizeof(report), "\r\n[console: %llu bytes lost: "
                     "the backend stopped draining the ring for more than "
                     "%u ms]\r\n", (unsigned long long)dropped,
                     CONSOLE_STALL_TIMEOUT_MS);
    dropped_reported = writer.stats.dropped;
    xencons_resume(&writer, report, n > 0 ? MIN((size_t)n, sizeof(report) - 1) : 0);
    xencons_kick(&writer);
    if ( writer.state == XENCONS_STALLED )
        probe_wanted = true;        /* stalled again while catching up */
}

/* The probe: announce the full ring, and look whether it is drained. */
static void probe_fired(struct timer *t, void *ctx)
{
    unsigned long flags = upcall_save_and_mask();

    if ( ring_ready && writer.state == XENCONS_STALLED )
    {
        xencons_announce(&writer);
        resume_if_back();
    }
    if ( ring_ready && writer.state == XENCONS_STALLED )
        timer_arm(&probe, monotonic_ns() + CONSOLE_PROBE_MS * NSEC_PER_MSEC,
                  probe_fired, NULL);
    upcall_restore(flags);
}

/* Put translated bytes into the ring (or wherever output goes now). */
static void emit(const char *s, size_t n)
{
    size_t done;

    if ( !ring_ready )
    {
        debug_console_write(s, n);
        return;
    }
    if ( writer.state == XENCONS_STALLED )
        resume_if_back();
    done = xencons_write(&writer, s, n);
    console_trace(CONSOLE_STEP_WRITE, s, done);
    if ( writer.state == XENCONS_STALLED )
        probe_wanted = true;        /* armed from the main loop, not here */
    if ( tap )
        cksum_update(tap, s, done);
    if ( writer.state == XENCONS_CORRUPT )
    {
        report_corrupt_ring();
        debug_console_write(s + done, n - done);
    }
}

void console_put(const char *s, size_t n)
{
    char chunk[128];
    size_t used = 0, i;
    unsigned long flags = upcall_save_and_mask();

    for ( i = 0; i < n; i++ )
    {
        if ( used + 2 > sizeof(chunk) )
        {
            emit(chunk, used);
            used = 0;
        }
        if ( s[i] == '\n' )
            chunk[used++] = '\r';
        chunk[used++] = s[i];
    }
    if ( used )
        emit(chunk, used);

    upcall_restore(flags);
}

void console_kick(void)
{
    unsigned long flags = upcall_save_and_mask();

    if ( ring_ready )
        xencons_kick(&writer);
    upcall_restore(flags);
}

void console_write(const char *s, size_t n)
{
    console_put(s, n);
    console_kick();
}

/*
 * Say what a flush that gave up leaves behind, where it can still be seen:
 * in the ring if the backend still moves (a flush that ran out of time),
 * else on the early console.
 */
static void report_flush_failure(void)
{
    char note[160];
    size_t left;
    int n;

    if ( writer.state == XENCONS_CORRUPT )
    {
        report_corrupt_ring();      /* from now on on the early console */
        return;
    }
    left = xencons_unconsumed(&writer);
    if ( writer.state == XENCONS_STALLED )
    {
        n = snprintf(note, sizeof(note), "console: flush gave up: the backend "
                     "took nothing for %u ms; %u bytes in the ring and %u held "
                     "may be lost\n", CONSOLE_STALL_TIMEOUT_MS,
                     (unsigned int)left, (unsigned int)writer.hold_len);
        if ( n > 0 )
            console_debug_write(note);
        return;
    }
    if ( writer.state != XENCONS_OK )
        return;
    printk("\nconsole: flush gave up after %u ms: the backend moves out_cons "
           "but has not taken the last %u bytes; they may be lost\n",
           CONSOLE_FLUSH_TIMEOUT_MS, (unsigned int)left);
    /* A moment for the backend to take this note too; no more. */
    xencons_flush(&writer, CONSOLE_PROBE_MS * NSEC_PER_MSEC);
}

bool console_flush(void)
{
    unsigned long flags = upcall_save_and_mask();
    bool drained = true;

    if ( ring_ready )
    {
        drained = xencons_flush(&writer,
                                CONSOLE_FLUSH_TIMEOUT_MS * NSEC_PER_MSEC);
        if ( !drained )
            report_flush_failure();
    }
    upcall_restore(flags);
    return drained;
}

/* --- input ---------------------------------------------------------------- */

/* In the upcall: only note that there is something to do. */
static void console_event(evtchn_port_t port, void *ctx)
{
    console_trace(CONSOLE_STEP_EVENT, NULL, 0);
    input_pending = true;
}

void console_set_input_handler(console_input_fn fn, void *ctx)
{
    input_handler = fn;
    input_ctx = ctx;
}

void console_set_input_room(console_room_fn fn)
{
    input_room = fn;
}

void console_input_resume(void)
{
    if ( input_blocked )
    {
        input_blocked = false;
        input_pending = true;
    }
}

void console_start_input(void)
{
    if ( !ring_ready )
        return;
    if ( evtchn_bind_handler(console_port, console_event, NULL, "console") )
        printk("console: cannot bind event channel %u; no input\n",
               console_port);
    input_pending = true;       /* input may have arrived before we listened */
}

void console_resume(const struct boot_ring *ring, bool new_domain)
{
    if ( !new_domain || !ring_ready )
    {
        input_pending = true;
        return;
    }
    if ( !ring->present )
    {
        ring_ready = false;
        printk("console: no console ring after the restore; on the early "
               "console now\n");
        return;
    }
    console_port = ring->port;
    /* Our index from the new page; the new backend hears from us at once. */
    xencons_writer_attach(&writer, ring->page);
    xencons_reader_attach(&reader, ring->page);
    if ( evtchn_bind_handler(console_port, console_event, NULL, "console") )
        printk("console: cannot bind event channel %u; no input\n",
               console_port);
    input_pending = true;       /* PV: input typed before the save is still
                                   there (PVH: the page came back zeroed) */
}

bool console_input_pending(void)
{
    return input_pending || probe_wanted;
}

/* How much the consumer can take now (all of a batch if it does not say). */
static size_t input_space(void)
{
    size_t room = input_room ? input_room(input_ctx) : XENCONS_IN_BATCH;

    return MIN(room, XENCONS_IN_BATCH);
}

/* The stall side of a console pass: arm the probe, or end the stall. */
static void output_pass(void)
{
    unsigned long flags = upcall_save_and_mask();

    if ( ring_ready && writer.state == XENCONS_STALLED )
        resume_if_back();
    if ( probe_wanted && ring_ready && writer.state == XENCONS_STALLED &&
         !probe.armed )
        timer_arm(&probe, monotonic_ns() + CONSOLE_PROBE_MS * NSEC_PER_MSEC,
                  probe_fired, NULL);
    probe_wanted = false;
    upcall_restore(flags);
}

void console_process_input(void)
{
    char buf[XENCONS_IN_BATCH];
    size_t n = 0, room;
    unsigned int batches;

    /* Clear before reading: an event during the drain makes us come back. */
    input_pending = false;
    barrier();
    /* The backend's notification may also say that it drains again. */
    output_pass();
    for ( batches = 0; ring_ready && batches < CONSOLE_INPUT_BUDGET; batches++ )
    {
        room = input_space();
        if ( room == 0 )
        {
            /* Backpressure: leave it in the ring until the consumer asks. */
            input_blocked = true;
            break;
        }
        n = xencons_read(&reader, buf, room);
        if ( n == 0 )
            break;
        console_trace(CONSOLE_STEP_READ, buf, n);
        if ( input_handler )
            input_handler(input_ctx, buf, n);
    }
    console_trace(CONSOLE_STEP_BATCH_DONE, NULL, 0);
    if ( batches == CONSOLE_INPUT_BUDGET )
        input_pending = true;       /* budget spent: the rest on the next pass */
    if ( reader.state == XENCONS_CORRUPT && !input_corrupt_reported )
    {
        input_corrupt_reported = true;
        corrupt_reports++;
        printk("console: input ring indices corrupt (in_prod=%u in_cons=%u); "
               "input is no longer read\n", reader.bad_prod, reader.bad_cons);
    }
}

void console_set_tap(struct cksum *t)
{
    tap = t;
}

void console_get_stats(struct console_stats *st)
{
    st->out = writer.stats;
    st->in = reader.stats;
    st->corrupt_reports = corrupt_reports;
    st->ring_in_use = ring_ready;
}
