/*
 * blkfront.c: the block frontend's data path: the shared ring, requests
 * out, responses in. The xenstore handshake that sets a disk up is
 * blkfront_xs.c's; the bookkeeping and the checks of what the backend
 * answers are blkif_book.c's (pure, host-tested).
 *
 *   ring      one page (Xen's io/blkif.h, 32 entries on i386), granted to
 *             the backend; requests produced at req_prod, responses
 *             consumed up to rsp_prod, an event channel each way
 *   slots     BLKIF_BOOK_SLOTS requests in flight at most; each slot owns
 *             BLKIF_BOOK_SEG_PAGES pages, granted once at connect and used
 *             for every request of that slot (the backend maps them per
 *             request; we never grant per request). A write is copied in
 *             before it goes out, a read copied out when it comes back.
 *   upcall    only sets the disk's flag; blkfront_process() in the main
 *             loop reads the responses.
 *
 * The backend is another domain. A response is copied out of the shared
 * page once and checked (blkif_book_complete); one that cannot be right
 * (an id out of range or not in flight, an operation not requested, an
 * unknown status, or rsp_prod past the requests) shuts the disk down:
 * said once, every request in flight failed with -EIO, our state Closing,
 * the port masked. Nothing is copied on a bad response's word.
 *
 * After a restore in a new domain (blkfront_away) the old ring and
 * backend are gone; requests in flight stay in their slots, and when the
 * bus probes the same device again the handshake connects a new ring and
 * blkfront_connected() issues them again: the caller sees each request
 * done once.
 */
#include "blkfront_priv.h"
#include <tinypv/gnttab.h>
#include <tinypv/mm.h>
#include <tinypv/kernel.h>
#include <tinypv/clock.h>
#include <tinypv/barrier.h>
#include <tinypv/printk.h>
#include <tinypv/control.h>
#include <lib/string.h>

#define SECTOR_SIZE     512
#define RING_ENTRIES    __CONST_RING_SIZE(blkif, PAGE_SIZE)

_Static_assert(RING_ENTRIES >= BLKIF_BOOK_SLOTS, "the ring holds every slot");
/* The x86_32 layout we announce (protocol=x86_32-abi): id right after
 * the 4 bytes of operation, nr_segments and handle, no padding. (A host
 * build, 64-bit, has the other layout and announces nothing.) */
#ifdef __i386__
_Static_assert(__builtin_offsetof(blkif_request_t, id) == 4,
               "the request is laid out as x86_32-abi says");
#endif
_Static_assert(BLKIF_BOOK_SEG_PAGES <= BLKIF_MAX_SEGMENTS_PER_REQUEST,
               "segments fit a request");

const char blkfront_owner[] = "blkfront";

static struct blkfront disks[BLKFRONT_MAX];
static volatile bool any_kicked;

const char *blkfront_state_name(enum blkfront_state st)
{
    static const char *const names[] = {
        [BF_FREE] = "free",             [BF_INIT] = "waiting for InitWait",
        [BF_CONNECTING] = "connecting", [BF_CONNECTED] = "connected",
        [BF_BROKEN] = "shut down",      [BF_AWAY] = "away (restored)",
        [BF_FAILED] = "failed",
    };

    return st <= BF_FAILED ? names[st] : "?";
}

const char *blkfront_strerror(int rc)
{
    switch ( rc )
    {
    case -EINTR:      return "interrupted";
    case -ENODEV:     return "the disk is not connected";
    case -EOPNOTSUPP: return "the backend does not offer it";
    case -EROFS:      return "the disk is read-only";
    case -ETIMEDOUT:  return "no answer from the backend";
    case -EIO:        return "I/O error";
    default:          return xs_strerror(rc);
    }
}

/* --- disks ------------------------------------------------------------------ */

struct blkfront *blkfront_alloc(const char *id)
{
    struct blkfront *bf = NULL;
    char name[BLKFRONT_NAME_MAX];
    uint32_t vdev;

