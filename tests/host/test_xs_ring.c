/*
 * test_xs_ring.c: the xenstore ring writer and reader (xenstore/xs_ring.c)
 * against an xenstored played by the test: well-behaved, slow, dead and
 * hostile.
 *
 * As in test_ring.c, the backend's moves are tests/common/fake_backend.c's,
 * and the shared page sits between its two guard areas, so that a write
 * outside the rings shows up even inside one allocation.
 */
#include <stdlib.h>
#include <tinypv/xs_ring.h>
#include "check.h"
#include "fake_backend.h"

#define RING    XENSTORE_RING_SIZE
#define HDR     sizeof(struct xsd_sockmsg)

static FAKE_PAGE(struct xenstore_domain_interface) page;
static struct fake_ring req_ring, rsp_ring;    /* xenstored's view */

/* xenstored as the tests script it. */
static struct {
    unsigned int notifies;
    unsigned int waits;
    unsigned int give_up_after;     /* wait returns false at this attempt */
    unsigned int drain_per_wait;    /* req bytes consumed per wait */
    unsigned int corrupt_at_wait;   /* on this wait number, trash req_cons */
    unsigned char sink[1 << 16];    /* every request byte consumed */
    size_t sunk;
} be;

static void reset(XENSTORE_RING_IDX start)
{
    FAKE_PAGE_RESET(page);
    req_ring = FAKE_RING(page.intf.req, &page.intf.req_prod,
                         &page.intf.req_cons);
    rsp_ring = FAKE_RING(page.intf.rsp, &page.intf.rsp_prod,
                         &page.intf.rsp_cons);
    page.intf.req_prod = page.intf.req_cons = start;
    page.intf.rsp_prod = page.intf.rsp_cons = start;
    memset(&be, 0, sizeof(be));
    be.give_up_after = 1000;
    be.drain_per_wait = RING;
}

static int guards_intact(void)
{
    return FAKE_PAGE_INTACT(page);
}

/* xenstored consumes up to n request bytes (none if corrupt). */
static void backend_drain(size_t n)
{
    fake_drain(&req_ring, be.sink, sizeof(be.sink), &be.sunk, n);
}

/* xenstored produces bytes into the rsp ring (the test keeps them in room). */
static void backend_put(const void *p, size_t n)
{
    fake_force(&rsp_ring, p, n);
}

static size_t rsp_room(void)
{
    return fake_room(&rsp_ring);
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
        page.intf.req_cons = page.intf.req_prod + 4321;
        return true;
    }
    if ( attempt >= be.give_up_after )
        return false;
    backend_drain(be.drain_per_wait);
    return true;
}

static const struct xs_ring_ops ops = { test_notify, test_wait, NULL };

/* A message: header and a payload of a recognisable pattern. */
static size_t make_msg(unsigned char *buf, uint32_t type, uint32_t req_id,
                       uint32_t len, unsigned int seed)
{
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .len = len };

    memcpy(buf, &h, HDR);
    for ( uint32_t i = 0; i < len; i++ )
        buf[HDR + i] = (unsigned char)(seed + i * 13 + (i >> 7));
    return HDR + len;
}

static unsigned char msg[XS_MSG_MAX + 64], out[XS_MSG_MAX + 64];

/* --- reader --------------------------------------------------------------- */

static void test_read_empty(void)
{
    struct xs_ring r;
    size_t len = 99;

    reset(0);
    xs_ring_init(&r, &page.intf, &ops);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    CHECK_EQ(be.notifies, 0);           /* nothing consumed, nothing said */
    CHECK_EQ(page.intf.rsp_cons, 0);
    CHECK_EQ(len, 99);
    CHECK(guards_intact());
}

