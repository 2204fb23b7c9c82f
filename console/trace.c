/*
 * trace.c: the console path, step by step, for the next few keystrokes.
 *
 * A keystroke's trip as the guest sees it: xenconsoled puts the byte in the
 * in ring, advances in_prod and sends an event on the console port; the
 * upcall notes it; the main loop reads the byte and advances in_cons; the
 * driver notifies dom0 that it made room; the shell's line editor echoes the
 * byte, which goes into the out ring at out_prod; a last notification tells
 * xenconsoled to take it. console/console.c reports each of these points
 * through its one hook, console_trace() (console_trace.h); this file
 * records what it saw and prints it afterwards.
 *
 * Recording appends to a fixed table (CONSOLE_TRACE_STEPS entries, text of
 * at most 8 bytes per step) with upcalls masked, since the event hook runs
 * in the upcall and the others do not. Steps beyond the table are counted,
 * not kept. Nothing is printed while recording: printing is console output,
 * which would trace itself. The indices are read from the shared page once
 * per step, for display only; the ring code makes its own checked reads.
 */
#include <tinypv/console_trace.h>
#include <tinypv/events.h>
#include <tinypv/clock.h>
#include <tinypv/printk.h>
#include <tinypv/barrier.h>
#include <lib/string.h>

#define CONSOLE_TRACE_STEPS     96
#define STEP_TEXT               8

struct trace_step {
    uint64_t ns;                    /* monotonic time */
    uint8_t kind;
    uint8_t text_len;               /* bytes of text kept (<= STEP_TEXT) */
    char text[STEP_TEXT];
    uint32_t n;                     /* bytes read or written; wait attempt */
    bool consumed_event, deadline_passed;   /* how a wait ended */
    XENCONS_RING_IDX in_prod, in_cons, out_prod, out_cons;
};

enum trace_state { TRACE_OFF, TRACE_ARMED, TRACE_RECORDING };

bool console_trace_on;
static enum trace_state state;
static struct xencons_interface *ring;
static evtchn_port_t ring_port;
static struct trace_step steps[CONSOLE_TRACE_STEPS];
static unsigned int nr_steps, steps_lost;
static unsigned int keys_wanted, keys_seen;
static bool until_newline, complete;
static void (*when_done)(void);

void console_trace_attach(struct xencons_interface *intf, evtchn_port_t port)
{
    ring = intf;
    ring_port = port;
}

bool console_trace_arm(unsigned int keys, bool newline, void (*done)(void))
{
    if ( !ring || keys == 0 || keys > CONSOLE_TRACE_MAX_KEYS )
        return false;
    nr_steps = steps_lost = keys_seen = 0;
    keys_wanted = keys;
    until_newline = newline;
    complete = false;
    when_done = done;
    state = TRACE_ARMED;
    console_trace_on = true;
    return true;
}

/* A new step with the four indices as they are now, or NULL if full. */
static struct trace_step *new_step(enum console_step kind)
{
    struct trace_step *s;

    if ( nr_steps == CONSOLE_TRACE_STEPS )
    {
        steps_lost++;
        return NULL;
    }
    s = &steps[nr_steps++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->ns = monotonic_ns();
    s->in_prod = read_once(&ring->in_prod);
    s->in_cons = read_once(&ring->in_cons);
    s->out_prod = read_once(&ring->out_prod);
    s->out_cons = read_once(&ring->out_cons);
    return s;
}

static void keep_text(struct trace_step *s, const char *buf, size_t n)
{
    s->text_len = n < STEP_TEXT ? n : STEP_TEXT;
    memcpy(s->text, buf, s->text_len);
}

/*
 * Record one step. Only a recording trace records; an armed one starts
 * recording at the first sign of input, so the command that armed it and
 * its prompt are not part of the story.
 */
static struct trace_step *record(enum console_step kind)
{
    struct trace_step *s = NULL;
    unsigned long flags = upcall_save_and_mask();

