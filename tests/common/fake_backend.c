/*
 * fake_backend.c: the backend's side of a shared ring (see fake_backend.h).
 *
 * The atomics are spelled out here rather than taken from
 * include/tinypv/barrier.h: the stress test's canary builds the kernel's
 * ring code against a barrier.h with every barrier removed, and the
 * backend must keep its own.
 */
#include <string.h>
#include <sanitizer/asan_interface.h>
#include "fake_backend.h"

#define MIN(a, b)   ((a) < (b) ? (a) : (b))

static uint32_t acquire(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static uint32_t relaxed(const uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void release(uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Copy n <= size bytes out of the ring from index at, wrapping. */
static void copy_out(const struct fake_ring *r, uint32_t at, void *dst,
                     size_t n)
{
    size_t off = at & (r->size - 1), first = MIN(n, r->size - off);

    memcpy(dst, r->data + off, first);
    memcpy((char *)dst + first, r->data, n - first);
}

/* Copy n <= size bytes into the ring from index at, wrapping. */
static void copy_in(const struct fake_ring *r, uint32_t at, const void *src,
                    size_t n)
{
    size_t off = at & (r->size - 1), first = MIN(n, r->size - off);

    memcpy(r->data + off, src, first);
    memcpy(r->data, (const char *)src + first, n - first);
}

/* --- the guest's ring ----------------------------------------------------- */

size_t fake_queued(const struct fake_ring *r)
{
    uint32_t used = acquire(r->prod) - relaxed(r->cons);

    return used > r->size ? FAKE_CORRUPT : used;
}

size_t fake_take(const struct fake_ring *r, void *dst, size_t max)
{
    uint32_t prod = acquire(r->prod), cons = relaxed(r->cons);
    size_t n;

    if ( prod - cons > r->size )
        return FAKE_CORRUPT;
    n = MIN((size_t)(prod - cons), max);
    if ( dst )
        copy_out(r, cons, dst, n);
    release(r->cons, cons + (uint32_t)n);
    return n;
}

void fake_drain(const struct fake_ring *r, void *sink, size_t size,
                size_t *len, size_t max)
{
    size_t n = fake_take(r, (char *)sink + *len, MIN(max, size - *len));

    if ( n != FAKE_CORRUPT )
        *len += n;
}

/* --- the backend's ring --------------------------------------------------- */

size_t fake_room(const struct fake_ring *r)
{
    uint32_t used = relaxed(r->prod) - acquire(r->cons);

    return used > r->size ? FAKE_CORRUPT : r->size - used;
}

size_t fake_give(const struct fake_ring *r, const void *src, size_t n)
{
    uint32_t cons = acquire(r->cons), prod = relaxed(r->prod);

    if ( prod - cons > r->size )
        return FAKE_CORRUPT;
    n = MIN(n, (size_t)(r->size - (prod - cons)));
    copy_in(r, prod, src, n);
    release(r->prod, prod + (uint32_t)n);
    return n;
}

void fake_force(const struct fake_ring *r, const void *src, size_t n)
{
    uint32_t prod = relaxed(r->prod);
    size_t done, piece;

    for ( done = 0; done < n; done += piece )
    {
        piece = MIN(n - done, (size_t)r->size);
        copy_in(r, prod + (uint32_t)done, (const char *)src + done, piece);
    }
    release(r->prod, prod + (uint32_t)n);
}

/* --- a hostile backend ---------------------------------------------------- */

bool fake_bad_indices(uint32_t size, unsigned int i, uint32_t *prod,
                      uint32_t *cons)
{
    static const uint32_t far[][2] = {
        { 3000, 0 },                    /* more than any ring here holds */
        { 0, 1 },                       /* cons ahead of prod */
        { 0x80000000u, 0 },
        { 5, 0xFFFFFFFFu - 5000 },      /* across 2^32 */
        { 0x7FFFFFFFu, 0x80000000u },
    };

    if ( i == 0 )
    {
        *prod = size + 1;               /* one byte too many */
        *cons = 0;
        return true;
    }
    if ( i > sizeof(far) / sizeof(far[0]) )
        return false;
    *prod = far[i - 1][0];
    *cons = far[i - 1][1];
    return true;
}

static uint32_t *index_ptr(const struct fake_ring *a, const struct fake_ring *b,
                           unsigned int which)
{
    switch ( which & 3 )
    {
    case 0: return a->cons;
    case 1: return a->prod;
    case 2: return b->cons;
    default: return b->prod;
    }
}

static void scribble(const struct fake_ring *r, unsigned int byte,
                     uint32_t value)
{
    size_t off = value & (r->size - 1);

    memset(r->data + off, (int)byte, MIN(r->size - off, (value >> 16) & 0xff));
}

void fake_hostile(const struct fake_ring *a, const struct fake_ring *b,
                  unsigned int kind, unsigned int which, uint32_t value)
{
    uint32_t *idx = index_ptr(a, b, which);
    uint32_t other = *index_ptr(a, b, which ^ 1);

    switch ( kind % 4 )
    {
    case 0:                         /* any value at all */
        *idx = value;
        break;
    case 1:                         /* next to the limits */
        *idx += (uint32_t)(int16_t)value;
        break;
    case 2:                         /* relative to the other index */
        if ( which & 2 )
            *idx = other + (uint32_t)(int16_t)value;
        else
            *idx = other - (uint32_t)(int16_t)value;
        break;
    default:                        /* scribble over both rings */
        scribble(b, which, value);
        scribble(a, which, value);
        break;
    }
}

/* --- watching the guest's writer ------------------------------------------- */

void fake_watch_init(struct fake_watch *w, const struct fake_ring *ring,
                     const void *page, size_t size, uint8_t *shadow)
{
    w->ring = ring;
    w->page = page;
    w->size = MIN(size, sizeof(w->snap));
    w->prod = relaxed(ring->prod);
    w->want = NULL;
    w->want_len = w->done = 0;
    w->shadow = shadow;
    fake_watch_snap(w);
}

void fake_watch_snap(struct fake_watch *w)
{
    memcpy(w->snap, w->page, w->size);
}

void fake_watch_call(struct fake_watch *w, const void *buf, size_t len)
{
    w->want = buf;
    w->want_len = len;
    w->done = 0;
    fake_watch_snap(w);
}

void fake_watch_end(struct fake_watch *w)
{
    w->want = NULL;
}

/* The offset in the page of p, and what the snap holds there. */
static size_t page_off(const struct fake_watch *w, const void *p)
{
    return (size_t)((const char *)p - (const char *)w->page);
}

static uint32_t snap_u32(const struct fake_watch *w, const uint32_t *p)
{
    uint32_t v;

    memcpy(&v, w->snap + page_off(w, p), sizeof(v));
    return v;
}

/* Nothing outside the ring's bytes and its prod changed since the snap. */
static bool rest_unchanged(const struct fake_watch *w)
{
    const unsigned char *now = w->page;
    size_t data = page_off(w, w->ring->data), prod = page_off(w, w->ring->prod);

    for ( size_t i = 0; i < w->size; i++ )
    {
        if ( (i >= data && i < data + w->ring->size) ||
             (i >= prod && i < prod + sizeof(uint32_t)) )
            continue;
        if ( now[i] != w->snap[i] )
            return false;
    }
    return true;
}

const char *fake_watch_check(struct fake_watch *w, uint32_t writer_prod,
                             uint32_t *delta)
{
    const struct fake_ring *r = w->ring;
    const char *before = (const char *)w->snap + page_off(w, r->data);
    uint32_t used = w->prod - snap_u32(w, r->cons), slot;

    *delta = writer_prod - w->prod;
    if ( !rest_unchanged(w) )
        return "the writer changed more than its ring and its prod";
    if ( *delta == 0 )
    {
        if ( *r->prod != snap_u32(w, r->prod) )
            return "prod moved, and nothing was published";
        if ( memcmp(r->data, before, r->size) != 0 )
            return "the ring changed, and nothing was published";
        return NULL;
    }
    if ( !w->want || used > r->size )
        return "bytes published outside a write, or into a corrupt ring";
    if ( *delta > r->size - used )
        return "more published than there was room for";
    if ( *delta > w->want_len - w->done )
        return "more published than the writer was asked to write";
    if ( *r->prod != w->prod + *delta )
        return "prod is not the end of what was published";
    for ( uint32_t i = 0; i < r->size; i++ )
    {
        slot = (w->prod + i) & (r->size - 1);
        if ( i < *delta && (uint8_t)r->data[slot] != w->want[w->done + i] )
            return "a published byte is not the writer's next byte";
        if ( i >= *delta && r->data[slot] != before[slot] )
            return "a slot after the published bytes changed";
        if ( i < *delta && w->shadow )
            w->shadow[slot] = w->want[w->done + i];
    }
    w->done += *delta;
    w->prod += *delta;
    return NULL;
}

/* --- a page between two guards -------------------------------------------- */

void fake_page_reset(void *page, size_t size, size_t off, size_t len)
{
    unsigned char *p = page;

    ASAN_UNPOISON_MEMORY_REGION(p, size);
    memset(p, FAKE_GUARD_BYTE, size);
    memset(p + off, 0, len);
    ASAN_POISON_MEMORY_REGION(p, off);
    ASAN_POISON_MEMORY_REGION(p + off + len, size - off - len);
}

/* Unpoison to look, then poison again. */
static bool guard_intact(unsigned char *g, size_t n)
{
    bool ok = true;

    ASAN_UNPOISON_MEMORY_REGION(g, n);
    for ( size_t i = 0; i < n; i++ )
        if ( g[i] != FAKE_GUARD_BYTE )
            ok = false;
    ASAN_POISON_MEMORY_REGION(g, n);
    return ok;
}

bool fake_page_intact(void *page, size_t size, size_t off, size_t len)
{
    unsigned char *p = page;
    bool before = guard_intact(p, off);

    return guard_intact(p + off + len, size - off - len) && before;
}