static void test_read_whole_and_partial(void)
{
    struct xs_ring r;
    size_t n, len = 0;

    reset(0);
    xs_ring_init(&r, &page.intf, &ops);

    /* A whole message in one go. */
    n = make_msg(msg, XS_READ, 7, 100, 1);
    backend_put(msg, n);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
    CHECK_EQ(len, n);
    CHECK(memcmp(out, msg, n) == 0);
    CHECK_EQ(r.hdr.req_id, 7);
    CHECK_EQ(page.intf.rsp_cons, n);
    CHECK_EQ(be.notifies, 1);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    CHECK_EQ(be.notifies, 1);

    /* Half a header, the rest of it, half the payload, the rest. */
    n = make_msg(msg, XS_DIRECTORY, 8, 50, 2);
    backend_put(msg, 5);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    CHECK_EQ(be.notifies, 2);           /* bytes consumed: room announced */
    backend_put(msg + 5, HDR - 5);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    backend_put(msg + HDR, 20);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    backend_put(msg + HDR + 20, n - HDR - 20);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
    CHECK_EQ(len, n);
    CHECK(memcmp(out, msg, n) == 0);

    /* One byte at a time. */
    n = make_msg(msg, XS_WATCH_EVENT, 0, 33, 3);
    for ( size_t i = 0; i < n; i++ )
    {
        backend_put(msg + i, 1);
        CHECK(xs_ring_read(&r, out, sizeof(out), &len) ==
              (i + 1 == n ? XS_RX_MESSAGE : XS_RX_NONE));
    }
    CHECK(memcmp(out, msg, n) == 0);
    CHECK_EQ(r.stats.rx_messages, 3);
    CHECK(guards_intact());
}

/* Two messages and an empty one in the ring: one per call, none mixed. */
static void test_read_one_per_call(void)
{
    static unsigned char m2[XS_MSG_MAX], m3[HDR];
    struct xs_ring r;
    size_t n1, n2, n3, len = 0;

    reset(0);
    xs_ring_init(&r, &page.intf, &ops);
    n1 = make_msg(msg, XS_WATCH_EVENT, 0, 40, 4);
    n2 = make_msg(m2, XS_READ, 9, 60, 5);
    n3 = make_msg(m3, XS_WRITE, 10, 0, 0);      /* zero-length payload */
    backend_put(msg, n1);
    backend_put(m2, n2);
    backend_put(m3, n3);

    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
    CHECK_EQ(len, n1);
    CHECK(memcmp(out, msg, n1) == 0);
    CHECK_EQ(page.intf.rsp_cons, n1);           /* not a byte further */
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
    CHECK_EQ(len, n2);
    CHECK(memcmp(out, m2, n2) == 0);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
    CHECK_EQ(len, HDR);
    CHECK(memcmp(out, m3, HDR) == 0);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    CHECK_EQ(page.intf.rsp_cons, page.intf.rsp_prod);
    CHECK(guards_intact());
}

/* Messages across the ring's end, and indices across 2^32. */
static void test_read_wrap(void)
{
    static const XENSTORE_RING_IDX starts[] = {
        1000, 1020, RING - 1, 0xFFFFFFF0u, 0xFFFFFFFFu, 0xFFFFFC00u + 7,
    };
    struct xs_ring r;
    size_t n, len = 0;

    for ( size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++ )
    {
        reset(starts[i]);
        xs_ring_init(&r, &page.intf, &ops);
        n = make_msg(msg, XS_READ, 11, 300, (unsigned int)i);
        backend_put(msg, n);
        CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
        CHECK_EQ(len, n);
        CHECK(memcmp(out, msg, n) == 0);
        CHECK_EQ(page.intf.rsp_cons, (XENSTORE_RING_IDX)(starts[i] + n));
        /* A full ring, exactly RING bytes, across the same spot. */
        n = make_msg(msg, XS_READ, 12, RING - HDR, (unsigned int)i + 50);
        backend_put(msg, n);
        CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
        CHECK(memcmp(out, msg, n) == 0);
        CHECK(guards_intact());
    }
}

/* A message four times the ring's size, fed as room appears. */
static void test_read_larger_than_ring(void)
{
    struct xs_ring r;
    size_t n, fed = 0, len = 0, calls = 0;
    enum xs_rx_result res = XS_RX_NONE;

    reset(0xFFFFF000u);
    xs_ring_init(&r, &page.intf, &ops);
    n = make_msg(msg, XS_READ, 13, XENSTORE_PAYLOAD_MAX, 6);
    while ( res == XS_RX_NONE && calls < 100 )
    {
        size_t chunk = MIN(rsp_room(), n - fed);

        chunk = MIN(chunk, (size_t)(300 + calls * 37));
        backend_put(msg + fed, chunk);
        fed += chunk;
        res = xs_ring_read(&r, out, sizeof(out), &len);
        calls++;
    }
    CHECK(res == XS_RX_MESSAGE);
    CHECK_EQ(len, XS_MSG_MAX);
    CHECK(memcmp(out, msg, n) == 0);
    CHECK(calls > 4);
    CHECK(guards_intact());
}

