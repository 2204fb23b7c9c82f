/*
 * test_ring.c: the console ring writer and reader (console/ring.c) against
 * a backend played by the test: well-behaved, slow, dead and hostile.
 *
 * The backend's moves on the page are tests/common/fake_backend.c's, and
 * the page sits between its two guard areas, so that a write outside the
 * rings shows up even inside one allocation.
 *
 * Time is the test's own clock (be.clock, in ns): a wait either ends with
 * the backend's next action and its notification (every be.period_ns), or,
 * for a backend that acts silently or not at all, at the deadline the
 * writer gave. So the stall and flush bounds are checked to the
 * nanosecond, and a writer that would wait forever is stopped by
 * be.max_waits (the backend then drains everything and goes quiet) rather
 * than hanging the test.
 */
#include <stdlib.h>
#include <tinypv/ring.h>
#include "check.h"
#include "fake_backend.h"

#define OUT_SIZE 2048u
#define IN_SIZE  1024u

#define MS          1000000ull
#define SEC         (1000 * MS)
#define STALL_NS    (5 * SEC)       /* as the kernel's CONSOLE_STALL_TIMEOUT_MS */
#define FLUSH_NS    (10 * SEC)      /* and CONSOLE_FLUSH_TIMEOUT_MS */

static FAKE_PAGE(struct xencons_interface) page;
static struct fake_ring out_ring, in_ring;     /* the backend's view */

/* What a backend does at each of its steps, besides draining. */
enum backend_trick {
    TRICK_NONE,
    TRICK_WOBBLE,       /* move out_cons to just behind out_prod, never onto it */
    TRICK_REWRITE_PROD, /* drain, then rewrite out_prod 7 bytes ahead */
};

/* The backend as the tests script it. */
static struct {
    unsigned int notifies;
    unsigned int waits;
    unsigned int max_waits;         /* then drain all and go quiet: no hang */
    unsigned int drain_per_wait;    /* bytes consumed per step; 0 = none */
    uint64_t period_ns;             /* a step (and a notification) every
                                       period; 0: one silent step per wait,
                                       which then lasts until the deadline */
    enum backend_trick trick;
    XENCONS_RING_IDX real_prod;     /* TRICK_WOBBLE: what we wrote (the test knows) */
    uint64_t clock;                 /* the test's time, ns */
    uint64_t last_deadline;
    unsigned int last_attempt;
    unsigned int past_deadline;     /* waits asked to end before they began */
    unsigned char sink[1 << 20];    /* everything the backend consumed */
    size_t sunk;
    XENCONS_RING_IDX corrupt_at_wait; /* on this wait number, trash the indices */
} be;

static void reset(XENCONS_RING_IDX start)
{
    FAKE_PAGE_RESET(page);
    out_ring = FAKE_RING(page.intf.out, &page.intf.out_prod,
                         &page.intf.out_cons);
    in_ring = FAKE_RING(page.intf.in, &page.intf.in_prod, &page.intf.in_cons);
    page.intf.out_prod = page.intf.out_cons = start;
    page.intf.in_prod = page.intf.in_cons = start;
    memset(&be, 0, sizeof(be));
    be.max_waits = 100000;
    be.drain_per_wait = OUT_SIZE;
    be.period_ns = MS;
    be.clock = 1000 * SEC;          /* any start: deadlines are relative */
}

/* A backend that does nothing at all: each wait lasts until its deadline. */
static void backend_dead(void)
{
    be.drain_per_wait = 0;
    be.period_ns = 0;
}

/* The default backend: drains the ring and notifies, every millisecond. */
static void backend_alive(void)
{
    be.drain_per_wait = OUT_SIZE;
    be.period_ns = MS;
    be.trick = TRICK_NONE;
}

static int guards_intact(void)
{
    return FAKE_PAGE_INTACT(page);
}

/* The backend consumes up to n bytes from the out ring (none if corrupt). */
static void backend_drain(size_t n)
{
    fake_drain(&out_ring, be.sink, sizeof(be.sink), &be.sunk, n);
}

static void test_notify(void *ctx)
{
    be.notifies++;
}

/* One step of the backend: drain, then its trick. */
static void backend_step(void)
{
    struct xencons_interface *in = &page.intf;

    backend_drain(be.drain_per_wait);
    switch ( be.trick )
    {
    case TRICK_WOBBLE:
        /* Progress every time, and never done: 2, 1, 2, 1... bytes left. */
        in->out_cons = be.real_prod - 1 - (be.waits & 1);
        break;
    case TRICK_REWRITE_PROD:
        in->out_prod = in->out_cons + 7;
        break;
    case TRICK_NONE:
        break;
    }
}

