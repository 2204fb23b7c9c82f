/*
 * test_ring.c: the console ring writer and reader (console/ring.c) against
 * a backend played by the test: well-behaved, slow, dead and hostile.
 *
 * The shared page sits between two guard areas, so that a write outside
 * the ring shows up even where AddressSanitizer cannot see it (inside one
 * allocation).
 */
#include <stdlib.h>
#include <tinypv/ring.h>
#include "check.h"

#define OUT_SIZE 2048u
#define IN_SIZE  1024u
#define GUARD    256

static struct {
    unsigned char before[GUARD];
    struct xencons_interface intf;
    unsigned char after[GUARD];
} page;

/* The backend as the tests script it. */
static struct {
    unsigned int notifies;
    unsigned int waits;
    unsigned int give_up_after;     /* wait returns false at this attempt */
    unsigned int drain_per_wait;    /* bytes consumed per wait; 0 = none */
    unsigned char sink[1 << 20];    /* everything the backend consumed */
    size_t sunk;
    XENCONS_RING_IDX corrupt_at_wait; /* on this wait number, trash the indices */
} be;

static void reset(XENCONS_RING_IDX start)
{
    memset(&page, 0x5a, sizeof(page));
    memset(&page.intf, 0, sizeof(page.intf));
    page.intf.out_prod = page.intf.out_cons = start;
    page.intf.in_prod = page.intf.in_cons = start;
    memset(&be, 0, sizeof(be));
    be.give_up_after = 1000;
    be.drain_per_wait = OUT_SIZE;
}

static int guards_intact(void)
{
    for ( int i = 0; i < GUARD; i++ )
        if ( page.before[i] != 0x5a || page.after[i] != 0x5a )
            return 0;
    return 1;
}

/* The backend consumes up to n bytes from the out ring. */
static void backend_drain(size_t n)
{
    struct xencons_interface *in = &page.intf;

    while ( n-- && in->out_cons != in->out_prod )
    {
        if ( be.sunk < sizeof(be.sink) )
            be.sink[be.sunk++] = in->out[MASK_XENCONS_IDX(in->out_cons, in->out)];
        in->out_cons++;
    }
}

static void test_notify(void *ctx)
{
    be.notifies++;
}

static bool test_wait(void *ctx, unsigned int attempt)
{
    be.waits++;
    if ( be.corrupt_at_wait && be.waits == be.corrupt_at_wait )
    {
        page.intf.out_cons = page.intf.out_prod + 12345;
        return true;
    }
    if ( attempt >= be.give_up_after )
        return false;
    backend_drain(be.drain_per_wait);
    return true;
}

static const struct xencons_ops ops = { test_notify, test_wait, NULL };

static void fill_pattern(char *buf, size_t n, unsigned int seed)
{
    for ( size_t i = 0; i < n; i++ )
        buf[i] = (char)(seed + i * 7 + (i >> 8));
}

static void test_small_write_and_kick(void)
{
    struct xencons_writer w;

    reset(0);
    xencons_writer_init(&w, &page.intf, &ops);
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
    xencons_writer_init(&w, &page.intf, &ops);
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
    xencons_writer_init(&w, &page.intf, &ops);
    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), sizeof(buf));
    CHECK_EQ(be.notifies, 2);           /* at 2048 and 4096 bytes */
    CHECK_EQ(w.stats.full_waits, 2);
    xencons_kick(&w);
    CHECK_EQ(be.notifies, 3);
    CHECK(xencons_flush(&w));
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
    xencons_writer_init(&w, &page.intf, &ops);
    be.drain_per_wait = 700;            /* partial drains, odd offsets */
    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), sizeof(buf));
    CHECK(xencons_flush(&w));
    CHECK_EQ(page.intf.out_prod, (XENCONS_RING_IDX)(0xFFFFFF00u + sizeof(buf)));
    CHECK_EQ(page.intf.out_cons, page.intf.out_prod);
    CHECK_EQ(be.sunk, sizeof(buf));
    CHECK(memcmp(be.sink, buf, sizeof(buf)) == 0);
    CHECK(guards_intact());

    /* A flush across the wrap: prod is numerically smaller than cons. */
    reset(0xFFFFFFF0u);
    xencons_writer_init(&w, &page.intf, &ops);
    CHECK_EQ(xencons_write(&w, buf, 40), 40);
    CHECK(page.intf.out_prod < page.intf.out_cons);
    CHECK(xencons_flush(&w));
    CHECK_EQ(be.sunk, 40);
    CHECK(memcmp(be.sink, buf, 40) == 0);
}

