/*
 * fuzz_console_ring.c: the console ring writer and reader (console/ring.c)
 * against a backend whose every move comes from the fuzz input.
 *
 * The input is a little program. Its first byte chooses the backend:
 *
 *   even  well-behaved: it only consumes what was published and produces
 *         into free space, so the model below can predict every byte;
 *   odd   hostile: it may also set any index to anything, nudge indices
 *         by small amounts (to land next to the limits) and scribble over
 *         both rings.
 *
 * Then come the start indices and a sequence of operations (see run_op()):
 * write, read, kick, flush, backend consume/produce, hostile moves and
 * re-initialisation. Whenever the writer waits, the wait callback takes its
 * next byte from the program as well: let the time run out to the
 * deadline, consume some, consume all, or (hostile) move an index; each
 * but the first ends the wait a few milliseconds later, as a notification
 * would. Time is the harness's own clock. An empty program lets every
 * deadline pass, so every run ends.
 *
 * What must hold whatever the backend does:
 *  - nothing outside the shared page is touched (guard areas around it,
 *    poisoned for ASan and checked), and each side changes only what it
 *    owns: the writer out[] slots it then publishes and out_prod, the
 *    reader in_cons;
 *  - the writer returns at most what it was asked, and less only when the
 *    ring is corrupt or the backend stalled (then the rest is counted as
 *    dropped); the bytes it publishes are the caller's, in order, in the
 *    slots after the index it last published (whatever the backend wrote
 *    into out_prod since: the writer never reads it back), never more than
 *    the free space, and out_prod is then set to the end of them;
 *  - it waits only on a full ring (or an unflushed one), with everything
 *    published already notified, never while stalled, and always with a
 *    deadline still ahead; it declares a stall only once a deadline has
 *    passed, and a flush ends within its limit, giving up early only on
 *    a corrupt ring or a stall;
 *  - the reader returns min(available, asked) bytes, exactly those of the
 *    ring, and advances in_cons by as many;
 *  - a corrupt ring stays corrupt: no more bytes, no waits, the recorded
 *    bad indices are kept and really are bad;
 *  - the statistics agree with what the backend saw (bytes, notifications,
 *    stalls, drops);
 *  - with the well-behaved backend: the ring never turns corrupt, the bytes
 *    the backend consumes are the bytes written, in order, and the bytes
 *    read are the bytes produced; a successful flush leaves nothing behind.
 */
#include <tinypv/ring.h>
#include "fuzz.h"
#include "fake_backend.h"

#define OUT_SIZE    sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE     sizeof(((struct xencons_interface *)0)->in)
#define OUT_SLOT(i) ((i) & (OUT_SIZE - 1))
#define IN_SLOT(i)  ((i) & (IN_SIZE - 1))

#define WRITE_MAX   6200    /* three ring-fulls: writes that wait twice */
#define READ_MAX    1300

#define MS          1000000ull
#define STALL_NS    (5000 * MS)

static FAKE_PAGE(struct xencons_interface) page;
static struct fake_ring out_ring, in_ring;     /* the backend's view */

static struct {
    struct fuzz_input in;
    bool good;                      /* the well-behaved backend */
    struct xencons_writer w;
    struct xencons_reader r;

    /* What the backend saw, to hold the statistics against. */
    uint64_t w_notifies, r_notifies;
    uint64_t waits;
    uint64_t w_bytes, w_dropped, r_bytes;

    /* Time: the harness's clock, and the deadline of the last wait. */
    uint64_t clock;
    uint64_t last_deadline;

    /*
     * The writer as the backend sees it (fake_backend.h): the index it
     * last published (watch.prod, where its next bytes go), the write in
     * progress (watch.want, watch.done), and a checkpoint: the page as the
     * writer will find it when control goes back to it. Everything it
     * changes before the next checkpoint must be explained by what it is
     * allowed to do.
     */
    struct fake_watch watch;
    unsigned int op_waits;

    /* The model of the well-behaved backend. */
    uint8_t shadow_out[OUT_SIZE];   /* what each out[] slot should hold */
    uint64_t accepted, consumed;    /* out stream: written, and taken */
    uint64_t offered;               /* bytes offered to the writer */
    uint64_t produced, taken;       /* in stream: produced, and read */
} S;

