/*
 * byte_ring.c: the index checks, copies and fill loop of a shared byte
 * ring, for the console and xenstore rings alike (see byte_ring.h).
 *
 * The wrapped copies are Xen's own: DEFINE_XEN_FLEX_RING() in
 * <xen/io/ring.h> (which <xen/io/console.h> instantiates as xencons_* under
 * XEN_WANT_FLEX_CONSOLE_RING) provides _mask(), _read_packet() and
 * _write_packet(). They take every index as an argument and read nothing
 * from the shared page themselves, so they run under our discipline: the
 * other side's index is read here, once, checked, and only then masked and
 * handed to them. We instantiate the macro once under our own name rather
 * than use the console's xencons_* copy, since the same code serves
 * xenstore's rings. Two things we do not take from it:
 *  - _queued() masks both indices before subtracting, so any pair, however
 *    corrupt, yields a plausible count in [0, size]; the check has to be
 *    made on the unmasked difference, which after the check is the count;
 *  - barriers: the flex functions have none (they are copies); the acquire
 *    read of the other side's index and the release store of ours are here.
 * Their types fit as they are: RING_IDX is unsigned int, our indices
 * uint32_t; the shared arrays are char and the copies take unsigned char,
 * hence the casts at the two calls.
 */
#include <lib/byte_ring.h>
#include <lib/string.h>             /* memcpy, for the flex ring's copies */
#include <tinypv/barrier.h>
#include <xen/io/ring.h>

/* Of the functions it defines, _get_ring_ptr() and _queued() go unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
DEFINE_XEN_FLEX_RING(flex);
#pragma GCC diagnostic pop

uint32_t byte_ring_adopt_prod(const struct byte_ring *r)
{
    return read_once(r->prod);
}

/* --- the producer --------------------------------------------------------- */

/*
 * The consumer's index with acquire: our writes into the space it frees
 * cannot move before the read that showed the space free. Inlined into
 * byte_ring_fill() (as is put_bytes()), which runs once per console write.
 */
static inline bool free_space(const struct byte_ring *r, uint32_t prod,
                              uint32_t *cons, size_t *room)
{
    uint32_t used;

    *cons = load_acquire(r->cons);
    used = prod - *cons;
    if ( used > r->size )
    {
        *room = 0;
        return false;
    }
    *room = r->size - used;
    return true;
}

static inline uint32_t put_bytes(const struct byte_ring *r, uint32_t prod,
                                 uint32_t cons, const void *buf, size_t n)
{
    RING_IDX at = flex_mask(prod, r->size);

    flex_write_packet((unsigned char *)r->data, buf, n, &at,
                      flex_mask(cons, r->size), r->size);
    prod += (uint32_t)n;
    /* Release: the bytes are in the ring before the consumer sees prod. */
    store_release(r->prod, prod);
    return prod;
}

bool byte_ring_space(const struct byte_ring *r, uint32_t prod, uint32_t *cons,
                     size_t *room)
{
    return free_space(r, prod, cons, room);
}

uint32_t byte_ring_put(const struct byte_ring *r, uint32_t prod, uint32_t cons,
                       const void *buf, size_t n)
{
    return put_bytes(r, prod, cons, buf, n);
}

enum byte_ring_end byte_ring_fill(const struct byte_ring *r, uint32_t *prod,
                                  const void *buf, size_t len,
                                  const struct byte_ring_filler *f, void *ctx,
                                  struct byte_ring_fill *out)
{
    enum byte_ring_end end = BYTE_RING_DONE;
    const char *bytes = buf;
    unsigned int attempt = 0;
    size_t done = 0, room, n;
    uint32_t cons = 0;

    while ( done < len )
    {
        if ( !free_space(r, *prod, &cons, &room) )
        {
            end = BYTE_RING_CORRUPT;
            break;
        }
        if ( room )
        {
            n = MIN(room, len - done);
            *prod = put_bytes(r, *prod, cons, bytes + done, n);
            done += n;
            attempt = 0;            /* progress: the next wait is a first */
            f->placed(ctx, n);
            continue;
        }
        if ( !f->full(ctx, attempt++, cons) )
        {
            end = BYTE_RING_STOPPED;
            break;
        }
    }
    out->done = done;
    out->cons = cons;
    return end;
}

/* --- the consumer --------------------------------------------------------- */

/*
 * The producer's index with acquire: the bytes up to it are visible once
 * we have read it. Our own index needs no ordering: only we write it.
 */
bool byte_ring_avail(const struct byte_ring *r, uint32_t *prod, uint32_t *cons,
                     size_t *avail)
{
    uint32_t used;

    *prod = load_acquire(r->prod);
    *cons = read_once(r->cons);
    used = *prod - *cons;
    if ( used > r->size )
    {
        *avail = 0;
        return false;
    }
    *avail = used;
    return true;
}

void byte_ring_get(const struct byte_ring *r, uint32_t prod, uint32_t cons,
                   void *buf, size_t n)
{
    RING_IDX at = flex_mask(cons, r->size);

    flex_read_packet(buf, (const unsigned char *)r->data, n,
                     flex_mask(prod, r->size), &at, r->size);
}

/* Release: we are done reading the bytes before the producer may reuse them. */
void byte_ring_consume(const struct byte_ring *r, uint32_t cons)
{
    store_release(r->cons, cons);
}