static void test_wait(void *ctx, unsigned int attempt, uint64_t deadline)
{
    be.waits++;
    be.last_deadline = deadline;
    be.last_attempt = attempt;
    if ( deadline <= be.clock )
        be.past_deadline++;
    if ( be.waits >= be.max_waits )
    {
        /* The writer would wait forever: end it, and fail the checks. */
        be.trick = TRICK_NONE;
        be.period_ns = MS;
        backend_drain(~(size_t)0);
        return;
    }
    if ( be.corrupt_at_wait && be.waits == be.corrupt_at_wait )
    {
        page.intf.out_cons = page.intf.out_prod + 12345;
        return;
    }
    if ( be.period_ns && be.clock + be.period_ns <= deadline )
    {
        be.clock += be.period_ns;   /* the backend's step, and its event */
        backend_step();
        return;
    }
    if ( be.period_ns == 0 )
        backend_step();             /* silently: no event ends the wait */
    if ( deadline > be.clock )
        be.clock = deadline;
}

static uint64_t test_now(void *ctx)
{
    return be.clock;
}

static const struct xencons_ops ops = { test_notify, test_wait, test_now, NULL };

static void writer_init(struct xencons_writer *w)
{
    xencons_writer_init(w, &page.intf, &ops, STALL_NS);
}

static void fill_pattern(char *buf, size_t n, unsigned int seed)
{
    for ( size_t i = 0; i < n; i++ )
        buf[i] = (char)(seed + i * 7 + (i >> 8));
}

static void test_small_write_and_kick(void)
{
    struct xencons_writer w;

    reset(0);
    writer_init(&w);
    CHECK_EQ(xencons_write(&w, "hello", 5), 5);
    CHECK_EQ(page.intf.out_prod, 5);
    CHECK(memcmp(page.intf.out, "hello", 5) == 0);
    CHECK_EQ(be.notifies, 0);           /* notification comes with the kick */
    xencons_kick(&w);
    xencons_kick(&w);                   /* nothing new: no second notify */
    CHECK_EQ(be.notifies, 1);
    CHECK_EQ(w.stats.notifications, 1);
    CHECK_EQ(xencons_write(&w, "", 0), 0);
    xencons_kick(&w);
    CHECK_EQ(be.notifies, 1);
    CHECK_EQ(be.waits, 0);
    CHECK(guards_intact());
}

static void test_exact_fill_no_wait(void)
{
    static char buf[OUT_SIZE];
    struct xencons_writer w;

    reset(0);
    fill_pattern(buf, sizeof(buf), 1);
    writer_init(&w);
    CHECK_EQ(xencons_write(&w, buf, OUT_SIZE), OUT_SIZE);
    CHECK_EQ(be.waits, 0);
    CHECK_EQ(be.notifies, 0);
    CHECK(memcmp(page.intf.out, buf, OUT_SIZE) == 0);
    CHECK(guards_intact());
}

/* Writes larger than the ring: one notification per ring-full, no loss. */
static void test_long_write_notifies_per_ring_full(void)
{
    static char buf[5000];
    struct xencons_writer w;

    reset(0);
    fill_pattern(buf, sizeof(buf), 2);
    writer_init(&w);
    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), sizeof(buf));
    CHECK_EQ(be.notifies, 2);           /* at 2048 and 4096 bytes */
    CHECK_EQ(w.stats.full_waits, 2);
    xencons_kick(&w);
    CHECK_EQ(be.notifies, 3);
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK_EQ(be.sunk, sizeof(buf));
    CHECK(memcmp(be.sink, buf, sizeof(buf)) == 0);
    CHECK(guards_intact());
}

