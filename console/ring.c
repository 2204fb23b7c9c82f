/*
 * ring.c: the console's policies over its two byte rings: when to notify,
 * how long to wait, what to do with a backend that stops draining.
 *
 * Every access to the shared page goes through lib/byte_ring.c, which
 * reads the other side's index once, checks `prod - cons <= ring size`
 * and only then touches the ring. A ring that fails the check is marked
 * corrupt here and never touched again. Our index of the out ring is our
 * own (writer->prod): the page's out_prod is only written.
 *
 * Waiting is bounded in time, by the owner's clock (ops.now): a write gives
 * up after stall_ns without progress; a flush also after its own limit in
 * all, however the backend moves out_cons meanwhile.
 */
#include <tinypv/ring.h>
#include <lib/string.h>

#define OUT_SIZE    sizeof(((struct xencons_interface *)0)->out)

/* --- the writer: guest -> backend ----------------------------------------- */

void xencons_writer_init(struct xencons_writer *w,
                         struct xencons_interface *intf,
                         const struct xencons_ops *ops, uint64_t stall_ns)
{
    memset(w, 0, sizeof(*w));
    w->ops = *ops;
    w->stall_ns = stall_ns;
    w->state = XENCONS_OK;
    w->intf = intf;
    w->out = BYTE_RING(intf->out, &intf->out_prod, &intf->out_cons);
    w->prod = byte_ring_adopt_prod(&w->out);
}

void xencons_writer_attach(struct xencons_writer *w,
                           struct xencons_interface *intf)
{
    w->intf = intf;
    w->out = BYTE_RING(intf->out, &intf->out_prod, &intf->out_cons);
    w->prod = byte_ring_adopt_prod(&w->out);
    w->unnotified = true;
}

static void writer_mark_corrupt(struct xencons_writer *w,
                                XENCONS_RING_IDX prod, XENCONS_RING_IDX cons)
{
    w->state = XENCONS_CORRUPT;
    w->bad_prod = prod;
    w->bad_cons = cons;
}

/* Read out_cons once: the free space, or 0 with the ring marked corrupt. */
static size_t out_space(struct xencons_writer *w, XENCONS_RING_IDX *cons)
{
    size_t space;

    if ( !byte_ring_space(&w->out, w->prod, cons, &space) )
        writer_mark_corrupt(w, w->prod, *cons);
    return space;
}

void xencons_kick(struct xencons_writer *w)
{
/* LAB console BEGIN: notify once per write */
    if ( !w->unnotified )
        return;
    w->unnotified = false;
    w->stats.notifications++;
    w->ops.notify(w->ops.ctx);
#if 0 /* LAB console STUB */
    /*
     * LAB console: notify the backend (w->ops.notify) once for all the
     * bytes placed since the last notification (w->unnotified), and count
     * it in w->stats.notifications. No bytes placed: no notification.
     */
#endif /* LAB console END */
}

/*
 * A stalled backend that consumed something is alive again. With nothing
 * held back, the writer can simply carry on; bytes held while stalled must
 * go out first, after the owner's loss report: xencons_resume() does that.
 */
static void check_unstalled(struct xencons_writer *w, XENCONS_RING_IDX cons)
{
    if ( w->state == XENCONS_STALLED && w->hold_len == 0 &&
         cons != w->stalled_cons )
        w->state = XENCONS_OK;
}

/*
 * A run of waits for the backend, bounded by the clock. The first wait
 * since the last progress (attempt 0) starts the stall bound.
 */
struct wait_run {
    struct xencons_writer *w;
    uint64_t stall_at;          /* no progress until then: stalled */
};

/*
 * Wait once, until the backend signals or the earlier of the stall bound
 * and `limit` (0: none) passes. Returns false, with the writer STALLED and
 * out_cons remembered, if the stall bound has passed without progress.
 */
static bool wait_for_backend(struct wait_run *run, unsigned int attempt,
                             XENCONS_RING_IDX cons, uint64_t now,
                             uint64_t limit)
{
    struct xencons_writer *w = run->w;
    uint64_t deadline;

    if ( attempt == 0 )
        run->stall_at = now + w->stall_ns;
    else if ( now >= run->stall_at )
    {
        w->state = XENCONS_STALLED;
        w->stalled_cons = cons;
        w->stats.stalls++;
        return false;
    }
    deadline = limit ? MIN(run->stall_at, limit) : run->stall_at;
    w->ops.wait(w->ops.ctx, attempt, deadline);
    return true;
}

/* LAB console BEGIN: write into the ring, wait when it is full */
/* byte_ring_fill()'s callbacks, for ring_write(); ctx is a wait_run. */
static void out_placed(void *ctx, size_t n)
{
    struct xencons_writer *w = ((struct wait_run *)ctx)->w;

    w->unnotified = true;
    w->stats.bytes += n;
}