    if ( blkif_vdev_name(id, name, sizeof(name), &vdev) )
        return NULL;
    /* The same device after a restore: its slots, pages, requests. */
    for ( unsigned int i = 0; i < BLKFRONT_MAX; i++ )
        if ( disks[i].state == BF_AWAY && strcmp(disks[i].id, id) == 0 )
            return &disks[i];
    for ( unsigned int i = 0; i < BLKFRONT_MAX && !bf; i++ )
        if ( disks[i].state == BF_FREE )
            bf = &disks[i];
    if ( !bf )
        return NULL;
    memset(bf, 0, sizeof(*bf));
    memcpy(bf->id, id, strlen(id) + 1);
    memcpy(bf->name, name, sizeof(name));
    bf->vdev = vdev;
    bf->state = BF_INIT;
    blkif_book_init(&bf->book, BLKIF_BOOK_SLOTS);
    return bf;
}

struct blkfront *blkfront_find(const char *name)
{
    for ( unsigned int i = 0; i < BLKFRONT_MAX; i++ )
    {
        struct blkfront *bf = &disks[i];

        if ( bf->state != BF_FREE &&
             (strcmp(bf->name, name) == 0 || strcmp(bf->id, name) == 0) )
            return bf;
    }
    return NULL;
}

void blkfront_for_each(void (*fn)(struct blkfront *bf, void *ctx), void *ctx)
{
    for ( unsigned int i = 0; i < BLKFRONT_MAX; i++ )
        if ( disks[i].state != BF_FREE )
            fn(&disks[i], ctx);
}

void blkfront_get_info(struct blkfront *bf, struct blkfront_info *info)
{
    memset(info, 0, sizeof(*info));
    memcpy(info->name, bf->name, sizeof(info->name));
    info->state = blkfront_state_name(bf->state);
    info->connected = bf->state == BF_CONNECTED;
    info->sectors = bf->sectors;
    info->sector_size = bf->sector_size;
    info->readonly = bf->readonly;
    info->flush = bf->flush;
    info->persistent = bf->persistent;
    info->backend = bf->dev ? bf->dev->otherend : NULL;
    info->why = bf->why[0] ? bf->why : NULL;
    info->issued = bf->book.issued;
    info->completed = bf->book.completed;
    info->failed = bf->book.failed;
    info->reissued = bf->book.reissued;
    info->notifications = bf->notifications;
}

/* --- setting the ring up and down -------------------------------------------- */

static void upcall(evtchn_port_t port, void *ctx)
{
    struct blkfront *bf = ctx;

    bf->kicked = true;
    any_kicked = true;
}

static void free_page_cb(void *ctx)
{
    mem_free_pages(ctx, 0, PAGE_OWNER_KERNEL);
}

static void free_ring_cb(void *ctx)
{
    mem_free_pages(ctx, 0, PAGE_OWNER_RING);
}

/*
 * End the grant of one page. keep: the page stays ours for later (after a
 * restore, where the old table's grants are gone and the end succeeds at
 * once); else the page is freed once the backend has let go of it.
 * Returns whether the page is still ours to keep.
 */
static bool end_grant(grant_ref_t ref, void *page, bool keep)
{
    if ( keep && gnttab_end_access(ref, blkfront_owner) == 0 )
        return true;
    gnttab_end_access_deferred(ref, blkfront_owner, free_page_cb, page);
    return false;
}

static int grant_pages(struct blkfront *bf, domid_t backend)
{
    for ( unsigned int s = 0; s < bf->book.nr; s++ )
        for ( unsigned int p = 0; p < BLKIF_BOOK_SEG_PAGES; p++ )
        {
            int rc;

            if ( !bf->page[s][p] )
                bf->page[s][p] = mem_alloc_pages(0, PAGE_OWNER_KERNEL);
            if ( !bf->page[s][p] )
                return -ENOMEM;
            rc = gnttab_grant_access(backend, bf->page[s][p], false,
                                     blkfront_owner, &bf->buf_ref[s][p]);
            if ( rc < 0 )
            {
                /* Undo this slot's and the earlier slots' grants. */
                while ( p-- > 0 )
                    gnttab_end_access(bf->buf_ref[s][p], blkfront_owner);
                while ( s-- > 0 )
                    for ( p = 0; p < BLKIF_BOOK_SEG_PAGES; p++ )
                        gnttab_end_access(bf->buf_ref[s][p], blkfront_owner);
                return rc;
            }
        }
    bf->bufs_granted = true;
    return 0;
}