/* --- checkpoints ---------------------------------------------------------- */

static void checkpoint_take(void)
{
    fake_watch_snap(&S.watch);
}

/*
 * The writer ran from the last checkpoint until now: only the next bytes
 * of the caller's buffer, in order, in the free slots from the index it
 * last published (not out_prod: the backend may have rewritten that),
 * and out_prod set to the end of them. How many it placed is taken from
 * its own index; everything that count implies is checked on the page.
 */
static void checkpoint_verify(void)
{
    uint32_t delta;

    FUZZ_ASSERT_OK(fake_watch_check(&S.watch, S.w.prod, &delta));
    S.accepted += delta;
}

/* --- the backend ---------------------------------------------------------- */

/* Take up to k published bytes, as xenconsoled would. */
static void backend_consume(size_t k)
{
    static uint8_t got[OUT_SIZE];
    XENCONS_RING_IDX cons = page.intf.out_cons;
    size_t n = fake_take(&out_ring, got, k);

    if ( n == FAKE_CORRUPT )
        return;                     /* the backend sees the corruption too */
    if ( S.good )
        for ( size_t i = 0; i < n; i++ )
            FUZZ_ASSERT(got[i] == S.shadow_out[OUT_SLOT(cons + i)]);
    S.consumed += n;
}

/* Put up to k bytes of the in stream into the in ring. */
static void backend_produce(size_t k)
{
    static uint8_t bytes[2 * IN_SIZE];
    size_t room = fake_room(&in_ring);

    if ( S.good )
        k = MIN(k, room);           /* valid in this mode: never corrupt */
    k = MIN(k, sizeof(bytes));
    for ( size_t i = 0; i < k; i++ )
        bytes[i] = fuzz_pattern(S.produced + i);
    fake_force(&in_ring, bytes, k);
    S.produced += k;
}

/* --- the callbacks -------------------------------------------------------- */

static void writer_notify(void *ctx)
{
    S.w_notifies++;
}

static void reader_notify(void *ctx)
{
    S.r_notifies++;
}

/* The wait ends after ms milliseconds (a notification), or at the deadline. */
static void time_passes(uint64_t ms, uint64_t deadline)
{
    S.clock = MIN(S.clock + ms * MS, deadline);
}

static void writer_wait(void *ctx, unsigned int attempt, uint64_t deadline)
{
    uint8_t b;

    checkpoint_verify();

    /* Waits come only on a ring that needs the backend, fully announced. */
    FUZZ_ASSERT(S.w.state == XENCONS_OK);
    FUZZ_ASSERT(!S.w.unnotified);
    if ( S.watch.want )
        FUZZ_ASSERT(S.watch.prod - page.intf.out_cons == OUT_SIZE);
    else
        FUZZ_ASSERT(S.watch.prod != page.intf.out_cons);
    FUZZ_ASSERT(attempt <= S.op_waits);
    if ( S.op_waits == 0 )
        FUZZ_ASSERT(attempt == 0);
    /* Never a wait that is over before it starts, nor one beyond a stall. */
    FUZZ_ASSERT(deadline > S.clock);
    FUZZ_ASSERT(deadline - S.clock <= STALL_NS);
    S.last_deadline = deadline;
    S.op_waits++;
    S.waits++;

    if ( fuzz_empty(&S.in) )
        S.clock = deadline;         /* the program is over: time runs out */
    else
    {
        b = fuzz_u8(&S.in);
        switch ( b & 3 )
        {
        case 0:
            S.clock = deadline;
            break;
        case 1:
            backend_consume((size_t)(b >> 2) * 41);
            time_passes(b >> 2, deadline);
            break;
        case 2:
            backend_consume(OUT_SIZE);
            time_passes(1, deadline);
            break;
        default:
            fuzz_hostile(&S.in, !S.good, &in_ring, &out_ring, b >> 2);
            time_passes(b >> 2, deadline);
            break;
        }
    }

    checkpoint_take();
}

static uint64_t writer_now(void *ctx)
{
    return S.clock;
}

