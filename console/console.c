/*
 * console.c: the console driver, gluing the pure ring code (ring.c) to Xen.
 *
 * Output path:
 *     printk -> console_put -> "\n" to "\r\n" in small chunks
 *            -> xencons_write (ring.c) -> console_kick -> EVTCHNOP_send
 *
 * When the ring is full, ring.c calls console_wait(), which sleeps in
 * SCHEDOP_poll on the console port until xenconsoled (which notifies us
 * after every drain) has made room, or until the stall timeout passes.
 */
#include <tinypv/console.h>
#include <tinypv/console_trace.h>
#include <tinypv/events.h>
#include <tinypv/platform.h>
#include <tinypv/printk.h>
#include <tinypv/clock.h>
#include <lib/string.h>
#include <tinypv/barrier.h>

/* Input is taken in batches of up to the in ring's size. */
#define XENCONS_IN_BATCH    sizeof(((struct xencons_interface *)0)->in)

static struct xencons_writer writer;
static struct xencons_reader reader;
static struct boot_ring ring_where;
static evtchn_port_t console_port;
static bool ring_ready;                 /* false: use Xen's debug console */
static uint32_t corrupt_reports;
static uint64_t dropped_reported;
static uint64_t wait_deadline;
static struct cksum *tap;
static volatile bool input_pending;     /* set in the upcall, cleared by the loop */
static bool input_corrupt_reported;
static console_input_fn input_handler;
static void *input_ctx;

/* ctx is the reader or the writer: the trace tells the two apart. */
static void console_notify(void *ctx)
{
    if ( console_trace_on )
        console_trace_notify(ctx == &reader);
    evtchn_notify(console_port);
}

/*
 * Block until xenconsoled may have drained the ring. The port's pending bit
 * is the signal: it is set by every notification the backend sends.
 * evtchn_wait() returns at once if it is already set (something happened
 * since we last looked: the writer re-reads the indices), and otherwise
 * sleeps until it is set or the deadline passes, missing no event.
 */
static bool console_wait(void *ctx, unsigned int attempt)
{
    uint64_t now = monotonic_ns();
    bool consumed;

    if ( console_trace_on )
        console_trace_wait(attempt);
    if ( attempt == 0 )
        wait_deadline = now + CONSOLE_STALL_TIMEOUT_MS * NSEC_PER_MSEC;
    if ( now >= wait_deadline )
    {
        if ( console_trace_on )
            console_trace_wait_done(false, true);
        return false;               /* no progress for the whole timeout */
    }
    /*
     * A consumed event will never reach the upcall; it may also have
     * announced input, so let the main loop look at the in ring.
     */
    consumed = evtchn_wait(console_port, wait_deadline);
    if ( consumed )
        input_pending = true;
    if ( console_trace_on )
        console_trace_wait_done(consumed, false);
    return true;
}

static const struct xencons_ops writer_ops = {
    .notify = console_notify,
    .wait = console_wait,
    .ctx = &writer,
};

static const struct xencons_ops reader_ops = {
    .notify = console_notify,
    .ctx = &reader,
};

void console_init(const struct boot_ring *ring)
{
    ring_where = *ring;
    if ( !ring->present )
    {
        printk("console: no console ring; staying on the early console\n");
        return;
    }
    console_port = ring->port;
    xencons_writer_init(&writer, ring->page, &writer_ops);
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

/* Tell the reader, once the backend drains again, what a stall cost. */
static void report_dropped_output(void)
{
    uint64_t dropped = writer.stats.dropped - dropped_reported;

    dropped_reported = writer.stats.dropped;
    printk("\n[console: %llu bytes lost: the backend stopped draining the "
           "ring for more than %u ms]\n", (unsigned long long)dropped,
           CONSOLE_STALL_TIMEOUT_MS);
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
    done = xencons_write(&writer, s, n);
    if ( console_trace_on && done )
        console_trace_write(s, done);
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

    if ( ring_ready && writer.state == XENCONS_OK &&
         writer.stats.dropped != dropped_reported )
        report_dropped_output();
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

bool console_flush(void)
{
    unsigned long flags = upcall_save_and_mask();
    bool drained = !ring_ready || xencons_flush(&writer);

    upcall_restore(flags);
    return drained;
}

/* --- input ---------------------------------------------------------------- */

/* In the upcall: only note that there is something to do. */
static void console_event(evtchn_port_t port, void *ctx)
{
    if ( console_trace_on )
        console_trace_event();
    input_pending = true;
}

void console_set_input_handler(console_input_fn fn, void *ctx)
{
    input_handler = fn;
    input_ctx = ctx;
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
    ring_where = *ring;
    if ( !ring->present )
    {
        ring_ready = false;
        printk("console: no console ring after the restore; on the early "
               "console now\n");
        return;
    }
    console_port = ring->port;
    writer.intf = ring->page;
    reader.intf = ring->page;
    writer.unnotified = true;   /* the new backend hears from us at once */
    if ( evtchn_bind_handler(console_port, console_event, NULL, "console") )
        printk("console: cannot bind event channel %u; no input\n",
               console_port);
    input_pending = true;       /* input typed before the save is still there */
}

bool console_input_pending(void)
{
    return input_pending;
}

void console_process_input(void)
{
    char buf[XENCONS_IN_BATCH];
    size_t n;

    /* Clear before reading: an event during the drain makes us come back. */
    input_pending = false;
    barrier();
    while ( ring_ready && (n = xencons_read(&reader, buf, sizeof(buf))) > 0 )
    {
        if ( console_trace_on )
            console_trace_read(buf, n);
        if ( input_handler )
            input_handler(input_ctx, buf, n);
    }
    if ( console_trace_on )
        console_trace_batch_done();
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

const struct boot_ring *console_describe(void)
{
    return &ring_where;
}
