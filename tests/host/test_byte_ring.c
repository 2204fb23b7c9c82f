/*
 * test_byte_ring.c: the byte-ring core (lib/byte_ring.c) on its own, on a
 * 16-byte ring so that every slot and every length is reached, with
 * tests/common/fake_backend.c as the other side and its guards around the
 * ring and its indices.
 */
#include <tinypv/types.h>
#include <lib/byte_ring.h>
#include "check.h"
#include "fake_backend.h"

#define SIZE    16u

struct tiny_page {
    char data[SIZE];
    uint32_t prod, cons;
};

static FAKE_PAGE(struct tiny_page) page;
static struct byte_ring ring;       /* the code under test's view */
static struct fake_ring other;      /* the other side's */

static void reset(uint32_t prod, uint32_t cons)
{
    FAKE_PAGE_RESET(page);
    page.intf.prod = prod;
    page.intf.cons = cons;
    ring = BYTE_RING(page.intf.data, &page.intf.prod, &page.intf.cons);
    other = FAKE_RING(page.intf.data, &page.intf.prod, &page.intf.cons);
}

static void pattern(unsigned char *p, size_t n, unsigned int seed)
{
    for ( size_t i = 0; i < n; i++ )
        p[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

/* The check: prod - cons <= size, unsigned, across 2^32, on both sides. */
static void test_index_check(void)
{
    static const struct {
        uint32_t prod, cons;
        bool sane;
        size_t used;
    } cases[] = {
        { 0, 0, true, 0 },
        { SIZE, 0, true, SIZE },
        { SIZE + 1, 0, false, 0 },
        { 0, 1, false, 0 },                         /* cons ahead of prod */
        { 5, 0xFFFFFFF8u, true, 13 },               /* across 2^32 */
        { 8, 0xFFFFFFF8u, true, SIZE },
        { 9, 0xFFFFFFF8u, false, 0 },
        { 0x80000000u, 0, false, 0 },
        { 0x7FFFFFFFu, 0x80000000u, false, 0 },
    };
    uint32_t prod, cons;
    size_t n;

    for ( size_t i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        reset(cases[i].prod, cases[i].cons);
        CHECK(byte_ring_space(&ring, cases[i].prod, &cons, &n) ==
              cases[i].sane);
        CHECK_EQ(cons, cases[i].cons);
        CHECK_EQ(n, cases[i].sane ? SIZE - cases[i].used : 0);
        CHECK(byte_ring_avail(&ring, &prod, &cons, &n) == cases[i].sane);
        CHECK_EQ(prod, cases[i].prod);
        CHECK_EQ(cons, cases[i].cons);
        CHECK_EQ(n, cases[i].used);
        /* Looking changes nothing. */
        CHECK_EQ(page.intf.prod, cases[i].prod);
        CHECK_EQ(page.intf.cons, cases[i].cons);
    }

    /* The producer's check is against its own index, not the page's. */
    reset(3000, 0);
    CHECK(byte_ring_space(&ring, 4, &cons, &n));
    CHECK_EQ(n, SIZE - 4);
    CHECK_EQ(byte_ring_adopt_prod(&ring), 3000);
}

/*
 * Every start slot, across 2^32, every length, both ways: what we put the
 * other side takes, and what it gives we get (in two gets from one look
 * at the indices, as xenstore's reader does).
 */
static void check_copies(uint32_t base, size_t n)
{
    unsigned char in[SIZE], got[SIZE];
    uint32_t prod, cons;
    size_t space, avail;

    reset(base, base);
    pattern(in, n, base + n);
    if ( !byte_ring_space(&ring, base, &cons, &space) || space != SIZE )
        CHECK(!"put: wrong free space");
    prod = byte_ring_put(&ring, base, cons, in, n);
    if ( prod != (uint32_t)(base + n) || page.intf.prod != prod )
        CHECK(!"put: wrong index published");
    if ( fake_take(&other, got, SIZE) != n || memcmp(got, in, n) != 0 )
        CHECK(!"put: the other side got other bytes");

    pattern(in, n, base ^ n);
    CHECK_EQ(fake_give(&other, in, n), n);
    memset(got, 0, sizeof(got));
    if ( !byte_ring_avail(&ring, &prod, &cons, &avail) || avail != n )
        CHECK(!"get: wrong count");
    byte_ring_get(&ring, prod, cons, got, n / 3);
    byte_ring_get(&ring, prod, cons + n / 3, got + n / 3, n - n / 3);
    if ( memcmp(got, in, n) != 0 || page.intf.cons != cons )
        CHECK(!"get: other bytes, or the index moved");
    byte_ring_consume(&ring, cons + (uint32_t)n);
    if ( page.intf.cons != prod || fake_room(&other) != SIZE )
        CHECK(!"consume: the space was not given back");
    if ( !FAKE_PAGE_INTACT(page) )
        CHECK(!"a guard was overwritten");
}

static void test_copies(void)
{
    for ( uint32_t base = 0xFFFFFFE0u; base != 0x20u; base++ )
        for ( size_t n = 0; n <= SIZE; n++ )
            check_copies(base, n);
    CHECK(FAKE_PAGE_INTACT(page));
}

/* --- byte_ring_fill ------------------------------------------------------- */

/* What the other side does at each full(), as a test scripts it. */
static struct {
    size_t drain;                   /* it takes this many bytes */
    unsigned int stop_at;           /* full() number that returns false */
    unsigned int corrupt_at;        /* full() number that breaks cons */
} script;

/* What a fill did. */
static struct {
    uint32_t start;                 /* our index when the fill began */
    unsigned int placed_calls, full_calls;
    size_t placed;
    unsigned int attempts[64];      /* the attempt of each full() */
    unsigned char sink[256];
    size_t sunk;
} f;

static void on_placed(void *ctx, size_t n)
{
    CHECK(n > 0);
    f.placed_calls++;
    f.placed += n;
    /* Published before it is reported. */
    CHECK_EQ(page.intf.prod, (uint32_t)(f.start + f.placed));
}

static bool on_full(void *ctx, unsigned int attempt, uint32_t cons)
{
    CHECK_EQ(cons, page.intf.cons);
    CHECK_EQ(fake_room(&other), 0);         /* only a full ring is waited on */
    f.attempts[f.full_calls++ % 64] = attempt;
    if ( f.full_calls == script.stop_at )
        return false;
    if ( f.full_calls == script.corrupt_at )
    {
        page.intf.cons = page.intf.prod + 100;
        return true;
    }
    fake_drain(&other, f.sink, sizeof(f.sink), &f.sunk, script.drain);
    return true;
}

static const struct byte_ring_filler filler = { on_placed, on_full };
static unsigned char in[100];
static struct byte_ring_fill out;
static uint32_t prod;

/*
 * Fill len bytes of in[] at prod, our index, into the ring (as reset()
 * left it), the other side doing what `script` says at each wait.
 */
static enum byte_ring_end fill(uint32_t start, size_t len)
{
    memset(&f, 0, sizeof(f));
    f.start = prod = start;
    return byte_ring_fill(&ring, &prod, in, len, &filler, NULL, &out);
}

/* Everything, across 2^32, 5 bytes drained per wait: no wait is a second. */
static void test_fill_all(void)
{
    script = (typeof(script)){ .drain = 5 };
    reset(0xFFFFFFF0u, 0xFFFFFFF0u);
    CHECK(fill(0xFFFFFFF0u, sizeof(in)) == BYTE_RING_DONE);
    CHECK_EQ(out.done, sizeof(in));
    CHECK_EQ(prod, (uint32_t)(0xFFFFFFF0u + sizeof(in)));
    CHECK_EQ(page.intf.prod, prod);
    CHECK_EQ(f.placed, sizeof(in));
    CHECK_EQ(f.placed_calls, f.full_calls + 1);   /* a piece after each wait */
    for ( unsigned int i = 0; i < f.full_calls; i++ )
        CHECK_EQ(f.attempts[i], 0);
    fake_drain(&other, f.sink, sizeof(f.sink), &f.sunk, SIZE);
    CHECK_EQ(f.sunk, sizeof(in));
    CHECK(memcmp(f.sink, in, sizeof(in)) == 0);

    /* Exactly one ring's worth: no wait at all. */
    reset(3, 3);
    CHECK(fill(3, SIZE) == BYTE_RING_DONE);
    CHECK_EQ(f.full_calls, 0);
}

/* A consumer that takes nothing: attempts count up until full() stops. */
static void test_fill_stops(void)
{
    script = (typeof(script)){ .stop_at = 4 };
    reset(7, 7);
    CHECK(fill(7, 40) == BYTE_RING_STOPPED);
    CHECK_EQ(out.done, SIZE);
    CHECK_EQ(prod, 7 + SIZE);
    CHECK_EQ(out.cons, 7);
    CHECK_EQ(f.full_calls, 4);
    for ( unsigned int i = 0; i < 4; i++ )
        CHECK_EQ(f.attempts[i], i);
}

/* Progress starts the count again: one byte drained per wait. */
static void test_fill_progress(void)
{
    script = (typeof(script)){ .drain = 1 };
    reset(0, 0);
    CHECK(fill(0, SIZE + 3) == BYTE_RING_DONE);
    CHECK_EQ(f.full_calls, 3);
    CHECK(f.attempts[0] == 0 && f.attempts[1] == 0 && f.attempts[2] == 0);
}

/* Indices that break while it waits: CORRUPT, with the cons that failed. */
static void test_fill_corrupt(void)
{
    script = (typeof(script)){ .corrupt_at = 2 };
    reset(0, 0);
    CHECK(fill(0, 40) == BYTE_RING_CORRUPT);
    CHECK_EQ(out.done, SIZE);
    CHECK_EQ(out.cons, SIZE + 100);
    CHECK_EQ(page.intf.prod, SIZE);                 /* nothing more published */
    CHECK_EQ(f.full_calls, 2);
}

/* Nothing to write: the indices are not even looked at. */
static void test_fill_nothing(void)
{
    script = (typeof(script)){ .stop_at = 1 };
    reset(0, 12345);
    CHECK(fill(0, 0) == BYTE_RING_DONE);
    CHECK_EQ(out.done, 0);
    CHECK_EQ(f.placed_calls + f.full_calls, 0);
}

/* Our index, not the page's: a rewritten prod changes nothing. */
static void test_fill_own_index(void)
{
    script = (typeof(script)){ .stop_at = 1 };
    reset(50 + 1000, 50);
    CHECK(fill(50, 10) == BYTE_RING_DONE);
    CHECK_EQ(page.intf.prod, 60);
    CHECK(memcmp(page.intf.data + 50 % SIZE, in, 10) == 0);
    CHECK(FAKE_PAGE_INTACT(page));
}

int main(void)
{
    test_index_check();
    test_copies();
    pattern(in, sizeof(in), 5);
    test_fill_all();
    test_fill_stops();
    test_fill_progress();
    test_fill_corrupt();
    test_fill_nothing();
    test_fill_own_index();
    return check_summary("byte_ring");
}