/* Indices that wrap at 2^32 in the middle of a write and of a flush. */
static void test_index_wrap(void)
{
    static char buf[7000];
    struct xencons_writer w;

    reset(0xFFFFFF00u);
    fill_pattern(buf, sizeof(buf), 3);
    writer_init(&w);
    be.drain_per_wait = 700;            /* partial drains, odd offsets */
    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), sizeof(buf));
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK_EQ(page.intf.out_prod, (XENCONS_RING_IDX)(0xFFFFFF00u + sizeof(buf)));
    CHECK_EQ(page.intf.out_cons, page.intf.out_prod);
    CHECK_EQ(be.sunk, sizeof(buf));
    CHECK(memcmp(be.sink, buf, sizeof(buf)) == 0);
    CHECK(guards_intact());

    /* A flush across the wrap: prod is numerically smaller than cons. */
    reset(0xFFFFFFF0u);
    writer_init(&w);
    CHECK_EQ(xencons_write(&w, buf, 40), 40);
    CHECK(page.intf.out_prod < page.intf.out_cons);
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK_EQ(be.sunk, 40);
    CHECK(memcmp(be.sink, buf, 40) == 0);
}

/* A backend that writes garbage indices: stop, report, stay in bounds. */
static void test_hostile_indices(void)
{
    XENCONS_RING_IDX prod, cons;
    struct xencons_writer w;
    char buf[100];

    fill_pattern(buf, sizeof(buf), 4);
    for ( unsigned int i = 0; fake_bad_indices(OUT_SIZE, i, &prod, &cons); i++ )
    {
        reset(0);
        page.intf.out_prod = prod;
        page.intf.out_cons = cons;
        writer_init(&w);
        CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), 0);
        CHECK(w.state == XENCONS_CORRUPT);
        CHECK_EQ(be.waits, 0);
        CHECK_EQ(page.intf.out_prod, prod);         /* untouched */
        CHECK(w.bad_prod == prod && w.bad_cons == cons);
        /* Once corrupt, always corrupt: even if the indices look sane again. */
        page.intf.out_prod = page.intf.out_cons = 0;
        CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), 0);
        CHECK(!xencons_flush(&w, FLUSH_NS));
        CHECK(guards_intact());
    }

    /* Garbage appearing while the writer waits on a full ring. */
    {
        static char big[6000];
        reset(0);
        be.corrupt_at_wait = 2;
        writer_init(&w);
        CHECK_EQ(xencons_write(&w, big, sizeof(big)), 2 * OUT_SIZE);
        CHECK(w.state == XENCONS_CORRUPT);
        CHECK(guards_intact());
    }
}

/*
 * A backend that stops draining (but still notifies, every millisecond):
 * the writer waits exactly the stall bound, then no more at all.
 */
static void test_stalled_backend(void)
{
    static char buf[3000];
    struct xencons_writer w;
    uint64_t start;

    reset(0);
    be.drain_per_wait = 0;
    fill_pattern(buf, sizeof(buf), 5);
    writer_init(&w);
    start = be.clock;
    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), OUT_SIZE);
    CHECK(w.state == XENCONS_STALLED);
    CHECK_EQ(be.clock - start, STALL_NS);
    CHECK_EQ(be.waits, STALL_NS / MS);  /* one per notification */
    CHECK_EQ(be.last_attempt, STALL_NS / MS - 1);
    CHECK_EQ(be.past_deadline, 0);
    CHECK_EQ(w.stats.stalls, 1);
    CHECK_EQ(w.stats.dropped, sizeof(buf) - OUT_SIZE);

    /* Still stalled: the next write does not wait again. */
    CHECK_EQ(xencons_write(&w, buf, 10), 0);
    CHECK_EQ(be.waits, STALL_NS / MS);
    CHECK_EQ(w.stats.dropped, sizeof(buf) - OUT_SIZE + 10);
    CHECK(!xencons_flush(&w, FLUSH_NS));

    /* The backend comes back: output flows again without loss. */
    backend_drain(OUT_SIZE);
    backend_alive();
    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), sizeof(buf));
    CHECK(w.state == XENCONS_OK);
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK(memcmp(be.sink + OUT_SIZE, buf, sizeof(buf)) == 0);
    CHECK(guards_intact());
}

/*
 * A stall with a hold buffer: the ring keeps the oldest bytes, the hold
 * the newest, what falls in between is counted; after xencons_resume()
 * the backend sees ring, report, held bytes, in that order, and
 * lost + arrived = written. (Before the hold existed, a stalled writer
 * dropped everything after the ring, the end of the output included.)
 */