static const struct xencons_ops writer_ops = {
    .notify = writer_notify, .wait = writer_wait, .now = writer_now,
};

/* The reader must never wait: a wait callback that fails says so. */
static void reader_wait(void *ctx, unsigned int attempt, uint64_t deadline)
{
    FUZZ_ASSERT(!"the reader waited");
}

static const struct xencons_ops reader_ops = {
    .notify = reader_notify, .wait = reader_wait, .now = writer_now,
};

/*
 * A stall (stats.stalls went up by one during an operation) is declared
 * only when the last wait's deadline has come; the writer is then STALLED.
 */
static void check_stall(uint32_t stalls_before)
{
    FUZZ_ASSERT(S.w.stats.stalls - stalls_before <= 1);
    if ( S.w.stats.stalls != stalls_before )
    {
        FUZZ_ASSERT(S.op_waits > 0);
        FUZZ_ASSERT(S.clock >= S.last_deadline);
        FUZZ_ASSERT(S.w.state == XENCONS_STALLED ||
                    S.w.state == XENCONS_CORRUPT);
    }
}

/* --- checks after every operation ----------------------------------------- */

static void check_state(void)
{
    const struct xencons_writer *w = &S.w;
    const struct xencons_reader *r = &S.r;

    FUZZ_ASSERT(FAKE_PAGE_INTACT(page));

    FUZZ_ASSERT(w->stats.bytes == S.w_bytes);
    FUZZ_ASSERT(w->stats.dropped == S.w_dropped);
    FUZZ_ASSERT(w->stats.notifications == S.w_notifies);
    FUZZ_ASSERT(w->stats.stalls <= S.waits);
    FUZZ_ASSERT(w->stats.full_waits <= S.waits);
    FUZZ_ASSERT(r->stats.bytes == S.r_bytes);
    FUZZ_ASSERT(r->stats.notifications == S.r_notifies);

    FUZZ_ASSERT(w->state == XENCONS_OK || w->state == XENCONS_STALLED ||
                w->state == XENCONS_CORRUPT);
    FUZZ_ASSERT(r->state == XENCONS_OK || r->state == XENCONS_CORRUPT);
    if ( w->state == XENCONS_CORRUPT )
        FUZZ_ASSERT(w->bad_prod - w->bad_cons > OUT_SIZE);
    if ( r->state == XENCONS_CORRUPT )
        FUZZ_ASSERT(r->bad_prod - r->bad_cons > IN_SIZE);

    if ( S.good )
    {
        FUZZ_ASSERT(w->state != XENCONS_CORRUPT);
        FUZZ_ASSERT(r->state != XENCONS_CORRUPT);
        /* Everything written and not yet taken is in the ring. */
        FUZZ_ASSERT(page.intf.out_prod == S.watch.prod);
        FUZZ_ASSERT(S.accepted - S.consumed ==
                    (XENCONS_RING_IDX)(page.intf.out_prod - page.intf.out_cons));
        FUZZ_ASSERT(S.produced - S.taken ==
                    (XENCONS_RING_IDX)(page.intf.in_prod - page.intf.in_cons));
    }
}

/* --- operations ----------------------------------------------------------- */

static void op_write(size_t len)
{
    struct xencons_writer *w = &S.w;
    enum xencons_state before = w->state;
    XENCONS_RING_IDX bad_prod = w->bad_prod, bad_cons = w->bad_cons;
    uint64_t waits = S.waits;
    uint32_t stalls = w->stats.stalls;
    char *buf = malloc(len ? len : 1);     /* exact: ASan sees an over-read */
    size_t ret;

    for ( size_t i = 0; i < len; i++ )
        buf[i] = (char)fuzz_pattern(S.offered + i);
    S.offered += len;

    S.op_waits = 0;
    fake_watch_call(&S.watch, buf, len);
    ret = xencons_write(w, buf, len);
    checkpoint_verify();
    fake_watch_end(&S.watch);
    check_stall(stalls);

    FUZZ_ASSERT(ret <= len);
    FUZZ_ASSERT(ret == S.watch.done);
    S.w_bytes += ret;
    if ( ret < len )
        FUZZ_ASSERT(w->state != XENCONS_OK);
    if ( ret < len && w->state == XENCONS_STALLED )
        S.w_dropped += len - ret;
    if ( before == XENCONS_CORRUPT )
    {
        FUZZ_ASSERT(ret == 0 || len == 0);
        FUZZ_ASSERT(w->state == XENCONS_CORRUPT);
        FUZZ_ASSERT(w->bad_prod == bad_prod && w->bad_cons == bad_cons);
        FUZZ_ASSERT(S.waits == waits);
    }
    free(buf);
}

