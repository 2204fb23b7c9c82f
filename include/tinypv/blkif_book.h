/*
 * blkif_book.h: the block frontend's bookkeeping of its ring, pure logic
 * (blkfront/blkif_book.c): which requests are in flight, and whether what
 * the backend answers is possible. Host-tested (tests/host/test_blkif_book.c)
 * and fuzzed with hostile responses (tests/fuzz/fuzz_blkif.c).
 *
 * The backend is another domain: everything it writes on the shared ring
 * is untrusted. The driver copies each response out of the shared page
 * once and hands the copy here:
 *
 *   - rsp_prod may not run past what was requested (blkif_book_responses)
 *   - an id must name a slot (id < nr) that is in flight, the operation
 *     must be the one requested, the status one blkif.h defines
 *     (blkif_book_complete)
 *
 * Any failure is the backend's: the driver shuts the device down, says so
 * once, and never touches a buffer on that response's word.
 *
 * Slots are the driver's request numbers (the id echoed in a response);
 * each slot owns a buffer of BLKIF_BOOK_SECTORS sectors. After a restore
 * in a new domain the ring starts again at 0 and the slots still in
 * flight are issued again (blkif_book_restart, blkif_book_reissue).
 */
#ifndef TINYPV_BLKIF_BOOK_H
#define TINYPV_BLKIF_BOOK_H

#include <tinypv/types.h>
#include <tinypv/xs_proto.h>        /* errno values */
#include <xen/grant_table.h>
#include <xen/io/blkif.h>

#define BLKIF_BOOK_SLOTS        16      /* requests in flight, at most */
#define BLKIF_BOOK_SEG_PAGES    11      /* pages per request: the most one holds */
#define BLKIF_SECTORS_PER_PAGE  8       /* 512-byte units, whatever sector-size says */
#define BLKIF_BOOK_SECTORS      (BLKIF_BOOK_SEG_PAGES * BLKIF_SECTORS_PER_PAGE)

struct blkif_slot {
    bool in_flight;
    uint8_t op;                 /* BLKIF_OP_READ, _WRITE, _FLUSH_DISKCACHE */
    uint16_t nsect;             /* 512-byte sectors (0 for a flush) */
    uint64_t sector;
};

struct blkif_book {
    unsigned int nr;            /* slots in use: 1 .. BLKIF_BOOK_SLOTS */
    unsigned int in_flight;
    uint32_t req_prod;          /* requests produced on this ring */
    uint32_t rsp_cons;          /* responses consumed from it */
    struct blkif_slot slot[BLKIF_BOOK_SLOTS];
    uint64_t issued, completed, failed, reissued;
};

enum blkif_verdict {
    BLKIF_GOOD,                 /* a response to an in-flight slot */
    BLKIF_BAD_ID,               /* id >= nr */
    BLKIF_NOT_IN_FLIGHT,        /* no request of that id is outstanding */
    BLKIF_BAD_OP,               /* not the operation requested */
    BLKIF_BAD_STATUS,           /* not OKAY, ERROR or EOPNOTSUPP */
};

/* Empty, with nr slots (clamped to 1 .. BLKIF_BOOK_SLOTS). */
void blkif_book_init(struct blkif_book *b, unsigned int nr);

/*
 * A free slot for a request: its id (>= 0), the slot marked in flight and
 * req_prod advanced (the request goes at ring index req_prod - 1).
 * -ENOSPC: all slots in flight.
 * -EINVAL: nsect out of 1 .. BLKIF_BOOK_SECTORS (0 only for a flush) or
 * an unknown op.
 */
int blkif_book_take(struct blkif_book *b, uint8_t op, uint64_t sector,
                    unsigned int nsect);

/*
 * The backend published rsp_prod: *n responses may be read, from ring
 * index rsp_cons on. -EIO (and *n = 0): rsp_prod runs past the requests
 * produced, i.e. more answers than questions.
 */
int blkif_book_responses(const struct blkif_book *b, uint32_t rsp_prod,
                         uint32_t *n);

/*
 * One response, copied out of the ring. BLKIF_GOOD: the slot is free
 * again, rsp_cons advanced, and *slot is the request as it was. Anything
 * else changes nothing.
 */
enum blkif_verdict blkif_book_complete(struct blkif_book *b, uint64_t id,
                                       uint8_t op, int16_t status,
                                       struct blkif_slot *slot);

/* A slot given up by its caller or failed by the driver: free, not answered. */
void blkif_book_forget(struct blkif_book *b, unsigned int id);

/* A new ring (after a restore): indices from 0; in-flight slots kept. */
void blkif_book_restart(struct blkif_book *b);

/* Issue in-flight slot id again on the new ring: req_prod advanced. -EINVAL if not in flight. */
int blkif_book_reissue(struct blkif_book *b, unsigned int id);

/* What a verdict means, for the one message. */
const char *blkif_verdict_name(enum blkif_verdict v);

/*
 * The segments of a request of nsect sectors from the start of a buffer
 * of pages granted as refs[]: full pages, the last one possibly partial
 * (first_sect 0, last_sect inclusive). Returns the number of segments.
 */
unsigned int blkif_fill_segments(unsigned int nsect, const grant_ref_t *refs,
                                 struct blkif_request_segment *seg);

/*
 * A disk's name from its device id (the number under device/vbd/):
 * xvdX for Xen's major 202 and the extended scheme, else "vbd<id>".
 * -EINVAL if id is not a number.
 */
int blkif_vdev_name(const char *id, char *buf, size_t size,
                    uint32_t *vdev);

/*
 * The backend's figures at Connected, checked: sectors (512-byte units)
 * at least 1 and below 2^41 bytes' worth, sector-size a power of two in
 * 512 .. 4096. 0, or -EINVAL with *why set.
 */
int blkif_check_geometry(uint64_t sectors, uint64_t sector_size,
                         const char **why);

#endif /* TINYPV_BLKIF_BOOK_H */