/* Full: make sure the backend knows there is work, then wait. */
static bool out_full(void *ctx, unsigned int attempt, uint32_t cons)
{
    struct wait_run *run = ctx;
    struct xencons_writer *w = run->w;

    xencons_kick(w);
    if ( attempt == 0 )
        w->stats.full_waits++;
    return wait_for_backend(run, attempt, cons, w->ops.now(w->ops.ctx), 0);
}

/*
 * Place bytes in the ring, waiting whenever it is full, until all are in,
 * the ring turns out corrupt or the backend made no progress for stall_ns
 * (the writer is then STALLED). Returns the number placed. Only for a
 * writer that is OK.
 */
static size_t ring_write(struct xencons_writer *w, const char *buf, size_t len)
{
    static const struct byte_ring_filler filler = { out_placed, out_full };
    struct wait_run run = { .w = w };
    struct byte_ring_fill fill;

    if ( byte_ring_fill(&w->out, &w->prod, buf, len, &filler, &run, &fill) ==
         BYTE_RING_CORRUPT )
        writer_mark_corrupt(w, w->prod, fill.cons);
    return fill.done;
}

#if 0 /* LAB console STUB */
/*
 * LAB console: place bytes in the ring, waiting whenever it is full, until
 * all are in, the ring turns out corrupt (writer_mark_corrupt()) or the
 * backend made no progress for stall_ns (wait_for_backend() returns false
 * and the writer is then STALLED). Returns the number placed. Only for a
 * writer that is OK. byte_ring_space() reads out_cons once and checks it,
 * byte_ring_put() copies with the wrap and publishes out_prod;
 * byte_ring_fill() is the loop over both, with your callbacks. Set
 * w->unnotified when bytes went in (xencons_kick() then notifies), kick
 * before waiting on a full ring, count w->stats.bytes and full_waits.
 */
static size_t ring_write(struct xencons_writer *w, const char *buf, size_t len)
{
    (void)wait_for_backend;         /* yours to use */
    return 0;
}

#endif /* LAB console END */

/*
 * While stalled: keep the newest hold_size bytes. What no longer fits
 * pushes the oldest held bytes out; those are the bytes lost.
 */
static void hold_put(struct xencons_writer *w, const char *buf, size_t len)
{
    size_t excess, at, first;

    if ( len >= w->hold_size )
    {
        w->stats.dropped += w->hold_len + (len - w->hold_size);
        buf += len - w->hold_size;
        len = w->hold_size;
        w->hold_start = 0;
        w->hold_len = 0;
    }
    else if ( w->hold_len + len > w->hold_size )
    {
        excess = w->hold_len + len - w->hold_size;
        w->hold_start = (w->hold_start + excess) % w->hold_size;
        w->hold_len -= excess;
        w->stats.dropped += excess;
    }
    if ( len == 0 )
        return;
    at = (w->hold_start + w->hold_len) % w->hold_size;
    first = MIN(len, w->hold_size - at);
    memcpy(w->hold + at, buf, first);
    memcpy(w->hold, buf + first, len - first);
    w->hold_len += len;
}

void xencons_writer_set_hold(struct xencons_writer *w, char *buf, size_t size)
{
    w->hold = buf;
    w->hold_size = buf ? size : 0;
    w->hold_start = w->hold_len = 0;
}

size_t xencons_write(struct xencons_writer *w, const char *buf, size_t len)
{
    size_t done = 0;
    XENCONS_RING_IDX cons;

    if ( w->state == XENCONS_CORRUPT )
        return 0;                   /* left alone: not even read again */
    if ( w->state == XENCONS_STALLED && w->hold_len == 0 )
    {
        out_space(w, &cons);
        if ( w->state == XENCONS_CORRUPT )
            return 0;
        check_unstalled(w, cons);
    }
    if ( w->state == XENCONS_OK )
        done = ring_write(w, buf, len);
    if ( w->state != XENCONS_STALLED || done == len )
        return done;

    /* Nobody is draining: do not wait again, keep the kernel going. */
    if ( w->hold_size == 0 )
    {
        w->stats.dropped += len - done;
        return done;
    }
    hold_put(w, buf + done, len - done);
    return len;
}

bool xencons_stall_over(struct xencons_writer *w)
{
    XENCONS_RING_IDX cons;

    if ( w->state != XENCONS_STALLED )
        return false;
    out_space(w, &cons);
    return w->state == XENCONS_STALLED && cons != w->stalled_cons;
}

bool xencons_resume(struct xencons_writer *w, const char *report, size_t len)
{
    size_t piece, done;

    if ( w->state != XENCONS_STALLED )
        return w->state == XENCONS_OK;
    w->state = XENCONS_OK;
    ring_write(w, report, len);
    while ( w->hold_len && w->state == XENCONS_OK )
    {
        piece = MIN(w->hold_len, w->hold_size - w->hold_start);
        done = ring_write(w, w->hold + w->hold_start, piece);
        w->hold_start = (w->hold_start + done) % w->hold_size;
        w->hold_len -= done;
    }
    if ( w->hold_len == 0 )
        w->hold_start = 0;
    return w->state == XENCONS_OK;
}