static void test_stall_hold_and_resume(void)
{
    static char buf[3000], stream[3000 + 12];
    char hold[100];
    struct xencons_writer w;
    uint64_t written = sizeof(buf) + 12;

    reset(0);
    backend_dead();
    fill_pattern(buf, sizeof(buf), 9);
    memcpy(stream, buf, sizeof(buf));
    memcpy(stream + sizeof(buf), "abcdefghijXY", 12);
    writer_init(&w);
    xencons_writer_set_hold(&w, hold, sizeof(hold));

    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), sizeof(buf));   /* taken */
    CHECK(w.state == XENCONS_STALLED);
    CHECK_EQ(w.stats.stalls, 1);
    CHECK_EQ(w.hold_len, sizeof(hold));
    CHECK_EQ(w.stats.dropped, sizeof(buf) - OUT_SIZE - sizeof(hold));
    CHECK_EQ(xencons_write(&w, "abcdefghij", 10), 10);
    CHECK_EQ(be.waits, 1);      /* one until the stall bound, none after */
    CHECK(!xencons_stall_over(&w));
    CHECK(!xencons_flush(&w, FLUSH_NS));

    /* The backend drains again; a write before the resume is held too. */
    backend_drain(OUT_SIZE);
    CHECK(xencons_stall_over(&w));
    CHECK_EQ(xencons_write(&w, "XY", 2), 2);
    CHECK(w.state == XENCONS_STALLED);      /* held bytes wait for resume */
    CHECK_EQ(w.stats.dropped, written - OUT_SIZE - sizeof(hold));

    backend_alive();
    CHECK(xencons_resume(&w, "[lost]", 6));
    CHECK(w.state == XENCONS_OK);
    CHECK_EQ(w.hold_len, 0);
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK_EQ(be.sunk, OUT_SIZE + 6 + sizeof(hold));
    CHECK(memcmp(be.sink, stream, OUT_SIZE) == 0);
    CHECK(memcmp(be.sink + OUT_SIZE, "[lost]", 6) == 0);
    CHECK(memcmp(be.sink + OUT_SIZE + 6, stream + written - sizeof(hold),
                 sizeof(hold)) == 0);
    CHECK_EQ(w.stats.dropped + (be.sunk - 6), written);

    /* Output carries on normally. */
    CHECK_EQ(xencons_write(&w, "ok", 2), 2);
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK(memcmp(be.sink + be.sunk - 2, "ok", 2) == 0);
    CHECK(!xencons_stall_over(&w));
    CHECK(guards_intact());
}

/*
 * A hold larger than the ring: the resume waits for room; a backend that
 * stops again in the middle stalls the writer again with the rest held,
 * and a later resume delivers it. Nothing is lost twice or repeated.
 */
static void test_stall_again_during_resume(void)
{
    static char buf[OUT_SIZE + 3000];
    static char hold[4096];
    struct xencons_writer w;

    reset(7);
    backend_dead();
    fill_pattern(buf, sizeof(buf), 3);
    writer_init(&w);
    xencons_writer_set_hold(&w, hold, sizeof(hold));
    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), sizeof(buf));
    CHECK_EQ(w.hold_len, 3000);
    CHECK_EQ(w.stats.dropped, 0);

    backend_drain(OUT_SIZE);                /* back, but only for one ring */
    CHECK(xencons_stall_over(&w));
    CHECK(!xencons_resume(&w, "", 0));
    CHECK(w.state == XENCONS_STALLED);
    CHECK_EQ(w.stats.stalls, 2);
    CHECK_EQ(w.hold_len, 3000 - OUT_SIZE);
    CHECK(!xencons_stall_over(&w));

    backend_drain(OUT_SIZE);
    backend_alive();
    CHECK(xencons_stall_over(&w));
    CHECK(xencons_resume(&w, "", 0));
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK_EQ(be.sunk, sizeof(buf));
    CHECK(memcmp(be.sink, buf, sizeof(buf)) == 0);
    CHECK_EQ(w.stats.dropped, 0);
    CHECK(guards_intact());
}

/* --- issue 15, defect 5: flushes bounded in time; out_prod never read back */

/*
 * A backend that moves out_cons at every step and never reaches our index
 * (2, 1, 2, 1... bytes left), notifying each move or silently. Each move is
 * progress and restarts the stall bound; the flush's own bound does not
 * move: it gives up at exactly FLUSH_NS, the writer stays OK (a backend
 * that moves is not a dead one) and output goes on. Before, progress
 * restarted the only bound there was, and the flush never ended (here:
 * until be.max_waits, which makes the flush succeed and the checks fail).
 */
