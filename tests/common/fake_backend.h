/*
 * fake_backend.h: the other side of a shared ring page, for the host
 * tests, the fuzzers, the stress test and the benchmark: what xenconsoled
 * or xenstored does with the rings, and what a hostile one could do.
 *
 * It is written apart from lib/byte_ring.c on purpose: the code under test
 * must not be what checks it. The indices are read and written with the
 * same acquire/release discipline as a real backend's (the stress test
 * runs it on another thread), and the guarded page lets a test see a write
 * outside the shared structure: the guards are filled with a pattern that
 * is checked, and poisoned for AddressSanitizer where it runs, so that
 * even a read into them is reported at once.
 */
#ifndef TINYPV_TESTS_FAKE_BACKEND_H
#define TINYPV_TESTS_FAKE_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* One ring of a shared page, seen from the backend. */
struct fake_ring {
    char *data;
    uint32_t size;              /* a power of two */
    uint32_t *prod, *cons;
};

/* The ring `ring` (an array) with its two indices. */
#define FAKE_RING(ring, prod_p, cons_p) \
    ((struct fake_ring){ (ring), sizeof(ring), (prod_p), (cons_p) })

/* What fake_take() and fake_give() return when prod - cons > size. */
#define FAKE_CORRUPT    ((size_t)-1)

/* --- the guest's ring: the backend consumes ------------------------------- */

/* Bytes waiting for the backend, or FAKE_CORRUPT. */
size_t fake_queued(const struct fake_ring *r);

/*
 * Take up to max bytes (copied to dst unless it is NULL) and give the
 * space back. Returns the number taken, or FAKE_CORRUPT (nothing taken).
 */
size_t fake_take(const struct fake_ring *r, void *dst, size_t max);

/*
 * fake_take() into a sink of `size` bytes that holds *len: up to max
 * bytes, no more than the sink has room for, appended; *len grows by the
 * number taken. Nothing is taken from a corrupt ring.
 */
void fake_drain(const struct fake_ring *r, void *sink, size_t size,
                size_t *len, size_t max);

/* --- the backend's ring: the backend produces ----------------------------- */

/* Free space for the backend, or FAKE_CORRUPT. */
size_t fake_room(const struct fake_ring *r);

/*
 * Put up to n bytes of src into the free space and publish them. Returns
 * the number put, or FAKE_CORRUPT (nothing put).
 */
size_t fake_give(const struct fake_ring *r, const void *src, size_t n);

/*
 * Put n bytes at prod whatever the room (a backend that overruns the
 * guest), and publish prod + n. Stays inside the ring, however large n.
 */
void fake_force(const struct fake_ring *r, const void *src, size_t n);

/* --- a hostile backend ---------------------------------------------------- */

/*
 * The i-th pair of indices that no ring of `size` (<= 2048) bytes can hold,
 * prod - cons > size: one byte too many, far too many, cons ahead of prod,
 * half the index space apart, and the same across 2^32. Returns false
 * past the last.
 */
bool fake_bad_indices(uint32_t size, unsigned int i, uint32_t *prod,
                      uint32_t *cons);

/*
 * One hostile move on a page's two rings a and b, as the fuzzers script
 * it. `which` picks an index (& 3: a's cons, a's prod, b's cons, b's prod);
 * `kind` (% 4) says what happens to it:
 *   0  set to `value`;
 *   1  moved by (int16_t)value, to land next to the limits;
 *   2  set relative to the other index of its ring: other + (int16_t)value
 *      for b, other - (int16_t)value for a;
 *   3  (no index) both rings scribbled over with the byte `which`: from
 *      slot value, (value >> 16) & 0xff bytes (cut at the ring's end).
 */
void fake_hostile(const struct fake_ring *a, const struct fake_ring *b,
                  unsigned int kind, unsigned int which, uint32_t value);

/* --- watching the guest's writer ------------------------------------------- */

/*
 * Between two moments the backend has control (the writer's waits, the
 * ends of its calls), the guest's writer may only publish the next bytes of
 * what it was asked to write, in the free slots from the index it last
 * published (not the page's prod: the backend may have rewritten that),
 * and set prod to the end of them. Nothing else in the shared structure
 * may change. The fuzzers hold it to that.
 */
#define FAKE_WATCH_MAX  4096

struct fake_watch {
    const struct fake_ring *ring;   /* the guest's ring, */
    const void *page;               /* in this shared structure */
    size_t size;                    /* of this many bytes (<= FAKE_WATCH_MAX) */
    unsigned char snap[FAKE_WATCH_MAX]; /* the structure at the last snap */
    uint32_t prod;                  /* where the writer's next byte goes */
    const uint8_t *want;            /* the call in progress, or NULL */
    size_t want_len, done;          /* its length; how much was published */
    uint8_t *shadow;                /* NULL, or what each slot should hold */
};

/* Start watching; prod is read from the page once, as the writer does. */
void fake_watch_init(struct fake_watch *w, const struct fake_ring *ring,
                     const void *page, size_t size, uint8_t *shadow);
/* The page as the writer will find it when it runs again. */
void fake_watch_snap(struct fake_watch *w);
/* A write call of len bytes from buf starts (and a snap is taken). */
void fake_watch_call(struct fake_watch *w, const void *buf, size_t len);
/* ... and ends. */
void fake_watch_end(struct fake_watch *w);
/*
 * The writer ran since the snap and says its index is writer_prod. Returns
 * NULL, with the bytes it published in *delta (accounted: prod, done and
 * shadow move on), or what it did wrong.
 */
const char *fake_watch_check(struct fake_watch *w, uint32_t writer_prod,
                             uint32_t *delta);

/* --- a page between two guards -------------------------------------------- */

#define FAKE_GUARD      256         /* bytes on each side */
#define FAKE_GUARD_BYTE 0xa5

/* A shared structure of `type` between two guard areas. */
#define FAKE_PAGE(type)                                                  \
    struct {                                                             \
        unsigned char before[FAKE_GUARD];                                \
        type intf;                                                       \
        unsigned char after[FAKE_GUARD];                                 \
    } __attribute__((aligned(8)))

/* Guards set (and poisoned), the structure zeroed. */
#define FAKE_PAGE_RESET(p)                                               \
    fake_page_reset(&(p), sizeof(p), offsetof(__typeof__(p), intf),      \
                    sizeof((p).intf))
/* Are both guards as FAKE_PAGE_RESET left them? */
#define FAKE_PAGE_INTACT(p)                                              \
    fake_page_intact(&(p), sizeof(p), offsetof(__typeof__(p), intf),     \
                     sizeof((p).intf))

void fake_page_reset(void *page, size_t size, size_t off, size_t len);
bool fake_page_intact(void *page, size_t size, size_t off, size_t len);

#endif /* TINYPV_TESTS_FAKE_BACKEND_H */