void xencons_announce(struct xencons_writer *w)
{
    w->unnotified = false;
    w->stats.notifications++;
    w->ops.notify(w->ops.ctx);
}

/*
 * Two bounds: the stall bound, restarted whenever out_cons moves (a slow
 * backend is not a dead one), and the flush's own limit, which nothing
 * restarts: a backend that keeps moving out_cons without ever reaching our
 * index (or one that is merely too slow) cannot hold the caller longer.
 */
/* LAB console BEGIN: flush before shutdown */
bool xencons_flush(struct xencons_writer *w, uint64_t limit_ns)
{
    XENCONS_RING_IDX cons, last_cons = 0;
    struct wait_run run = { .w = w };
    unsigned int attempt = 0;
    uint64_t now, end;

    if ( w->state == XENCONS_CORRUPT )
        return false;
    xencons_kick(w);
    end = w->ops.now(w->ops.ctx) + limit_ns;
    for ( ;; )
    {
        out_space(w, &cons);
        if ( w->state == XENCONS_CORRUPT )
            return false;
        check_unstalled(w, cons);
        /* Equality, not `cons < prod`: the indices wrap at 2^32. */
        if ( cons == w->prod )
            return true;
        if ( w->state == XENCONS_STALLED )
            return false;
        if ( attempt > 0 && cons != last_cons )
            attempt = 0;            /* progress: the stall bound starts again */
        last_cons = cons;
        now = w->ops.now(w->ops.ctx);
        if ( now >= end )
        {
            w->stats.flush_timeouts++;
            return false;
        }
        if ( !wait_for_backend(&run, attempt++, cons, now, end) )
            return false;
    }
}

#if 0 /* LAB console STUB */
bool xencons_flush(struct xencons_writer *w, uint64_t limit_ns)
{
    /*
     * LAB console: kick, then wait (wait_for_backend()) until the backend
     * has taken every byte (out_cons == w->prod: equality, the indices
     * wrap) and return true; false if the ring is corrupt, the backend
     * stalls, or limit_ns passes in all (count w->stats.flush_timeouts).
     * Shutdown calls this so that its last line is not lost.
     */
    return false;
}

#endif /* LAB console END */

size_t xencons_unconsumed(struct xencons_writer *w)
{
    XENCONS_RING_IDX cons;
    size_t space;

    if ( w->state == XENCONS_CORRUPT )
        return 0;
    space = out_space(w, &cons);
    return w->state == XENCONS_CORRUPT ? 0 : OUT_SIZE - space;
}

/* --- the reader: backend -> guest ----------------------------------------- */

void xencons_reader_init(struct xencons_reader *r,
                         struct xencons_interface *intf,
                         const struct xencons_ops *ops)
{
    memset(r, 0, sizeof(*r));
    r->ops = *ops;
    r->state = XENCONS_OK;
    xencons_reader_attach(r, intf);
}

void xencons_reader_attach(struct xencons_reader *r,
                           struct xencons_interface *intf)
{
    r->intf = intf;
    r->in = BYTE_RING(intf->in, &intf->in_prod, &intf->in_cons);
}

/* LAB events BEGIN: read console input, the index checks first */
size_t xencons_read(struct xencons_reader *r, char *buf, size_t len)
{
    XENCONS_RING_IDX prod, cons;
    size_t avail, n;

    if ( r->state == XENCONS_CORRUPT || len == 0 )
        return 0;

    if ( !byte_ring_avail(&r->in, &prod, &cons, &avail) )
    {
        r->state = XENCONS_CORRUPT;
        r->bad_prod = prod;
        r->bad_cons = cons;
        return 0;
    }
    if ( avail == 0 )
        return 0;

    n = MIN(avail, len);
    byte_ring_get(&r->in, prod, cons, buf, n);
    byte_ring_consume(&r->in, cons + (XENCONS_RING_IDX)n);
    r->stats.bytes += n;
    r->stats.notifications++;
    r->ops.notify(r->ops.ctx);
    return n;
}

#if 0 /* LAB events STUB */
/*
 * LAB events: the console's input, from xenconsoled's `in` ring into buf.
 * Take up to len bytes of what is there and return how many you took
 * (0: nothing, or a reader that is CORRUPT, or len 0). The ring's
 * in_prod is dom0's and untrusted: byte_ring_avail() reads it once, with
 * acquire, and checks `prod - cons <= ring size`; when it says no, mark
 * the reader XENCONS_CORRUPT with the two indices it read (r->bad_prod,
 * r->bad_cons) and never touch the ring again. byte_ring_get() copies
 * with the wrap, byte_ring_consume() publishes the new in_cons (after
 * the copy: a release store). Then tell xenconsoled that there is room
 * (r->ops.notify), and count r->stats.bytes and r->stats.notifications.
 */
size_t xencons_read(struct xencons_reader *r, char *buf, size_t len)
{
    return 0;
}
#endif /* LAB events END */