int blkfront_ring_setup(struct blkfront *bf, domid_t backend)
{
    int rc;
    long lrc;

    if ( !bf->sring )
        bf->sring = mem_alloc_pages(0, PAGE_OWNER_RING);
    if ( !bf->sring )
        return -ENOMEM;
    memset(bf->sring, 0, PAGE_SIZE);
    bf->sring->req_event = 1;
    bf->sring->rsp_event = 1;
    rc = gnttab_grant_access(backend, bf->sring, false, blkfront_owner,
                             &bf->ring_ref);
    if ( rc < 0 )
        return rc;
    bf->ring_granted = true;
    rc = grant_pages(bf, backend);
    if ( rc < 0 )
        goto undo;
    lrc = evtchn_alloc_unbound(backend, &bf->port);
    if ( lrc < 0 )
    {
        rc = (int)lrc;
        goto undo;
    }
    if ( evtchn_bind_handler(bf->port, upcall, bf, bf->name) < 0 )
    {
        evtchn_close(bf->port);
        rc = -EBUSY;
        goto undo;
    }
    bf->port_bound = true;
    /* Requests kept across a restore go out again on this ring. */
    blkif_book_restart(&bf->book);
    return 0;

undo:
    blkfront_ring_teardown(bf, false);
    return rc;
}

/*
 * Let go of the ring: the port closed (if port_alive; after a restore it
 * is gone already), every grant ended, pages freed once the backend has
 * unmapped them, unless keep (a restore: the pages and what is in them
 * stay for the new ring).
 */
static void ring_down(struct blkfront *bf, bool port_alive, bool keep)
{
    /*
     * After a restore the handler is forgotten already (evtchn_forget_all)
     * and the number may be another's now: touch nothing.
     */
    if ( bf->port_bound && port_alive )
    {
        evtchn_unbind_handler(bf->port);
        evtchn_close(bf->port);
    }
    bf->port_bound = false;
    if ( bf->bufs_granted )
    {
        for ( unsigned int s = 0; s < bf->book.nr; s++ )
            for ( unsigned int p = 0; p < BLKIF_BOOK_SEG_PAGES; p++ )
                if ( !end_grant(bf->buf_ref[s][p], bf->page[s][p], keep) )
                    bf->page[s][p] = NULL;
        bf->bufs_granted = false;
    }
    else if ( !keep )
    {
        for ( unsigned int s = 0; s < BLKIF_BOOK_SLOTS; s++ )
            for ( unsigned int p = 0; p < BLKIF_BOOK_SEG_PAGES; p++ )
                if ( bf->page[s][p] )
                {
                    mem_free_pages(bf->page[s][p], 0, PAGE_OWNER_KERNEL);
                    bf->page[s][p] = NULL;
                }
    }
    if ( bf->ring_granted )
    {
        bf->ring_granted = false;
        if ( keep && gnttab_end_access(bf->ring_ref, blkfront_owner) == 0 )
            return;
        gnttab_end_access_deferred(bf->ring_ref, blkfront_owner,
                                   free_ring_cb, bf->sring);
        bf->sring = NULL;
    }
    else if ( !keep && bf->sring )
    {
        mem_free_pages(bf->sring, 0, PAGE_OWNER_RING);
        bf->sring = NULL;
    }
}

void blkfront_ring_teardown(struct blkfront *bf, bool port_alive)
{
    ring_down(bf, port_alive, false);
}

/* --- requests ---------------------------------------------------------------- */

/* LAB blkfront BEGIN: a request in the ring, pushed, the backend notified */
/* Tell the backend, if it asked to be told (req_event). */
static void push_requests(struct blkfront *bf)
{
    uint32_t old = bf->sring->req_prod, new = bf->book.req_prod;

    smp_wmb();      /* the requests before the index that publishes them */
    write_once(&bf->sring->req_prod, new);
    smp_mb();       /* the index before we look at req_event */
    if ( (uint32_t)(new - read_once(&bf->sring->req_event)) <
         (uint32_t)(new - old) )
    {
        evtchn_notify(bf->port);
        bf->notifications++;
    }
}