static void test_flush_bounded_in_time(void)
{
    struct xencons_writer w;
    uint64_t start;

    for ( int silent = 0; silent < 2; silent++ )
    {
        reset(0xFFFFFFF0u);
        writer_init(&w);
        CHECK_EQ(xencons_write(&w, "shutting down", 13), 13);
        be.trick = TRICK_WOBBLE;
        be.real_prod = 0xFFFFFFF0u + 13;
        be.drain_per_wait = 0;
        be.period_ns = silent ? 0 : 100 * MS;
        start = be.clock;
        CHECK(!xencons_flush(&w, FLUSH_NS));
        CHECK_EQ(be.clock - start, FLUSH_NS);
        CHECK_EQ(be.waits, silent ? 2 : FLUSH_NS / (100 * MS));
        CHECK_EQ(be.past_deadline, 0);
        CHECK(be.last_deadline <= start + FLUSH_NS);
        CHECK(w.state == XENCONS_OK);
        CHECK_EQ(w.stats.flush_timeouts, 1);
        CHECK_EQ(w.stats.stalls, 0);
        CHECK_EQ(xencons_unconsumed(&w), 1 + (be.waits & 1));

        backend_alive();
        CHECK_EQ(xencons_write(&w, "!", 1), 1);
        CHECK(xencons_flush(&w, FLUSH_NS));
        CHECK_EQ(xencons_unconsumed(&w), 0);
        CHECK(guards_intact());
    }
}

/*
 * Write "abc" to a fresh writer, then flush it for limit_ns with a backend
 * that does nothing (and fails): how long the flush took.
 */
static uint64_t flush_dead(struct xencons_writer *w, uint64_t limit_ns)
{
    uint64_t start;

    reset(0);
    writer_init(w);
    CHECK_EQ(xencons_write(w, "abc", 3), 3);
    backend_dead();
    start = be.clock;
    CHECK(!xencons_flush(w, limit_ns));
    return be.clock - start;
}

/*
 * The two bounds of a flush. Progress restarts the stall bound (a byte
 * every 4 s is slow, not dead), not the flush's: 3 bytes take 12 s, fine
 * with 20 s, given up at 10 s with one byte left. A backend that takes
 * nothing is found stalled at the stall bound, as by a write; a limit
 * shorter than that ends the flush first, without declaring a stall.
 */
static void test_flush_bounds(void)
{
    struct xencons_writer w;
    uint64_t start;

    reset(0);
    writer_init(&w);
    CHECK_EQ(xencons_write(&w, "abc", 3), 3);
    be.drain_per_wait = 1;
    be.period_ns = 4 * SEC;
    start = be.clock;
    CHECK(xencons_flush(&w, 20 * SEC));
    CHECK_EQ(be.clock - start, 12 * SEC);
    CHECK(w.state == XENCONS_OK);
    CHECK_EQ(w.stats.stalls, 0);
    CHECK_EQ(w.stats.flush_timeouts, 0);

    CHECK_EQ(xencons_write(&w, "abc", 3), 3);
    start = be.clock;
    CHECK(!xencons_flush(&w, FLUSH_NS));
    CHECK_EQ(be.clock - start, FLUSH_NS);
    CHECK_EQ(xencons_unconsumed(&w), 1);
    CHECK(w.state == XENCONS_OK);
    CHECK_EQ(w.stats.flush_timeouts, 1);

    CHECK_EQ(flush_dead(&w, FLUSH_NS), STALL_NS);
    CHECK(w.state == XENCONS_STALLED);
    CHECK_EQ(w.stats.stalls, 1);
    CHECK_EQ(w.stats.flush_timeouts, 0);
    CHECK_EQ(xencons_unconsumed(&w), 3);

    CHECK_EQ(flush_dead(&w, SEC), SEC);
    CHECK(w.state == XENCONS_OK);
    CHECK_EQ(w.stats.flush_timeouts, 1);

    /* No time at all: one look, no wait. */
    CHECK(!xencons_flush(&w, 0));
    CHECK_EQ(be.waits, 1);
    backend_drain(3);
    CHECK(xencons_flush(&w, 0));
    CHECK_EQ(be.waits, 1);
}

/*
 * out_prod is ours to write and the backend's to scribble on: the writer
 * never reads it back. A rewrite that makes the ring look corrupt, full or
 * empty changes nothing (before: a false corruption, a wait on a ring
 * with room, and a flush that reported bytes nobody took as delivered);
 * the next write publishes our index again. And a backend that drains,
 * then sets out_prod 7 bytes ahead at every step, no longer keeps a flush
 * going (before: until be.max_waits).
 */
