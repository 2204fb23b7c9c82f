/*
 * byte_ring.h: one direction of a shared page, a ring of bytes between a
 * producer and a consumer that trust each other with nothing (pure logic).
 *
 * The console page (xencons_interface) and the xenstore page
 * (xenstore_domain_interface) each hold two such rings; console/ring.c and
 * xenstore/xs_ring.c build their protocols on this one module. Indices run
 * freely and wrap at 2^32; a byte's slot is its index masked to the ring's
 * size (a power of two); `prod - cons` is the number of bytes in the ring.
 *
 * The rules every function here follows:
 *  - the other side's index is read once per decision, with acquire, and
 *    `prod - cons <= size` is checked before it is used for anything; a
 *    failed check is reported to the caller, who stops using the ring;
 *  - the producer keeps its own index and only ever writes the page's
 *    copy (with release, after the bytes): a backend that rewrites it
 *    changes nothing for us. It is read back once, when a producer takes a
 *    page over (byte_ring_adopt_prod);
 *  - the consumer reads its own index back from the page (relaxed) and
 *    checks it with the producer's; it publishes it with release, once it
 *    is done with the bytes.
 */
#ifndef TINYPV_LIB_BYTE_RING_H
#define TINYPV_LIB_BYTE_RING_H

#include <tinypv/types.h>

struct byte_ring {
    char *data;                 /* size bytes in the shared page */
    uint32_t *prod, *cons;      /* the two indices, in the shared page */
    uint32_t size;              /* a power of two */
};

/* A ring of the array `ring` (an array, not a pointer: its size is taken). */
#define BYTE_RING(ring, prod_p, cons_p) \
    ((struct byte_ring){ (ring), (prod_p), (cons_p), sizeof(ring) })

/* --- the producer --------------------------------------------------------- */

/* The producer's index as the page has it: read once, to go on from. */
uint32_t byte_ring_adopt_prod(const struct byte_ring *r);

/*
 * Read the consumer's index once into *cons and check it against our
 * index prod. Returns false if prod - cons exceeds the size (*space is
 * then 0), else true with the free space in *space.
 */
bool byte_ring_space(const struct byte_ring *r, uint32_t prod, uint32_t *cons,
                     size_t *space);

/*
 * Copy n bytes into the slots from prod on, wrapping, and publish prod + n
 * (release). cons and n come from byte_ring_space(): n <= the free space.
 * Returns the new producer index.
 */
uint32_t byte_ring_put(const struct byte_ring *r, uint32_t prod, uint32_t cons,
                       const void *buf, size_t n);

/* What the owner of a producer does while byte_ring_fill() runs. */
struct byte_ring_filler {
    /* n more bytes were published (at least 1). */
    void (*placed)(void *ctx, size_t n);
    /*
     * The ring is full; cons is the consumer's index as just read. Wait
     * until the consumer may have made room (returning early is fine: the
     * indices are read again), or return false to stop. `attempt` counts
     * the calls since the last progress, from 0.
     */
    bool (*full)(void *ctx, unsigned int attempt, uint32_t cons);
};

enum byte_ring_end {
    BYTE_RING_DONE,             /* every byte is published */
    BYTE_RING_STOPPED,          /* full() returned false */
    BYTE_RING_CORRUPT,          /* the indices failed the check */
};

/* How a byte_ring_fill() went. */
struct byte_ring_fill {
    size_t done;                /* bytes published */
    uint32_t cons;              /* the consumer's index last read (with
                                   BYTE_RING_CORRUPT: the one that failed) */
};

/*
 * Publish len bytes at *prod (our index, advanced as they go), in as many
 * pieces as the free space allows, calling f->full(ctx, ...) whenever the
 * ring is full and f->placed(ctx, ...) after each piece.
 */
enum byte_ring_end byte_ring_fill(const struct byte_ring *r, uint32_t *prod,
                                  const void *buf, size_t len,
                                  const struct byte_ring_filler *f, void *ctx,
                                  struct byte_ring_fill *out);

/* --- the consumer --------------------------------------------------------- */

/*
 * Read the producer's index once (acquire) into *prod and ours from the
 * page into *cons, and check them. Returns false if prod - cons exceeds
 * the size (*avail is then 0), else true with the bytes waiting in *avail.
 */
bool byte_ring_avail(const struct byte_ring *r, uint32_t *prod, uint32_t *cons,
                     size_t *avail);

/*
 * Copy n bytes from the slots at cons on, wrapping. prod and cons are what
 * byte_ring_avail() read (cons possibly advanced by earlier gets), and
 * n <= prod - cons. Nothing is published: see byte_ring_consume().
 */
void byte_ring_get(const struct byte_ring *r, uint32_t prod, uint32_t cons,
                   void *buf, size_t n);

/* Publish our index (release): the slots before cons are the producer's. */
void byte_ring_consume(const struct byte_ring *r, uint32_t cons);

#endif /* TINYPV_LIB_BYTE_RING_H */