static void op_read(size_t len)
{
    struct xencons_reader *r = &S.r;
    enum xencons_state before = r->state;
    XENCONS_RING_IDX bad_prod = r->bad_prod, bad_cons = r->bad_cons;
    XENCONS_RING_IDX prod = page.intf.in_prod, cons = page.intf.in_cons;
    XENCONS_RING_IDX avail = prod - cons;
    uint64_t notifies = S.r_notifies;
    char *buf = malloc(len ? len : 1);
    static struct xencons_interface cp;
    size_t n;

    cp = page.intf;
    n = xencons_read(r, buf, len);

    FUZZ_ASSERT(n <= len);
    /* The reader changes in_cons and nothing else in the page. */
    FUZZ_ASSERT(memcmp(page.intf.in, cp.in, IN_SIZE) == 0);
    FUZZ_ASSERT(memcmp(page.intf.out, cp.out, OUT_SIZE) == 0);
    FUZZ_ASSERT(page.intf.in_prod == prod);
    FUZZ_ASSERT(page.intf.out_prod == cp.out_prod);
    FUZZ_ASSERT(page.intf.out_cons == cp.out_cons);
    FUZZ_ASSERT(page.intf.in_cons == cons + (XENCONS_RING_IDX)n);

    if ( before == XENCONS_CORRUPT )
    {
        FUZZ_ASSERT(n == 0);
        FUZZ_ASSERT(r->state == XENCONS_CORRUPT);
        FUZZ_ASSERT(r->bad_prod == bad_prod && r->bad_cons == bad_cons);
    }
    else if ( len == 0 )
    {
        FUZZ_ASSERT(n == 0);
        FUZZ_ASSERT(r->state == before);
    }
    else if ( avail > IN_SIZE )
    {
        FUZZ_ASSERT(n == 0);
        FUZZ_ASSERT(r->state == XENCONS_CORRUPT);
        FUZZ_ASSERT(r->bad_prod == prod && r->bad_cons == cons);
    }
    else
    {
        FUZZ_ASSERT(n == MIN((size_t)avail, len));
        for ( size_t i = 0; i < n; i++ )
        {
            FUZZ_ASSERT(buf[i] == page.intf.in[IN_SLOT(cons + i)]);
            if ( S.good )
                FUZZ_ASSERT((uint8_t)buf[i] == fuzz_pattern(S.taken + i));
        }
        S.taken += n;
    }

    /* One notification for every read that freed space. */
    FUZZ_ASSERT(S.r_notifies == notifies + (n > 0));
    S.r_bytes += n;
    free(buf);
}

static void op_flush(uint64_t limit)
{
    struct xencons_writer *w = &S.w;
    enum xencons_state before = w->state;
    XENCONS_RING_IDX bad_prod = w->bad_prod, bad_cons = w->bad_cons;
    uint64_t waits = S.waits, start = S.clock;
    uint32_t stalls = w->stats.stalls, timeouts = w->stats.flush_timeouts;
    bool ok;

    S.op_waits = 0;
    checkpoint_take();
    ok = xencons_flush(w, limit);
    checkpoint_verify();
    check_stall(stalls);

    /* Flush kicks first, unless the ring was already given up on. */
    FUZZ_ASSERT(before == XENCONS_CORRUPT || !w->unnotified);
    /* Within its limit, whatever the backend did. */
    FUZZ_ASSERT(S.clock - start <= limit);
    if ( ok )
    {
        FUZZ_ASSERT(S.watch.prod == page.intf.out_cons);
        FUZZ_ASSERT(w->state != XENCONS_CORRUPT);
        if ( S.good )
            FUZZ_ASSERT(S.consumed == S.accepted);
    }
    /* A writer still OK gave up only because its time was up. */
    if ( !ok && w->state == XENCONS_OK )
    {
        FUZZ_ASSERT(S.clock - start == limit);
        FUZZ_ASSERT(w->stats.flush_timeouts == timeouts + 1);
    }
    else
        FUZZ_ASSERT(w->stats.flush_timeouts == timeouts);
    if ( before == XENCONS_CORRUPT )
    {
        FUZZ_ASSERT(!ok);
        FUZZ_ASSERT(w->state == XENCONS_CORRUPT);
        FUZZ_ASSERT(w->bad_prod == bad_prod && w->bad_cons == bad_cons);
        FUZZ_ASSERT(S.waits == waits);
    }
}