/* A backend that writes garbage indices: stop, report, stay in bounds. */
static void test_hostile_indices(void)
{
    static const XENCONS_RING_IDX bad[][2] = {
        { 3000, 0 },                    /* more than the ring holds */
        { 0, 1 },                       /* cons ahead of prod */
        { 0x80000000u, 0 },
        { 5, 0xFFFFFFFFu - 5000 },
    };
    struct xencons_writer w;
    char buf[100];

    fill_pattern(buf, sizeof(buf), 4);
    for ( size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        reset(0);
        page.intf.out_prod = bad[i][0];
        page.intf.out_cons = bad[i][1];
        xencons_writer_init(&w, &page.intf, &ops);
        CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), 0);
        CHECK(w.state == XENCONS_CORRUPT);
        CHECK_EQ(w.bad_prod, bad[i][0]);
        CHECK_EQ(w.bad_cons, bad[i][1]);
        CHECK_EQ(page.intf.out_prod, bad[i][0]);    /* untouched */
        CHECK_EQ(be.waits, 0);
        /* Once corrupt, always corrupt: even if the indices look sane again. */
        page.intf.out_prod = page.intf.out_cons = 0;
        CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), 0);
        CHECK(!xencons_flush(&w));
        CHECK(guards_intact());
    }

    /* Garbage appearing while the writer waits on a full ring. */
    {
        static char big[6000];
        reset(0);
        be.corrupt_at_wait = 2;
        xencons_writer_init(&w, &page.intf, &ops);
        CHECK_EQ(xencons_write(&w, big, sizeof(big)), 2 * OUT_SIZE);
        CHECK(w.state == XENCONS_CORRUPT);
        CHECK(guards_intact());
    }
}