static void test_out_prod_not_read_back(void)
{
    struct xencons_writer w;

    reset(100);
    writer_init(&w);
    CHECK_EQ(xencons_write(&w, "hello", 5), 5);

    page.intf.out_prod = 100 + 5000;            /* looks corrupt */
    CHECK_EQ(xencons_write(&w, " world", 6), 6);
    CHECK(w.state == XENCONS_OK);
    CHECK_EQ(page.intf.out_prod, 111);          /* our index, published again */
    CHECK(memcmp(page.intf.out + 100, "hello world", 11) == 0);

    page.intf.out_prod = page.intf.out_cons + OUT_SIZE;     /* looks full */
    CHECK_EQ(xencons_write(&w, "!", 1), 1);
    CHECK_EQ(be.waits, 0);
    CHECK_EQ(page.intf.out_prod, 112);
    CHECK(page.intf.out[111] == '!');

    page.intf.out_prod = page.intf.out_cons;    /* looks empty */
    backend_dead();                             /* drains to out_prod: nothing */
    CHECK(!xencons_flush(&w, SEC));
    CHECK_EQ(be.sunk, 0);
    CHECK_EQ(xencons_unconsumed(&w), 12);

    backend_alive();
    CHECK_EQ(xencons_write(&w, "\n", 1), 1);    /* republishes out_prod */
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK_EQ(be.sunk, 13);
    CHECK(memcmp(be.sink, "hello world!\n", 13) == 0);

    /* Drain, then rewrite out_prod ahead, at every step. */
    CHECK_EQ(xencons_write(&w, "bye", 3), 3);
    be.trick = TRICK_REWRITE_PROD;
    be.waits = 0;
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK_EQ(be.waits, 1);
    CHECK_EQ(be.sunk, 16);
    CHECK(w.state == XENCONS_OK);
    CHECK(guards_intact());
}

/*
 * A restore in a new domain: the writer takes its index from the new page
 * once (there: 5000, or 0 where the toolstack cleared the page) and keeps
 * its state and statistics; the new backend is notified at the next kick.
 */
static void test_attach_new_page(void)
{
    static struct xencons_interface other;
    struct xencons_writer w;

    reset(0);
    writer_init(&w);
    CHECK_EQ(xencons_write(&w, "before", 6), 6);
    xencons_kick(&w);
    CHECK(xencons_flush(&w, FLUSH_NS));

    memset(&other, 0, sizeof(other));
    other.out_prod = other.out_cons = 5000;
    xencons_writer_attach(&w, &other);
    CHECK(w.unnotified);
    CHECK_EQ(xencons_write(&w, "after", 5), 5);
    CHECK_EQ(other.out_prod, 5005);
    CHECK(memcmp(other.out + MASK_XENCONS_IDX(5000, other.out), "after", 5) == 0);
    CHECK_EQ(page.intf.out_prod, 6);            /* the old page: left alone */
    CHECK_EQ(w.stats.bytes, 11);
    xencons_kick(&w);
    CHECK(!w.unnotified);
    CHECK(guards_intact());
}

/*
 * What is left to take, as out_cons says; 0 once the ring turns out
 * corrupt, as ring.h promises (before: a ring found corrupt by this very
 * call counted as full, 2048 bytes, which console.c's report of a failed
 * flush would have printed as bytes that may be lost).
 */
static void test_unconsumed(void)
{
    struct xencons_writer w;

    reset(0);
    writer_init(&w);
    CHECK_EQ(xencons_write(&w, "hello", 5), 5);
    CHECK_EQ(xencons_unconsumed(&w), 5);
    backend_drain(2);
    CHECK_EQ(xencons_unconsumed(&w), 3);
    page.intf.out_cons = page.intf.out_prod + 1;
    CHECK_EQ(xencons_unconsumed(&w), 0);
    CHECK(w.state == XENCONS_CORRUPT);
    CHECK_EQ(xencons_unconsumed(&w), 0);
}

/* Announcing notifies even with nothing new: the stalled writer's probe. */
static void test_announce(void)
{
    struct xencons_writer w;

    reset(0);
    writer_init(&w);
    xencons_announce(&w);
    xencons_announce(&w);
    CHECK_EQ(be.notifies, 2);
    CHECK_EQ(w.stats.notifications, 2);
    xencons_kick(&w);
    CHECK_EQ(be.notifies, 2);
}

