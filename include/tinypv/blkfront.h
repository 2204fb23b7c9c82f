/*
 * blkfront.h: disks, through dom0's block backend (blkfront/).
 *
 * Each vbd device the bus finds (device/vbd/<id>) is one disk named after
 * its id (51712: xvda). blkfront/blkfront_xs.c does the xenstore
 * handshake, blkfront/blkfront.c the ring (Xen's io/blkif.h, one shared
 * page) and the requests. Sizes and sector numbers here are in 512-byte
 * units, whatever the disk's sector-size. docs/14-blkfront.md.
 *
 * Requests complete in the main loop (blkfront_process); a caller that
 * must wait calls blkfront_rw(), which runs kernel_idle() meanwhile.
 * Errors are negated errno values (<tinypv/xs_proto.h>).
 */
#ifndef TINYPV_BLKFRONT_H
#define TINYPV_BLKFRONT_H

#include <tinypv/types.h>
#include <tinypv/blkif_book.h>

/* Beyond xenstore's errno values (<tinypv/xs_proto.h>). */
#ifndef EINTR
#define EINTR        4      /* interrupted (^C) */
#endif
#ifndef ENODEV
#define ENODEV      19      /* no such device, or not connected */
#endif
#ifndef EOPNOTSUPP
#define EOPNOTSUPP  95      /* the backend does not offer it */
#endif

#define BLKFRONT_NAME_MAX   16
#define BLKFRONT_WAIT_MS    30000   /* a request unanswered this long fails */

struct blkfront;

/* A request's end: status 0, or -EIO (the backend said error, or the
 * device went away), -EOPNOTSUPP (the backend does not do it). */
typedef void (*blkfront_done_fn)(void *ctx, int status);

/* Register the "vbd" driver with the bus (before xenbus_init()). */
void blkfront_register(void);

/* The main loop: responses arrived (the upcall set a flag)? Serve them. */
bool blkfront_pending(void);
void blkfront_process(void);

/* A disk by name (xvda) or device id (51712); NULL if none. */
struct blkfront *blkfront_find(const char *name);

struct blkfront_info {
    char name[BLKFRONT_NAME_MAX];
    const char *state;          /* "connected", "connecting", ... */
    bool connected;
    uint64_t sectors;           /* 512-byte units */
    uint32_t sector_size;       /* as the backend says */
    bool readonly, flush, persistent;
    const char *backend;        /* NULL once the bus let go of it */
    const char *why;            /* shut down: what the backend did */
    uint64_t issued, completed, failed, reissued, notifications;
};
void blkfront_get_info(struct blkfront *bf, struct blkfront_info *info);

/* Call fn for each disk the driver knows. */
void blkfront_for_each(void (*fn)(struct blkfront *bf, void *ctx), void *ctx);

/*
 * Start a request: op BLKIF_OP_READ or _WRITE of nsect (1 ..
 * BLKIF_BOOK_SECTORS) sectors at sector, buf the caller's (a read lands
 * there before done is called; NULL: read and drop), or
 * BLKIF_OP_FLUSH_DISKCACHE (nsect 0). done(ctx, status) is called from
 * the main loop, exactly once, unless the caller cancels first.
 * Returns the request's id (>= 0), or: -EAGAIN every slot is busy (wait
 * for a completion), -ENODEV not connected or shut down, -EROFS a write
 * to a read-only disk, -EOPNOTSUPP a flush the backend does not offer,
 * -EINVAL outside the disk or a bad size.
 */
int blkfront_submit(struct blkfront *bf, uint8_t op, uint64_t sector,
                    unsigned int nsect, void *buf, blkfront_done_fn done,
                    void *ctx);

/* Give up request id: done is never called, buf never written. */
void blkfront_cancel(struct blkfront *bf, int id);

/*
 * One request, waited for (kernel_idle meanwhile; at most
 * BLKFRONT_WAIT_MS, or until stop() says so). While every slot is busy,
 * or the disk is reconnecting (after a restore), the request waits to be
 * submitted. 0 or -errno; -ETIMEDOUT, -EINTR (stop) cancel the request.
 */
int blkfront_rw(struct blkfront *bf, uint8_t op, uint64_t sector,
                unsigned int nsect, void *buf, bool (*stop)(void));

/* The text for a status or error from these functions. */
const char *blkfront_strerror(int rc);

#endif /* TINYPV_BLKFRONT_H */