/* len exactly XENSTORE_PAYLOAD_MAX is fine, one more is a fault. */
static void test_read_hostile_len(void)
{
    static const uint32_t bad[] = {
        XENSTORE_PAYLOAD_MAX + 1, 0x10000, 0x7FFFFFFF, 0xFFFFFFFF,
    };
    struct xs_ring r;
    struct xsd_sockmsg h = { .type = XS_READ };
    size_t len = 0;

    for ( size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        reset(0);
        xs_ring_init(&r, &page.intf, &ops);
        h.len = bad[i];
        backend_put(&h, HDR);
        backend_put("abcdefgh", 8);
        memset(out, 0xee, sizeof(out));
        CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_FAULT);
        CHECK(r.fault == XS_RING_FAULT_RSP_LEN);
        CHECK_EQ(r.bad_len, bad[i]);
        CHECK_EQ(page.intf.rsp_cons, 0);        /* a faulty page is left alone */
        CHECK_EQ(out[0], 0xee);                 /* and nothing handed out */
        CHECK_EQ(be.notifies, 0);
        CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_FAULT);
        CHECK(guards_intact());
    }
}

static void test_read_hostile_indices(void)
{
    XENSTORE_RING_IDX prod, cons;
    struct xs_ring r;
    size_t n, len = 0;

    for ( unsigned int i = 0; fake_bad_indices(RING, i, &prod, &cons); i++ )
    {
        reset(0);
        page.intf.rsp_prod = prod;
        page.intf.rsp_cons = cons;
        xs_ring_init(&r, &page.intf, &ops);
        CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_FAULT);
        CHECK(r.fault == XS_RING_FAULT_RSP_INDEX);
        CHECK_EQ(r.bad_prod, prod);
        CHECK_EQ(r.bad_cons, cons);
        CHECK_EQ(page.intf.rsp_cons, cons);         /* untouched */
        CHECK_EQ(be.notifies, 0);
        /* Once faulty, always: even if the indices look sane again. */
        page.intf.rsp_prod = page.intf.rsp_cons = 0;
        n = make_msg(msg, XS_READ, 1, 4, 7);
        backend_put(msg, n);
        CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_FAULT);
        CHECK(xs_ring_write(&r, msg, n) == XS_TX_FAULT);
        CHECK_EQ(page.intf.req_prod, 0);
        CHECK(guards_intact());
    }

    /* Garbage in the middle of a message. */
    reset(0);
    xs_ring_init(&r, &page.intf, &ops);
    n = make_msg(msg, XS_READ, 2, 500, 8);
    backend_put(msg, 100);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    page.intf.rsp_prod = page.intf.rsp_cons - 1;
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_FAULT);
    CHECK(guards_intact());
}

/* A message longer than the caller's buffer: skipped, the stream stays in step. */
static void test_read_too_big_for_buffer(void)
{
    static unsigned char m2[256];
    unsigned char small[HDR + 64];
    struct xs_ring r;
    size_t n, n2, len = 0;

    reset(1000);
    xs_ring_init(&r, &page.intf, &ops);
    n = make_msg(msg, XS_READ, 20, 65, 9);      /* one byte too many */
    n2 = make_msg(m2, XS_READ, 21, 64, 10);     /* exactly fits */
    backend_put(msg, n);
    backend_put(m2, n2);
    memset(small, 0, sizeof(small));
    CHECK(xs_ring_read(&r, small, sizeof(small), &len) == XS_RX_DROPPED);
    CHECK_EQ(len, n);
    CHECK_EQ(r.hdr.req_id, 20);
    CHECK_EQ(r.stats.rx_dropped, 1);
    CHECK(xs_ring_read(&r, small, sizeof(small), &len) == XS_RX_MESSAGE);
    CHECK_EQ(len, n2);
    CHECK(memcmp(small, m2, n2) == 0);

    /* A buffer smaller than a header drops everything, safely. */
    n = make_msg(msg, XS_READ, 22, 0, 0);
    backend_put(msg, n);
    CHECK(xs_ring_read(&r, small, HDR - 1, &len) == XS_RX_DROPPED);
    CHECK(xs_ring_read(&r, NULL, 0, &len) == XS_RX_NONE);
    CHECK(r.fault == XS_RING_FAULT_NONE);

    /* A big message dropped in pieces, across the wrap. */
    reset(0xFFFFFF00u);
    xs_ring_init(&r, &page.intf, &ops);
    n = make_msg(msg, XS_READ, 23, 3000, 11);
    {
        size_t fed = 0, rounds = 0;
        enum xs_rx_result res = XS_RX_NONE;

        /* Bounded: a reader that takes nothing must fail, not hang. */
        while ( res == XS_RX_NONE && fed < n && rounds++ < 1000 )
        {
            size_t chunk = MIN(rsp_room(), n - fed);

            backend_put(msg + fed, chunk);
            fed += chunk;
            res = xs_ring_read(&r, small, sizeof(small), &len);
        }
        CHECK(res == XS_RX_DROPPED);
        CHECK_EQ(fed, n);
    }
    CHECK(guards_intact());
}

