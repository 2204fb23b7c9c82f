/*
 * blkif_book.c: which block requests are in flight, and whether the
 * backend's answers are possible (<tinypv/blkif_book.h>). Pure logic: no
 * shared memory is read here, only copies the driver made of it.
 *
 * The invariant: in_flight == req_prod - rsp_cons (unsigned, so the
 * indices may wrap). Every good response frees one slot and consumes one
 * index; so a backend that publishes more responses than requests, or
 * answers an id twice, is caught before the driver believes it.
 */
#include <tinypv/blkif_book.h>
#include <tinypv/xs_proto.h>        /* errno values */
#include <lib/format.h>
#include <lib/string.h>

void blkif_book_init(struct blkif_book *b, unsigned int nr)
{
    memset(b, 0, sizeof(*b));
    if ( nr < 1 )
        nr = 1;
    if ( nr > BLKIF_BOOK_SLOTS )
        nr = BLKIF_BOOK_SLOTS;
    b->nr = nr;
}

static bool op_known(uint8_t op)
{
    return op == BLKIF_OP_READ || op == BLKIF_OP_WRITE ||
           op == BLKIF_OP_FLUSH_DISKCACHE;
}

int blkif_book_take(struct blkif_book *b, uint8_t op, uint64_t sector,
                    unsigned int nsect)
{
    if ( !op_known(op) )
        return -EINVAL;
    if ( op == BLKIF_OP_FLUSH_DISKCACHE ? nsect != 0 :
         (nsect < 1 || nsect > BLKIF_BOOK_SECTORS) )
        return -EINVAL;
    for ( unsigned int i = 0; i < b->nr; i++ )
    {
        struct blkif_slot *s = &b->slot[i];

        if ( s->in_flight )
            continue;
        s->in_flight = true;
        s->op = op;
        s->nsect = (uint16_t)nsect;
        s->sector = sector;
        b->in_flight++;
        b->req_prod++;
        b->issued++;
        return (int)i;
    }
    return -ENOSPC;
}

int blkif_book_responses(const struct blkif_book *b, uint32_t rsp_prod,
                         uint32_t *n)
{
    uint32_t avail = rsp_prod - b->rsp_cons;

    if ( avail > b->req_prod - b->rsp_cons )
    {
        *n = 0;
        return -EIO;
    }
    *n = avail;
    return 0;
}

static bool status_known(int16_t status)
{
    return status == BLKIF_RSP_OKAY || status == BLKIF_RSP_ERROR ||
           status == BLKIF_RSP_EOPNOTSUPP;
}

enum blkif_verdict blkif_book_complete(struct blkif_book *b, uint64_t id,
                                       uint8_t op, int16_t status,
                                       struct blkif_slot *slot)
{
    struct blkif_slot *s;

    if ( id >= b->nr )
        return BLKIF_BAD_ID;
    s = &b->slot[id];
    if ( !s->in_flight )
        return BLKIF_NOT_IN_FLIGHT;
    if ( op != s->op )
        return BLKIF_BAD_OP;
    if ( !status_known(status) )
        return BLKIF_BAD_STATUS;
    *slot = *s;
    s->in_flight = false;
    b->in_flight--;
    b->rsp_cons++;
    if ( status == BLKIF_RSP_OKAY )
        b->completed++;
    else
        b->failed++;
    return BLKIF_GOOD;
}

/*
 * The slot is free, but its request is still on the ring (or was, on a
 * ring now gone): rsp_cons is not moved; a late answer for the id is
 * then "not in flight", which is right, since nobody asked any more.
 * Used when the device is shut down or torn down, where the ring is
 * abandoned with everything on it.
 */
void blkif_book_forget(struct blkif_book *b, unsigned int id)
{
    if ( id >= b->nr || !b->slot[id].in_flight )
        return;
    b->slot[id].in_flight = false;
    b->in_flight--;
    b->failed++;
}

void blkif_book_restart(struct blkif_book *b)
{
    b->req_prod = 0;
    b->rsp_cons = 0;
}

int blkif_book_reissue(struct blkif_book *b, unsigned int id)
{
    if ( id >= b->nr || !b->slot[id].in_flight )
        return -EINVAL;
    b->req_prod++;
    b->reissued++;
    return 0;
}

const char *blkif_verdict_name(enum blkif_verdict v)
{
    switch ( v )
    {
    case BLKIF_GOOD:          return "good";
    case BLKIF_BAD_ID:        return "an id out of range";
    case BLKIF_NOT_IN_FLIGHT: return "an id not in flight";
    case BLKIF_BAD_OP:        return "an operation not requested";
    case BLKIF_BAD_STATUS:    return "an unknown status";
    }
    return "?";
}

unsigned int blkif_fill_segments(unsigned int nsect, const grant_ref_t *refs,
                                 struct blkif_request_segment *seg)
{
    unsigned int n = 0;

    while ( nsect > 0 && n < BLKIF_BOOK_SEG_PAGES )
    {
        unsigned int here = nsect < BLKIF_SECTORS_PER_PAGE ?
                            nsect : BLKIF_SECTORS_PER_PAGE;

        seg[n].gref = refs[n];
        seg[n].first_sect = 0;
        seg[n].last_sect = (uint8_t)(here - 1);
        nsect -= here;
        n++;
    }
    return n;
}

int blkif_vdev_name(const char *id, char *buf, size_t size, uint32_t *vdev)
{
    uint32_t v = 0;
    size_t len = strlen(id);

    if ( len == 0 || len > 10 )
        return -EINVAL;
    for ( size_t i = 0; i < len; i++ )
    {
        if ( id[i] < '0' || id[i] > '9' ||
             v > (UINT32_MAX - (uint32_t)(id[i] - '0')) / 10 )
            return -EINVAL;
        v = v * 10 + (uint32_t)(id[i] - '0');
    }
    *vdev = v;
    /* Xen's scheme (docs/misc/vbd-interface): 202 << 8 | disk << 4 | part,
     * or 1 << 28 | disk << 8 | part; only whole disks get a letter. */
    if ( (v >> 8) == 202 && (v & 15) == 0 )
        snprintf(buf, size, "xvd%c", 'a' + (int)((v >> 4) & 15));
    else if ( (v >> 28) == 1 && (v & 255) == 0 && ((v >> 8) & 0xfffff) < 26 )
        snprintf(buf, size, "xvd%c", 'a' + (int)((v >> 8) & 0xfffff));
    else
        snprintf(buf, size, "vbd%s", id);
    return 0;
}

int blkif_check_geometry(uint64_t sectors, uint64_t sector_size,
                         const char **why)
{
    if ( sectors == 0 )
    {
        *why = "sectors is 0";
        return -EINVAL;
    }
    if ( sectors >= (1ULL << 32) )
    {
        *why = "sectors is 2^32 or more (2 TiB; more than tinypv handles)";
        return -EINVAL;
    }
    if ( sector_size < 512 || sector_size > 4096 ||
         (sector_size & (sector_size - 1)) )
    {
        *why = "sector-size is not a power of two from 512 to 4096";
        return -EINVAL;
    }
    return 0;
}