/* Write slot id's request at ring index req_prod - 1 (already advanced). */
static void put_request(struct blkfront *bf, unsigned int id)
{
    const struct blkif_slot *s = &bf->book.slot[id];
    blkif_request_t *r = &bf->sring->ring[(bf->book.req_prod - 1) &
                                          (RING_ENTRIES - 1)].req;

    r->operation = s->op;
    r->handle = (blkif_vdev_t)bf->vdev;
    r->id = id;
    r->sector_number = s->sector;
    r->nr_segments = (uint8_t)blkif_fill_segments(s->nsect, bf->buf_ref[id],
                                                  r->seg);
}
#if 0 /* LAB blkfront STUB */
/*
 * LAB blkfront: publish the requests placed so far: the shared page's
 * req_prod becomes ours (bf->book.req_prod), after a write barrier (the
 * requests before the index that shows them); then a full barrier (the
 * index before reading req_event) and notify the backend
 * (evtchn_notify(bf->port), counted in bf->notifications) only if it
 * asked: if req_event lies in (old req_prod, new req_prod], the
 * RING_PUSH_REQUESTS_AND_CHECK_NOTIFY rule of <xen/io/ring.h>, in
 * unsigned arithmetic (the indices wrap).
 */
static void push_requests(struct blkfront *bf)
{
    (void)bf;
}

/*
 * LAB blkfront: write slot id's request into the ring entry at index
 * bf->book.req_prod - 1 (the book advanced it already; the index masked
 * to RING_ENTRIES): operation, handle (the vdev), id (the slot: the
 * response names it), sector_number, and the segments, one per granted
 * page of the slot (bf->buf_ref[id]), each with the first and last
 * sector within its page: blkif_fill_segments() (blkif_book.c) fills
 * them and returns nr_segments. The slot's request is in
 * bf->book.slot[id] (op, sector, nsect). This stub writes nothing: the
 * backend never sees a request, and every read waits for its deadline.
 */
static void put_request(struct blkfront *bf, unsigned int id)
{
    (void)bf;
    (void)id;
}
#endif /* LAB blkfront END */

/* Copy n sectors between a caller's buffer and slot id's pages. */
static void copy_slot(struct blkfront *bf, unsigned int id, void *buf,
                      unsigned int nsect, bool to_slot)
{
    uint8_t *b = buf;

    for ( unsigned int p = 0; nsect > 0; p++ )
    {
        unsigned int here = nsect < BLKIF_SECTORS_PER_PAGE ?
                            nsect : BLKIF_SECTORS_PER_PAGE;
        size_t bytes = (size_t)here * SECTOR_SIZE;

        if ( to_slot )
            memcpy(bf->page[id][p], b, bytes);
        else
            memcpy(b, bf->page[id][p], bytes);
        b += bytes;
        nsect -= here;
    }
}

int blkfront_submit(struct blkfront *bf, uint8_t op, uint64_t sector,
                    unsigned int nsect, void *buf, blkfront_done_fn done,
                    void *ctx)
{
    int id;

    if ( bf->state != BF_CONNECTED )
        return -ENODEV;
    if ( op == BLKIF_OP_WRITE && bf->readonly )
        return -EROFS;
    if ( op == BLKIF_OP_FLUSH_DISKCACHE && !bf->flush )
        return -EOPNOTSUPP;
    if ( op != BLKIF_OP_FLUSH_DISKCACHE &&
         (sector >= bf->sectors || nsect > bf->sectors - sector) )
        return -EINVAL;
    id = blkif_book_take(&bf->book, op, sector, nsect);
    if ( id == -ENOSPC )
        return -EAGAIN;
    if ( id < 0 )
        return id;
    if ( op == BLKIF_OP_WRITE )
        copy_slot(bf, (unsigned int)id, buf, nsect, true);
    bf->req[id] = (struct blkfront_req){
        .done = done, .ctx = ctx,
        .dst = op == BLKIF_OP_READ ? buf : NULL,
    };
    put_request(bf, (unsigned int)id);
    push_requests(bf);
    return id;
}

void blkfront_cancel(struct blkfront *bf, int id)
{
    if ( id < 0 || (unsigned int)id >= BLKIF_BOOK_SLOTS )
        return;
    /* The request stays on the ring: its answer is dropped, not copied. */
    bf->req[id] = (struct blkfront_req){ .done = NULL };
}