/* A backend that stops draining: bounded waiting, then no waiting at all. */
static void test_stalled_backend(void)
{
    static char buf[3000];
    struct xencons_writer w;

    reset(0);
    be.give_up_after = 3;
    be.drain_per_wait = 0;
    fill_pattern(buf, sizeof(buf), 5);
    xencons_writer_init(&w, &page.intf, &ops);
    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), OUT_SIZE);
    CHECK(w.state == XENCONS_STALLED);
    CHECK_EQ(be.waits, 4);              /* attempts 0..3, the last gives up */
    CHECK_EQ(w.stats.stalls, 1);
    CHECK_EQ(w.stats.dropped, sizeof(buf) - OUT_SIZE);

    /* Still stalled: the next write does not wait again. */
    CHECK_EQ(xencons_write(&w, buf, 10), 0);
    CHECK_EQ(be.waits, 4);
    CHECK_EQ(w.stats.dropped, sizeof(buf) - OUT_SIZE + 10);
    CHECK(!xencons_flush(&w));

    /* The backend comes back: output flows again without loss. */
    backend_drain(OUT_SIZE);
    be.drain_per_wait = OUT_SIZE;
    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), sizeof(buf));
    CHECK(w.state == XENCONS_OK);
    CHECK(xencons_flush(&w));
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
    be.give_up_after = 3;
    be.drain_per_wait = 0;
    fill_pattern(buf, sizeof(buf), 9);
    memcpy(stream, buf, sizeof(buf));
    memcpy(stream + sizeof(buf), "abcdefghijXY", 12);
    xencons_writer_init(&w, &page.intf, &ops);
    xencons_writer_set_hold(&w, hold, sizeof(hold));

    CHECK_EQ(xencons_write(&w, buf, sizeof(buf)), sizeof(buf));   /* taken */
    CHECK(w.state == XENCONS_STALLED);
    CHECK_EQ(w.stats.stalls, 1);
    CHECK_EQ(w.hold_len, sizeof(hold));
    CHECK_EQ(w.stats.dropped, sizeof(buf) - OUT_SIZE - sizeof(hold));
    CHECK_EQ(xencons_write(&w, "abcdefghij", 10), 10);
    CHECK_EQ(be.waits, 4);                  /* no wait while stalled */
    CHECK(!xencons_stall_over(&w));
    CHECK(!xencons_flush(&w));

    /* The backend drains again; a write before the resume is held too. */
    backend_drain(OUT_SIZE);
    CHECK(xencons_stall_over(&w));
    CHECK_EQ(xencons_write(&w, "XY", 2), 2);
    CHECK(w.state == XENCONS_STALLED);      /* held bytes wait for resume */
    CHECK_EQ(w.stats.dropped, written - OUT_SIZE - sizeof(hold));

    be.drain_per_wait = OUT_SIZE;
    CHECK(xencons_resume(&w, "[lost]", 6));
    CHECK(w.state == XENCONS_OK);
    CHECK_EQ(w.hold_len, 0);
    CHECK(xencons_flush(&w));
    CHECK_EQ(be.sunk, OUT_SIZE + 6 + sizeof(hold));
    CHECK(memcmp(be.sink, stream, OUT_SIZE) == 0);
    CHECK(memcmp(be.sink + OUT_SIZE, "[lost]", 6) == 0);
    CHECK(memcmp(be.sink + OUT_SIZE + 6, stream + written - sizeof(hold),
                 sizeof(hold)) == 0);
    CHECK_EQ(w.stats.dropped + (be.sunk - 6), written);

    /* Output carries on normally. */
    CHECK_EQ(xencons_write(&w, "ok", 2), 2);
    CHECK(xencons_flush(&w));
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
    be.give_up_after = 2;
    be.drain_per_wait = 0;
    fill_pattern(buf, sizeof(buf), 3);
    xencons_writer_init(&w, &page.intf, &ops);
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
    be.drain_per_wait = OUT_SIZE;
    CHECK(xencons_stall_over(&w));
    CHECK(xencons_resume(&w, "", 0));
    CHECK(xencons_flush(&w));
    CHECK_EQ(be.sunk, sizeof(buf));
    CHECK(memcmp(be.sink, buf, sizeof(buf)) == 0);
    CHECK_EQ(w.stats.dropped, 0);
    CHECK(guards_intact());
}

/* Announcing notifies even with nothing new: the stalled writer's probe. */
static void test_announce(void)
{
    struct xencons_writer w;

    reset(0);
    xencons_writer_init(&w, &page.intf, &ops);
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
    xencons_writer_init(&w, &page.intf, &ops);
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
    CHECK(xencons_flush(&w));
    CHECK_EQ(be.sunk, sizeof(stream));
    CHECK(memcmp(be.sink, stream, sizeof(stream)) == 0);
    /* One per call at most, plus one per ring-full wait. */
    CHECK(w.stats.notifications <= calls + w.stats.full_waits * 2);
    CHECK(guards_intact());
}

/* --- reader --------------------------------------------------------------- */

static void backend_type(const char *s, size_t n)
{
    for ( size_t i = 0; i < n; i++ )
    {
        page.intf.in[MASK_XENCONS_IDX(page.intf.in_prod, page.intf.in)] = s[i];
        page.intf.in_prod++;
    }
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
    static const XENCONS_RING_IDX bad[][2] = {
        { IN_SIZE + 1, 0 }, { 0, 1 }, { 0x7FFFFFFFu, 0x80000000u },
    };
    struct xencons_reader r;
    char buf[IN_SIZE];

    for ( size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        reset(0);
        page.intf.in_prod = bad[i][0];
        page.intf.in_cons = bad[i][1];
        xencons_reader_init(&r, &page.intf, &ops);
        CHECK_EQ(xencons_read(&r, buf, sizeof(buf)), 0);
        CHECK(r.state == XENCONS_CORRUPT);
        CHECK_EQ(page.intf.in_cons, bad[i][1]);     /* untouched */
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
    test_announce();
    test_random_stream();
    test_reader();
    test_reader_hostile();
    return check_summary("ring");
}