/* Many writes of random sizes against a backend draining random amounts. */
static void test_random_stream(void)
{
    static char stream[400000];
    struct xencons_writer w;
    size_t off = 0, calls = 0;

    srand(42);
    reset(0xFFFF0000u);
    fill_pattern(stream, sizeof(stream), 6);
    writer_init(&w);
    while ( off < sizeof(stream) )
    {
        size_t n = (size_t)(rand() % 4097);
        if ( n > sizeof(stream) - off )
            n = sizeof(stream) - off;
        be.drain_per_wait = 1 + (unsigned int)(rand() % OUT_SIZE);
        CHECK_EQ(xencons_write(&w, stream + off, n), n);
        xencons_kick(&w);
        off += n;
        calls++;
        if ( rand() % 3 == 0 )
            backend_drain((size_t)(rand() % 3000));
    }
    CHECK(xencons_flush(&w, FLUSH_NS));
    CHECK_EQ(be.sunk, sizeof(stream));
    CHECK(memcmp(be.sink, stream, sizeof(stream)) == 0);
    /* One per call at most, plus one per ring-full wait. */
    CHECK(w.stats.notifications <= calls + w.stats.full_waits * 2);
    CHECK(guards_intact());
}

/* --- reader --------------------------------------------------------------- */

static void backend_type(const char *s, size_t n)
{
    fake_force(&in_ring, s, n);
}

static void test_reader(void)
{
    struct xencons_reader r;
    char buf[IN_SIZE + 16];
    static char text[IN_SIZE];

    reset(0xFFFFFE00u);
    xencons_reader_init(&r, &page.intf, &ops);
    CHECK_EQ(xencons_read(&r, buf, sizeof(buf)), 0);
    CHECK_EQ(be.notifies, 0);           /* nothing consumed, nothing said */

    backend_type("abc", 3);
    CHECK_EQ(xencons_read(&r, buf, 2), 2);
    CHECK(memcmp(buf, "ab", 2) == 0);
    CHECK_EQ(be.notifies, 1);
    CHECK_EQ(xencons_read(&r, buf, sizeof(buf)), 1);
    CHECK(buf[0] == 'c');
    CHECK_EQ(page.intf.in_cons, page.intf.in_prod);

    /* A full ring across the 2^32 wrap. */
    fill_pattern(text, sizeof(text), 7);
    backend_type(text, sizeof(text));
    CHECK_EQ(xencons_read(&r, buf, sizeof(buf)), IN_SIZE);
    CHECK(memcmp(buf, text, IN_SIZE) == 0);
    CHECK_EQ(r.stats.bytes, 3 + IN_SIZE);
    CHECK(guards_intact());

    /* len 0 reads nothing and says nothing. */
    backend_type("x", 1);
    CHECK_EQ(xencons_read(&r, buf, 0), 0);
    CHECK_EQ(be.notifies, 3);
}

static void test_reader_hostile(void)
{
    XENCONS_RING_IDX prod, cons;
    struct xencons_reader r;
    char buf[IN_SIZE];

    for ( unsigned int i = 0; fake_bad_indices(IN_SIZE, i, &prod, &cons); i++ )
    {
        reset(0);
        page.intf.in_prod = prod;
        page.intf.in_cons = cons;
        xencons_reader_init(&r, &page.intf, &ops);
        CHECK_EQ(xencons_read(&r, buf, sizeof(buf)), 0);
        CHECK(r.state == XENCONS_CORRUPT);
        CHECK(r.bad_prod == prod && r.bad_cons == cons);
        CHECK_EQ(page.intf.in_cons, cons);          /* untouched */
        CHECK_EQ(be.notifies, 0);
        page.intf.in_prod = page.intf.in_cons = 0;
        backend_type("ok", 2);
        CHECK_EQ(xencons_read(&r, buf, sizeof(buf)), 0);    /* stays off */
        CHECK(guards_intact());
    }
}

int main(void)
{
    test_small_write_and_kick();
    test_exact_fill_no_wait();
    test_long_write_notifies_per_ring_full();
    test_index_wrap();
    test_hostile_indices();
    test_stalled_backend();
    test_stall_hold_and_resume();
    test_stall_again_during_resume();
    test_flush_bounded_in_time();
    test_flush_bounds();
    test_out_prod_not_read_back();
    test_attach_new_page();
    test_unconsumed();
    test_announce();
    test_random_stream();
    test_reader();
    test_reader_hostile();
    return check_summary("ring");
}