static void finish(struct blkfront *bf, unsigned int id, int status)
{
    struct blkfront_req r = bf->req[id];

    bf->req[id] = (struct blkfront_req){ .done = NULL };
    if ( r.done )
        r.done(r.ctx, status);
}

/* Every request in flight fails (the device is shut down or gone). */
void blkfront_fail_all(struct blkfront *bf)
{
    for ( unsigned int id = 0; id < bf->book.nr; id++ )
    {
        if ( !bf->book.slot[id].in_flight )
            continue;
        blkif_book_forget(&bf->book, id);
        finish(bf, id, -EIO);
    }
}

/* The backend broke the protocol (bf->why says how): shut down, said once. */
static void shut_down(struct blkfront *bf)
{
    printk("\nblkfront: %s: the backend answered %s; the disk is shut "
           "down, requests in flight fail\n", bf->name, bf->why);
    bf->state = BF_BROKEN;
    if ( bf->port_bound )
        evtchn_mask(bf->port);
    blkfront_fail_all(bf);
    if ( bf->dev )
        xenbus_switch_state(bf->dev, XenbusStateClosing);
    control_message_printed();
}

static int status_errno(int16_t status)
{
    return status == BLKIF_RSP_OKAY ? 0 :
           status == BLKIF_RSP_EOPNOTSUPP ? -EOPNOTSUPP : -EIO;
}

/* Read what the backend answered; false if it broke the protocol. */
static bool take_responses(struct blkfront *bf)
{
    for ( ;; )
    {
        uint32_t prod = read_once(&bf->sring->rsp_prod), n;

        smp_rmb();  /* the index before the responses it publishes */
        if ( blkif_book_responses(&bf->book, prod, &n) )
        {
            snprintf(bf->why, sizeof(bf->why), "rsp_prod %u, past the "
                     "%u requests made", prod, bf->book.req_prod);
            shut_down(bf);
            return false;
        }
        while ( n-- > 0 )
        {
            blkif_response_t rsp;
            struct blkif_slot slot;
            enum blkif_verdict v;

            /* One copy of the untrusted entry; only the copy is used. */
            memcpy(&rsp, &bf->sring->ring[bf->book.rsp_cons &
                                          (RING_ENTRIES - 1)].rsp,
                   sizeof(rsp));
            barrier();
            v = blkif_book_complete(&bf->book, rsp.id, rsp.operation,
                                    rsp.status, &slot);
            if ( v != BLKIF_GOOD )
            {
                snprintf(bf->why, sizeof(bf->why), "%s (id %llu, operation "
                         "%u, status %d)", blkif_verdict_name(v),
                         (unsigned long long)rsp.id, rsp.operation,
                         rsp.status);
                shut_down(bf);
                return false;
            }
            if ( rsp.status == BLKIF_RSP_OKAY && slot.op == BLKIF_OP_READ &&
                 bf->req[rsp.id].dst )
                copy_slot(bf, (unsigned int)rsp.id, bf->req[rsp.id].dst,
                          slot.nsect, false);
            finish(bf, (unsigned int)rsp.id, status_errno(rsp.status));
            if ( bf->state != BF_CONNECTED )
                return true;    /* a caller's done() let go of the disk */
        }
        /* Ask for an event at the next response, then look once more. */
        write_once(&bf->sring->rsp_event, bf->book.rsp_cons + 1);
        smp_mb();
        if ( read_once(&bf->sring->rsp_prod) == bf->book.rsp_cons )
            return true;
    }
}

bool blkfront_pending(void)
{
    return any_kicked;
}

void blkfront_process(void)
{
    any_kicked = false;
    for ( unsigned int i = 0; i < BLKFRONT_MAX; i++ )
    {
        struct blkfront *bf = &disks[i];

        if ( !bf->kicked )
            continue;
        bf->kicked = false;
        if ( bf->state == BF_CONNECTED )
            take_responses(bf);
    }
}

/* --- the handshake's ends ---------------------------------------------------- */