/* --- writer --------------------------------------------------------------- */

static void test_write_small(void)
{
    struct xs_ring r;
    size_t n;

    reset(0);
    xs_ring_init(&r, &page.intf, &ops);
    n = make_msg(msg, XS_READ, 1, 6, 12);
    CHECK(xs_ring_write(&r, msg, n) == XS_TX_OK);
    CHECK_EQ(page.intf.req_prod, n);
    CHECK(memcmp(page.intf.req, msg, n) == 0);
    CHECK_EQ(be.notifies, 1);
    CHECK_EQ(be.waits, 0);
    CHECK_EQ(r.stats.tx_messages, 1);

    /* Not a message: too short, too long. Nothing is written. */
    CHECK(xs_ring_write(&r, msg, HDR - 1) == XS_TX_INVALID);
    CHECK(xs_ring_write(&r, msg, XS_MSG_MAX + 1) == XS_TX_INVALID);
    CHECK_EQ(page.intf.req_prod, n);
    CHECK(guards_intact());
}

/* The largest request, four rings' worth, across the 2^32 wrap. */
static void test_write_large_and_wrap(void)
{
    static const XENSTORE_RING_IDX starts[] = { 0, 700, 0xFFFFFE00u, 0xFFFFFFFFu };
    struct xs_ring r;
    size_t n;

    for ( size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++ )
    {
        reset(starts[i]);
        be.drain_per_wait = 333;
        xs_ring_init(&r, &page.intf, &ops);
        n = make_msg(msg, XS_WRITE, 2, XENSTORE_PAYLOAD_MAX, 13 + (unsigned int)i);
        CHECK(xs_ring_write(&r, msg, n) == XS_TX_OK);
        backend_drain(RING);
        CHECK_EQ(be.sunk, n);
        CHECK(memcmp(be.sink, msg, n) == 0);
        CHECK_EQ(page.intf.req_prod, (XENSTORE_RING_IDX)(starts[i] + n));
        CHECK_EQ(r.stats.full_waits, 1);
        CHECK(be.notifies >= n / RING);         /* every piece announced */
        CHECK(guards_intact());
    }
}

/* xenstored never reads: give up cleanly if nothing went in... */
static void test_write_gives_up_cleanly(void)
{
    struct xs_ring r;
    size_t n;

    reset(0);
    page.intf.req_prod = RING;                  /* full */
    be.give_up_after = 2;
    be.drain_per_wait = 0;
    xs_ring_init(&r, &page.intf, &ops);
    n = make_msg(msg, XS_READ, 3, 10, 14);
    CHECK(xs_ring_write(&r, msg, n) == XS_TX_GAVE_UP);
    CHECK_EQ(be.waits, 3);                      /* attempts 0, 1, 2 */
    CHECK(r.fault == XS_RING_FAULT_NONE);
    CHECK_EQ(page.intf.req_prod, RING);

    /* ...and the ring still works when xenstored comes back. */
    backend_drain(RING);
    CHECK(xs_ring_write(&r, msg, n) == XS_TX_OK);
    CHECK(guards_intact());
}

/* ...but half a request in the ring cannot be taken back. */
static void test_write_torn(void)
{
    struct xs_ring r;
    size_t n;

    reset(0);
    be.give_up_after = 1;
    be.drain_per_wait = 0;
    xs_ring_init(&r, &page.intf, &ops);
    n = make_msg(msg, XS_WRITE, 4, 2000, 15);
    CHECK(xs_ring_write(&r, msg, n) == XS_TX_FAULT);
    CHECK(r.fault == XS_RING_FAULT_REQ_TORN);
    CHECK_EQ(page.intf.req_prod, RING);
    CHECK(xs_ring_write(&r, msg, HDR) == XS_TX_FAULT);
    CHECK(guards_intact());
}

