/*
 * ring.c: lock-free single-producer/single-consumer access to the console
 * rings, with every index from the shared page treated as untrusted.
 *
 * The shared page belongs to us and to dom0 at the same time, and dom0 may
 * be buggy or hostile. So each decision reads the other side's index once
 * (into a local), checks `prod - cons <= ring size`, and only then uses the
 * index, masked, to touch the ring. A ring that fails the check is marked
 * corrupt and never touched again: we neither crash nor write outside it.
 * Our own index of the out ring is kept privately (writer->prod): the page's
 * out_prod is only written, so a backend that rewrites it changes nothing
 * for us.
 *
 * Waiting is bounded in time, by the owner's clock (ops.now): a write gives
 * up after stall_ns without progress; a flush also after its own limit in
 * all, however the backend moves out_cons meanwhile.
 */
#include <tinypv/ring.h>
#include <tinypv/barrier.h>
#include <lib/string.h>

#define OUT_SIZE    sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE     sizeof(((struct xencons_interface *)0)->in)

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
    w->prod = read_once(&intf->out_prod);
}

void xencons_writer_attach(struct xencons_writer *w,
                           struct xencons_interface *intf)
{
    w->intf = intf;
    w->prod = read_once(&intf->out_prod);
    w->unnotified = true;
}

static void writer_mark_corrupt(struct xencons_writer *w,
                                XENCONS_RING_IDX prod, XENCONS_RING_IDX cons)
{
    w->state = XENCONS_CORRUPT;
    w->bad_prod = prod;
    w->bad_cons = cons;
}

/*
 * Read out_cons once and return the free space, or mark the ring corrupt
 * and return 0. out_cons is the backend's; reading it with acquire keeps
 * our writes into the space it frees after the read. The producer index is
 * our own.
 */
static size_t out_space(struct xencons_writer *w, XENCONS_RING_IDX *cons)
{
    XENCONS_RING_IDX used;

    *cons = load_acquire(&w->intf->out_cons);
    used = w->prod - *cons;
    if ( used > OUT_SIZE )
    {
        writer_mark_corrupt(w, w->prod, *cons);
        return 0;
    }
    return OUT_SIZE - used;
}

/* Copy n bytes (n <= free space) at our index, wrapping, then publish them. */
static void out_put(struct xencons_writer *w, const char *buf, size_t n)
{
    size_t off = MASK_XENCONS_IDX(w->prod, w->intf->out);
    size_t first = MIN(n, OUT_SIZE - off);

    memcpy(w->intf->out + off, buf, first);
    memcpy(w->intf->out, buf + first, n - first);
    w->prod += (XENCONS_RING_IDX)n;
    /* Release: the bytes are in the ring before the backend sees out_prod. */
    store_release(&w->intf->out_prod, w->prod);
    w->unnotified = true;
    w->stats.bytes += n;
}

void xencons_kick(struct xencons_writer *w)
{
    if ( !w->unnotified )
        return;
    w->unnotified = false;
    w->stats.notifications++;
    w->ops.notify(w->ops.ctx);
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
 * A run of waits for the backend, bounded by the clock. `attempt` counts
 * the waits since the last progress (the caller sets it back to 0 on
 * progress); the first of a run starts the stall bound.
 */
struct wait_run {
    unsigned int attempt;
    uint64_t stall_at;          /* no progress until then: stalled */
};

/*
 * Wait once, until the backend signals or the earlier of the stall bound
 * and `limit` (0: none) passes. Returns false, with the writer STALLED and
 * out_cons remembered, if the stall bound has passed without progress.
 */
static bool wait_for_backend(struct xencons_writer *w, struct wait_run *run,
                             XENCONS_RING_IDX cons, uint64_t now,
                             uint64_t limit)
{
    uint64_t deadline;

    if ( run->attempt == 0 )
        run->stall_at = now + w->stall_ns;
    else if ( now >= run->stall_at )
    {
        w->state = XENCONS_STALLED;
        w->stalled_cons = cons;
        w->stats.stalls++;
        return false;
    }
    deadline = limit ? MIN(run->stall_at, limit) : run->stall_at;
    w->ops.wait(w->ops.ctx, run->attempt++, deadline);
    return true;
}

/*
 * Place bytes in the ring, waiting whenever it is full, until all are in,
 * the ring turns out corrupt or the backend made no progress for stall_ns
 * (the writer is then STALLED). Returns the number placed. Only for a
 * writer that is OK.
 */
static size_t ring_write(struct xencons_writer *w, const char *buf, size_t len)
{
    size_t done = 0, space, n;
    struct wait_run run = { 0 };
    XENCONS_RING_IDX cons;

    while ( done < len && w->state == XENCONS_OK )
    {
        space = out_space(w, &cons);
        if ( w->state == XENCONS_CORRUPT )
            break;
        if ( space )
        {
            n = MIN(space, len - done);
            out_put(w, buf + done, n);
            done += n;
            run.attempt = 0;        /* progress: the stall bound starts again */
            continue;
        }
        /* Full: make sure the backend knows there is work, then wait. */
        xencons_kick(w);
        if ( run.attempt == 0 )
            w->stats.full_waits++;
        wait_for_backend(w, &run, cons, w->ops.now(w->ops.ctx), 0);
    }
    return done;
}

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
bool xencons_flush(struct xencons_writer *w, uint64_t limit_ns)
{
    XENCONS_RING_IDX cons, last_cons = 0;
    struct wait_run run = { 0 };
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
        if ( run.attempt > 0 && cons != last_cons )
            run.attempt = 0;        /* progress: the stall bound starts again */
        last_cons = cons;
        now = w->ops.now(w->ops.ctx);
        if ( now >= end )
        {
            w->stats.flush_timeouts++;
            return false;
        }
        if ( !wait_for_backend(w, &run, cons, now, end) )
            return false;
    }
}

size_t xencons_unconsumed(struct xencons_writer *w)
{
    XENCONS_RING_IDX cons;

    if ( w->state == XENCONS_CORRUPT )
        return 0;
    return OUT_SIZE - out_space(w, &cons);
}

/* --- the reader: backend -> guest ----------------------------------------- */

void xencons_reader_init(struct xencons_reader *r,
                         struct xencons_interface *intf,
                         const struct xencons_ops *ops)
{
    memset(r, 0, sizeof(*r));
    r->intf = intf;
    r->ops = *ops;
    r->state = XENCONS_OK;
}

size_t xencons_read(struct xencons_reader *r, char *buf, size_t len)
{
    XENCONS_RING_IDX prod, cons, avail;
    size_t off, first, n;

    if ( r->state == XENCONS_CORRUPT || len == 0 )
        return 0;

    /* Acquire: the bytes up to in_prod are visible once we have read it. */
    prod = load_acquire(&r->intf->in_prod);
    cons = read_once(&r->intf->in_cons);
    avail = prod - cons;
    if ( avail > IN_SIZE )
    {
        r->state = XENCONS_CORRUPT;
        r->bad_prod = prod;
        r->bad_cons = cons;
        return 0;
    }
    if ( avail == 0 )
        return 0;

    n = MIN((size_t)avail, len);
    off = MASK_XENCONS_IDX(cons, r->intf->in);
    first = MIN(n, IN_SIZE - off);
    memcpy(buf, r->intf->in + off, first);
    memcpy(buf + first, r->intf->in, n - first);

    /* Release: we are done reading the bytes before the backend may reuse them. */
    store_release(&r->intf->in_cons, cons + (XENCONS_RING_IDX)n);
    r->stats.bytes += n;
    r->stats.notifications++;
    r->ops.notify(r->ops.ctx);
    return n;
}