/* Connected: requests kept across a restore go out again, in slot order. */
void blkfront_connected(struct blkfront *bf)
{
    unsigned int n = 0;

    bf->state = BF_CONNECTED;
    for ( unsigned int id = 0; id < bf->book.nr; id++ )
    {
        if ( blkif_book_reissue(&bf->book, id) )
            continue;
        put_request(bf, id);
        n++;
    }
    if ( n )
    {
        push_requests(bf);
        printk("\nblkfront: %s: %u request%s from before the restore issued "
               "again\n", bf->name, n, n == 1 ? "" : "s");
    }
    /* Responses may have come before the port was ours to hear. */
    bf->kicked = true;
    any_kicked = true;
}

/*
 * Restored in a new domain: the old ring, grants and port are gone with
 * the old domain. Keep the pages and every request still in flight for
 * the new ring, where blkfront_connected() issues them again, and do not
 * read the old ring's answers. After a live migration they cannot be
 * trusted: the backend writes the ring page and the slots' pages through
 * grant mappings it keeps (the ring always, the slots with persistent
 * grants), and Xen marks a page dirty for the migration only when such
 * a mapping goes, so the copy that arrived here may hold a response
 * without the data it announces (the blkfront group saw a cksum pass
 * across `xl migrate` come out wrong). Doing a read or a write again is
 * harmless: the caller still sees each request done once.
 */
void blkfront_away(struct blkfront *bf)
{
    if ( bf->book.in_flight )
        printk("\nblkfront: %s: %u request%s in flight at the suspend, to "
               "issue again on the new ring\n", bf->name, bf->book.in_flight,
               bf->book.in_flight == 1 ? "" : "s");
    if ( bf->state == BF_BROKEN || bf->state == BF_FAILED )
    {
        /* Nothing to carry over: let it all go (the port is gone). */
        blkfront_fail_all(bf);
        ring_down(bf, false, false);
        bf->dev = NULL;
        bf->state = BF_FREE;
        return;
    }
    ring_down(bf, false, true);
    bf->dev = NULL;
    bf->state = BF_AWAY;
}

/* The device is gone: requests fail, the ring is let go, the slot freed. */
void blkfront_free(struct blkfront *bf)
{
    blkfront_fail_all(bf);
    ring_down(bf, true, false);
    bf->dev = NULL;
    bf->state = BF_FREE;
}

/* --- waiting for one request ------------------------------------------------- */

struct waiter {
    bool done;
    int status;
};

static void wake(void *ctx, int status)
{
    struct waiter *w = ctx;

    w->done = true;
    w->status = status;
}

static void deadline_fn(struct timer *t, void *ctx)
{
    *(bool *)ctx = true;
}

/* Not connected, but on the way (a restore, a handshake): worth a wait. */
static bool coming_back(const struct blkfront *bf)
{
    return bf->state == BF_AWAY || bf->state == BF_INIT ||
           bf->state == BF_CONNECTING;
}

/*
 * Submit, waiting (in the main loop) while every slot is busy or the disk
 * is reconnecting after a restore; then wait for the answer. One deadline
 * for both.
 */
int blkfront_rw(struct blkfront *bf, uint8_t op, uint64_t sector,
                unsigned int nsect, void *buf, bool (*stop)(void))
{
    struct waiter w = { .done = false };
    struct timer timer = { .armed = false };
    bool expired = false;
    int id;

    timer_arm(&timer, monotonic_ns() + BLKFRONT_WAIT_MS * NSEC_PER_MSEC,
              deadline_fn, &expired);
    for ( ;; )
    {
        id = blkfront_submit(bf, op, sector, nsect, buf, wake, &w);
        if ( id != -EAGAIN && !(id == -ENODEV && coming_back(bf)) )
            break;
        if ( expired || (stop && stop()) )
            break;
        kernel_idle();
    }
    if ( id < 0 )
    {
        timer_cancel(&timer);
        if ( id == -EAGAIN || id == -ENODEV )
            return expired ? -ETIMEDOUT : (stop && stop()) ? -EINTR : id;
        return id;
    }
    while ( !w.done && !expired && !(stop && stop()) )
        kernel_idle();
    timer_cancel(&timer);
    if ( w.done )
        return w.status;
    blkfront_cancel(bf, id);
    return expired ? -ETIMEDOUT : -EINTR;
}