static void test_write_hostile_indices(void)
{
    size_t n = make_msg(msg, XS_READ, 5, 10, 16);
    XENSTORE_RING_IDX prod, cons;
    struct xs_ring r;

    for ( unsigned int i = 0; fake_bad_indices(RING, i, &prod, &cons); i++ )
    {
        reset(0);
        page.intf.req_prod = prod;
        page.intf.req_cons = cons;
        xs_ring_init(&r, &page.intf, &ops);
        CHECK(xs_ring_write(&r, msg, n) == XS_TX_FAULT);
        CHECK(r.fault == XS_RING_FAULT_REQ_INDEX);
        CHECK_EQ(r.bad_prod, prod);
        CHECK_EQ(r.bad_cons, cons);
        CHECK_EQ(page.intf.req_prod, prod);         /* untouched */
        CHECK_EQ(be.waits, 0);
        CHECK_EQ(be.notifies, 0);
        CHECK(guards_intact());
    }

    /* Garbage appearing while the writer waits on a full ring. */
    reset(0);
    be.corrupt_at_wait = 2;
    xs_ring_init(&r, &page.intf, &ops);
    n = make_msg(msg, XS_WRITE, 6, XENSTORE_PAYLOAD_MAX, 17);
    CHECK(xs_ring_write(&r, msg, n) == XS_TX_FAULT);
    CHECK(r.fault == XS_RING_FAULT_REQ_INDEX);
    CHECK(guards_intact());
}

/*
 * req_prod is ours to write and xenstored's to scribble on: the writer keeps
 * its own index and never reads the page's back (but when it takes a page:
 * init, reconnect), as the console's writer does. A rewrite that makes the
 * ring look corrupt, or full, changes nothing (before: a false
 * XS_RING_FAULT_REQ_INDEX that ended xenstore for good, and a wait on a
 * ring with room); the next request goes where the last one ended and
 * publishes our index again.
 */
static void test_req_prod_not_read_back(void)
{
    static unsigned char m2[HDR + 20], m3[HDR + 30];
    struct xs_ring r;
    size_t n1, n2, n3;

    reset(100);
    xs_ring_init(&r, &page.intf, &ops);
    n1 = make_msg(msg, XS_READ, 1, 10, 20);
    n2 = make_msg(m2, XS_WRITE, 2, 20, 21);
    n3 = make_msg(m3, XS_WRITE, 3, 30, 22);
    CHECK(xs_ring_write(&r, msg, n1) == XS_TX_OK);
    backend_drain(RING);

    page.intf.req_prod = 100 + 5000;                /* looks corrupt */
    CHECK(xs_ring_write(&r, m2, n2) == XS_TX_OK);
    CHECK(r.fault == XS_RING_FAULT_NONE);
    CHECK_EQ(page.intf.req_prod, 100 + n1 + n2);    /* ours, published again */

    page.intf.req_prod = page.intf.req_cons + RING; /* looks full */
    CHECK(xs_ring_write(&r, m3, n3) == XS_TX_OK);
    CHECK_EQ(be.waits, 0);
    CHECK_EQ(page.intf.req_prod, 100 + n1 + n2 + n3);
    CHECK_EQ(r.stats.tx_bytes, n1 + n2 + n3);

    backend_drain(RING);
    CHECK_EQ(be.sunk, n1 + n2 + n3);
    CHECK(memcmp(be.sink, msg, n1) == 0);
    CHECK(memcmp(be.sink + n1, m2, n2) == 0);
    CHECK(memcmp(be.sink + n1 + n2, m3, n3) == 0);
    CHECK(guards_intact());
}

/* --- both ----------------------------------------------------------------- */