    if ( state == TRACE_ARMED &&
         (kind == CONSOLE_STEP_EVENT || kind == CONSOLE_STEP_READ) )
        state = TRACE_RECORDING;
    if ( state == TRACE_RECORDING )
        s = new_step(kind);
    upcall_restore(flags);
    return s;
}

static void trace_read(const char *buf, size_t n)
{
    struct trace_step *s = record(CONSOLE_STEP_READ);

    if ( state != TRACE_RECORDING )
        return;
    for ( size_t i = 0; i < n && !complete; i++ )
    {
        keys_seen++;
        if ( until_newline ? (buf[i] == '\r' || buf[i] == '\n')
                           : keys_seen >= keys_wanted )
            complete = true;
    }
    if ( s )
    {
        s->n = n;
        keep_text(s, buf, n);
    }
}

static void trace_write(const char *buf, size_t n)
{
    struct trace_step *s;

    if ( n == 0 )
        return;                     /* nothing went in: not a step */
    s = record(CONSOLE_STEP_WRITE);
    if ( s )
    {
        s->n = n;
        keep_text(s, buf, n);
    }
}

static void trace_wait_done(size_t how)
{
    struct trace_step *s = record(CONSOLE_STEP_WAIT_DONE);

    if ( s )
    {
        s->consumed_event = how == CONSOLE_WAIT_TOOK_EVENT;
        s->deadline_passed = how == CONSOLE_WAIT_DEADLINE;
    }
}

/* --- telling the story ------------------------------------------------------ */

/* The kept bytes as a C string literal: "l", "\r", "\x1b[A". */
static void print_text(const struct trace_step *s)
{
    printk("\"");
    for ( unsigned int i = 0; i < s->text_len; i++ )
    {
        char c = s->text[i];

        if ( c == '\r' )
            printk("\\r");
        else if ( c == '\n' )
            printk("\\n");
        else if ( c == '"' || c == '\\' )
            printk("\\%c", c);
        else if ( c >= 0x20 && c < 0x7f )
            printk("%c", c);
        else
            printk("\\x%02x", (unsigned int)(uint8_t)c);
    }
    printk(s->n > s->text_len ? "\"..." : "\"");
}

static void print_step(const struct trace_step *s)
{
    switch ( s->kind )
    {
    case CONSOLE_STEP_EVENT:
        printk("event on port %u (console): in ring holds %u byte(s) "
               "(in_prod %u, in_cons %u); out ring: out_cons %u of "
               "out_prod %u\n", ring_port, s->in_prod - s->in_cons,
               s->in_prod, s->in_cons, s->out_cons, s->out_prod);
        break;
    case CONSOLE_STEP_READ:
        printk("the shell gets %u byte(s) ", s->n);
        print_text(s);
        printk(" (in_cons %u -> %u, in_prod %u)\n", s->in_cons - s->n,
               s->in_cons, s->in_prod);
        break;
    case CONSOLE_STEP_NOTIFY_IN:
        printk("notify port %u: bytes taken, in_cons is now %u (sent by the "
               "ring code before it returns them)\n", ring_port, s->in_cons);
        break;
    case CONSOLE_STEP_WRITE:
        printk("write %u byte(s) ", s->n);
        print_text(s);
        printk(": out_prod %u -> %u (out_cons %u)\n", s->out_prod - s->n,
               s->out_prod, s->out_cons);
        break;
    case CONSOLE_STEP_NOTIFY_OUT:
        printk("notify port %u: output published up to out_prod %u "
               "(out_cons %u)\n", ring_port, s->out_prod, s->out_cons);
        break;
    case CONSOLE_STEP_WAIT:
        printk("the writer waits for xenconsoled (out_prod %u, out_cons %u, "
               "wait %u)\n", s->out_prod, s->out_cons, s->n);
        break;
    case CONSOLE_STEP_WAIT_DONE:
        printk("the writer is back: out_cons %u (%s)\n", s->out_cons,
               s->consumed_event ? "an event was pending: it took it" :
               s->deadline_passed ? "the deadline passed" :
                                    "woken by an event");
        break;
    }
}

static void print_story(void)
{
    uint64_t t0 = nr_steps ? steps[0].ns : 0;

    printk("\ntrace: %u keystroke(s), %u step(s)%s\n", keys_seen, nr_steps,
           steps_lost ? "" : ", all recorded");
    for ( unsigned int i = 0; i < nr_steps; i++ )
    {
        uint32_t ns_left;
        uint32_t us = (uint32_t)div_u64_rem(steps[i].ns - t0, 1000, &ns_left);

        printk("  %2u  +%6u.%03u ms  ", i + 1, us / 1000, us % 1000);
        print_step(&steps[i]);
    }
    if ( steps_lost )
        printk("  (%u more step(s) not recorded: the table holds %u)\n",
               steps_lost, CONSOLE_TRACE_STEPS);
    printk("trace: done\n");
}

static void batch_done(void)
{
    if ( state != TRACE_RECORDING || !complete )
        return;
    /* Stop first: the story is console output and must not trace itself. */
    state = TRACE_OFF;
    console_trace_on = false;
    print_story();
    if ( when_done )
        when_done();
}

/* --- the driver's hook ---------------------------------------------------- */

void console_trace_step(enum console_step step, const char *buf, size_t n)
{
    struct trace_step *s;

    switch ( step )
    {
    case CONSOLE_STEP_READ:
        trace_read(buf, n);
        break;
    case CONSOLE_STEP_WRITE:
        trace_write(buf, n);
        break;
    case CONSOLE_STEP_WAIT:
        s = record(step);
        if ( s )
            s->n = n;
        break;
    case CONSOLE_STEP_WAIT_DONE:
        trace_wait_done(n);
        break;
    case CONSOLE_STEP_BATCH_DONE:
        batch_done();
        break;
    default:                        /* event, notifications: the indices */
        record(step);
        break;
    }
}

/* --- lab: a corrupt ring on purpose ----------------------------------------- */

void console_lab_corrupt_ring(void)
{
    unsigned long flags = upcall_save_and_mask();

    /*
     * out_cons, not out_prod: the writer never reads out_prod back (it
     * keeps its own index), so only the backend's index can break it.
     */
    if ( ring )
        store_release(&ring->out_cons,
                      read_once(&ring->out_prod) - 2 * sizeof(ring->out));
    upcall_restore(flags);
}