static void op_kick(void)
{
    bool unnotified = S.w.unnotified;
    uint64_t notifies = S.w_notifies;

    checkpoint_take();
    xencons_kick(&S.w);
    checkpoint_verify();
    FUZZ_ASSERT(!S.w.unnotified);
    FUZZ_ASSERT(S.w_notifies == notifies + unnotified);
}

static void reinit(void)
{
    xencons_writer_init(&S.w, &page.intf, &writer_ops, STALL_NS);
    xencons_reader_init(&S.r, &page.intf, &reader_ops);
    fake_watch_init(&S.watch, &out_ring, &page.intf, sizeof(page.intf),
                    S.shadow_out);
    S.w_notifies = S.r_notifies = 0;
    S.waits = 0;
    S.w_bytes = S.w_dropped = S.r_bytes = 0;
}

static void run_op(uint8_t op)
{
    switch ( op % 12 )
    {
    case 0:
    case 1:
        op_write(fuzz_u16(&S.in) % (WRITE_MAX + 1));
        break;
    case 2:
        op_write(fuzz_u8(&S.in) % 64);     /* the common case: a short line */
        break;
    case 3:
        op_read((size_t)fuzz_u8(&S.in) * READ_MAX / 255);
        break;
    case 4:
        op_kick();
        break;
    case 5:
        op_flush(fuzz_u8(&S.in) * 100 * MS);    /* 0 to 25.5 s */
        break;
    case 6:                             /* the backend's own moves */
    case 7:
        if ( op % 12 == 6 )
            backend_consume(fuzz_u16(&S.in) % (2 * OUT_SIZE));
        else
            backend_produce(fuzz_u16(&S.in) % (2 * IN_SIZE));
        break;
    case 8:
    case 9:
    case 10:
        fuzz_hostile(&S.in, !S.good, &in_ring, &out_ring,
                     op % 12 - 8 + (fuzz_u8(&S.in) & 1 ? 3 : 0));
        break;
    default:
        /* The kernel never does this, but a fresh writer must cope with
         * whatever state the page was left in. */
        reinit();
        break;
    }
    check_state();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&S, 0, sizeof(S));
    S.in.p = data;
    S.in.n = size;
    S.good = !(fuzz_u8(&S.in) & 1);

    FAKE_PAGE_RESET(page);
    out_ring = FAKE_RING(page.intf.out, &page.intf.out_prod,
                         &page.intf.out_cons);
    in_ring = FAKE_RING(page.intf.in, &page.intf.in_prod, &page.intf.in_cons);
    if ( S.good )
    {
        /* Any start is valid as long as each ring starts empty. */
        page.intf.out_prod = page.intf.out_cons = fuzz_u32(&S.in);
        page.intf.in_prod = page.intf.in_cons = fuzz_u32(&S.in);
    }
    else
    {
        page.intf.out_prod = fuzz_u32(&S.in);
        page.intf.out_cons = fuzz_u32(&S.in);
        page.intf.in_prod = fuzz_u32(&S.in);
        page.intf.in_cons = fuzz_u32(&S.in);
    }

    reinit();
    while ( !fuzz_empty(&S.in) )
        run_op(fuzz_u8(&S.in));

    /* A well-behaved backend that keeps draining takes every byte. */
    if ( S.good )
    {
        backend_consume(OUT_SIZE);
        FUZZ_ASSERT(S.consumed == S.accepted);
        op_flush(10000 * MS);
        check_state();
    }
    return 0;
}