/* Random messages, fed in random pieces, read at random moments. */
static void test_random_stream(void)
{
    static unsigned char stream[1 << 18];
    static size_t ends[4096];
    struct xs_ring r;
    size_t total = 0, count = 0, fed = 0, got = 0, len = 0, was;
    unsigned int idle = 0;
    enum xs_rx_result res;

    srand(7);
    while ( count < 4096 )
    {
        uint32_t plen = (uint32_t)(rand() % 3 == 0 ? rand() % (XENSTORE_PAYLOAD_MAX + 1)
                                                   : rand() % 80);
        if ( total + HDR + plen > sizeof(stream) )
            break;
        total += make_msg(stream + total, (uint32_t)(rand() % XS_TYPE_COUNT),
                          (uint32_t)count, plen, (unsigned int)count);
        ends[count++] = total;
    }

    reset(0xFFFF0000u);
    xs_ring_init(&r, &page.intf, &ops);
    while ( got < count )
    {
        size_t chunk = MIN(rsp_room(), total - fed);
        size_t limit = (size_t)(rand() % (RING + 1));   /* MIN() evaluates twice */

        chunk = MIN(chunk, limit);
        backend_put(stream + fed, chunk);
        fed += chunk;
        was = got;
        while ( (res = xs_ring_read(&r, out, sizeof(out), &len)) == XS_RX_MESSAGE )
        {
            size_t start = got ? ends[got - 1] : 0;

            CHECK_EQ(len, ends[got] - start);
            if ( memcmp(out, stream + start, len) != 0 )
                CHECK(!"message contents differ");
            got++;
            if ( rand() % 4 == 0 )
                break;              /* leave some for later */
        }
        CHECK(res != XS_RX_FAULT && res != XS_RX_DROPPED);
        if ( res == XS_RX_FAULT )
            break;
        /* A reader that stops taking messages must fail, not hang. */
        idle = (chunk == 0 && got == was) ? idle + 1 : 0;
        if ( idle > 1000 )
        {
            CHECK(!"the reader takes no more messages from a full ring");
            break;
        }
    }
    CHECK_EQ(got, count);
    CHECK_EQ(r.stats.rx_bytes, total);
    CHECK(guards_intact());
}

/* --- a new backend after a restore ---------------------------------------- */

/*
 * The page comes back zeroed (PVH: libxc clears it; PV under C xenstored:
 * the introduce zeroes the indices) while the reader was in the middle of
 * a message: the new backend's first message must come out whole.
 */
static void test_reconnect_half_read(void)
{
    struct xs_ring r;
    struct xs_ring_leftovers left;
    size_t n, len = 0;
    unsigned int notifies;

    reset(0x12345678u);
    xs_ring_init(&r, &page.intf, &ops);
    /* The old backend's event, 16 + 100 bytes; 16 + 20 of them read. */
    make_msg(msg, XS_WATCH_EVENT, 0, 100, 9);
    backend_put(msg, HDR + 20);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);

    memset(&page.intf, 0, sizeof(page.intf));
    notifies = be.notifies;
    xs_ring_reconnect(&r, &page.intf, &left);
    CHECK(left.half_read);
    CHECK_EQ(left.rsp_dropped, 0);
    CHECK_EQ(left.req_unread, 0);
    CHECK(r.fault == XS_RING_FAULT_NONE);
    CHECK_EQ(be.notifies, notifies);        /* nothing consumed */

    n = make_msg(msg, XS_WATCH, 1, 3, 10);
    backend_put(msg, n);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
    CHECK_EQ(len, n);
    CHECK(memcmp(out, msg, n) == 0);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    CHECK(r.fault == XS_RING_FAULT_NONE);

    /* Our requests go on from the new page's req_prod, not the old one's. */
    n = make_msg(msg, XS_READ, 2, 5, 13);
    CHECK(xs_ring_write(&r, msg, n) == XS_TX_OK);
    CHECK_EQ(page.intf.req_prod, n);
    CHECK(memcmp(page.intf.req, msg, n) == 0);

    /* The same with only part of a header read. */
    reset(0);
    xs_ring_init(&r, &page.intf, &ops);
    make_msg(msg, XS_WATCH_EVENT, 0, 40, 11);
    backend_put(msg, 7);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    memset(&page.intf, 0, sizeof(page.intf));
    xs_ring_reconnect(&r, &page.intf, &left);
    CHECK(left.half_read);
    n = make_msg(msg, XS_READ, 2, 4, 12);
    backend_put(msg, n);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
    CHECK(memcmp(out, msg, n) == 0);
    CHECK(guards_intact());
}

/*
 * The page comes back as it was saved (PV under oxenstored): the old
 * backend's unread bytes, ending in the middle of a message, are still in
 * the ring, and the new backend appends after them.
 */
static void test_reconnect_leftovers(void)
{
    static unsigned char old[200];
    struct xs_ring r;
    struct xs_ring_leftovers left;
    size_t n, len = 0;
    unsigned int notifies;

    reset(0xFFFFFFC0u);                     /* the indices wrap meanwhile */
    xs_ring_init(&r, &page.intf, &ops);
    n = make_msg(old, XS_WATCH_EVENT, 0, 40, 13);
    backend_put(old, n);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
    backend_put(old, 25);                   /* read: half a message */
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_NONE);
    backend_put(old + 25, 20);              /* left unread */
    backend_put(old, 30);                   /* the next, cut short */
    page.intf.req_prod += 30;               /* a request it never took */

    notifies = be.notifies;
    xs_ring_reconnect(&r, &page.intf, &left);
    CHECK(left.half_read);
    CHECK_EQ(left.rsp_dropped, 50);
    CHECK_EQ(left.req_unread, 30);
    CHECK_EQ(page.intf.rsp_cons, page.intf.rsp_prod);
    CHECK_EQ(page.intf.req_cons, 0xFFFFFFC0u);  /* never ours to move */
    CHECK_EQ(be.notifies, notifies + 1);    /* room made: said so */
    CHECK(r.fault == XS_RING_FAULT_NONE);

    n = make_msg(msg, XS_READ, 3, 60, 14);
    backend_put(msg, n);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_MESSAGE);
    CHECK_EQ(len, n);
    CHECK(memcmp(out, msg, n) == 0);
    CHECK(r.fault == XS_RING_FAULT_NONE);
    CHECK(guards_intact());
}

/* Nothing in progress, nothing left: nothing to say, nothing touched. */
static void test_reconnect_clean(void)
{
    struct xs_ring r;
    struct xs_ring_leftovers left;

    reset(77);
    xs_ring_init(&r, &page.intf, &ops);
    xs_ring_reconnect(&r, &page.intf, &left);
    CHECK(!left.half_read);
    CHECK_EQ(left.rsp_dropped, 0);
    CHECK_EQ(left.req_unread, 0);
    CHECK_EQ(page.intf.rsp_cons, 77);
    CHECK_EQ(be.notifies, 0);
    CHECK(r.fault == XS_RING_FAULT_NONE);
}

/* The new page's indices are checked like any; a faulty page stays so. */
static void test_reconnect_hostile(void)
{
    static unsigned char before[sizeof(page.intf)];
    struct xs_ring r;
    struct xs_ring_leftovers left;
    size_t len = 0;

    reset(0);
    xs_ring_init(&r, &page.intf, &ops);
    page.intf.rsp_prod = RING + 1;
    xs_ring_reconnect(&r, &page.intf, &left);
    CHECK(r.fault == XS_RING_FAULT_RSP_INDEX);
    CHECK_EQ(page.intf.rsp_cons, 0);        /* not moved */
    CHECK_EQ(left.rsp_dropped, 0);
    CHECK(xs_ring_read(&r, out, sizeof(out), &len) == XS_RX_FAULT);

    reset(0);
    xs_ring_init(&r, &page.intf, &ops);
    page.intf.req_cons = 5;
    xs_ring_reconnect(&r, &page.intf, &left);
    CHECK(r.fault == XS_RING_FAULT_REQ_INDEX);
    CHECK_EQ(left.req_unread, 0);

    /* Faulty before: not touched at all, and still faulty. */
    reset(0);
    xs_ring_init(&r, &page.intf, &ops);
    r.fault = XS_RING_FAULT_RSP_LEN;
    page.intf.rsp_prod = 10;
    memcpy(before, &page.intf, sizeof(before));
    xs_ring_reconnect(&r, &page.intf, &left);
    CHECK(r.fault == XS_RING_FAULT_RSP_LEN);
    CHECK(memcmp(before, &page.intf, sizeof(before)) == 0);
    CHECK_EQ(left.rsp_dropped, 0);
    CHECK_EQ(be.notifies, 0);
    CHECK(guards_intact());
}

int main(void)
{
    test_read_empty();
    test_read_whole_and_partial();
    test_read_one_per_call();
    test_read_wrap();
    test_read_larger_than_ring();
    test_read_hostile_len();
    test_read_hostile_indices();
    test_read_too_big_for_buffer();
    test_write_small();
    test_write_large_and_wrap();
    test_write_gives_up_cleanly();
    test_write_torn();
    test_write_hostile_indices();
    test_req_prod_not_read_back();
    test_random_stream();
    test_reconnect_half_read();
    test_reconnect_leftovers();
    test_reconnect_clean();
    test_reconnect_hostile();
    return check_summary("xs_ring");
}
