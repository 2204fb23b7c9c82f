/*
 * netif_book.c: netfront's ring bookkeeping and the checks of what the
 * backend answers (<tinypv/netif_book.h>). Pure: no pages, no grants.
 *
 * Indices are free-running 32-bit counters, as on the shared ring: every
 * comparison is a difference, so wrapping at 2^32 is harmless.
 */
#include <tinypv/netif_book.h>

static void ring_init(struct netif_ring_book *r, unsigned int nr)
{
    *r = (struct netif_ring_book){
        .nr = nr < 1 ? 1 : nr > NETIF_BOOK_MAX ? NETIF_BOOK_MAX : nr,
    };
}

void netif_book_init(struct netif_book *b, unsigned int tx, unsigned int rx)
{
    *b = (struct netif_book){ .tx_frames = 0 };
    ring_init(&b->tx, tx);
    ring_init(&b->rx, rx);
}

static int take(struct netif_ring_book *r)
{
    for ( unsigned int id = 0; id < r->nr; id++ )
        if ( !r->busy[id] )
        {
            r->busy[id] = true;
            r->out++;
            r->req_prod++;
            return (int)id;
        }
    return -ENOSPC;
}

int netif_tx_take(struct netif_book *b, unsigned int len)
{
    int id;

    if ( len < 1 || len > PAGE_SIZE )
        return -EINVAL;
    id = take(&b->tx);
    if ( id >= 0 )
        b->tx.len[id] = (uint16_t)len;
    return id;
}

int netif_rx_take(struct netif_book *b)
{
    return take(&b->rx);
}

int netif_book_responses(const struct netif_ring_book *r, uint32_t rsp_prod,
                         uint32_t *n)
{
    uint32_t avail = rsp_prod - r->rsp_cons;

    *n = 0;
    if ( avail > r->req_prod - r->rsp_cons )
        return -EIO;
    *n = avail;
    return 0;
}

static enum netif_verdict check_id(const struct netif_ring_book *r,
                                   uint16_t id)
{
    if ( id >= r->nr )
        return NETIF_BAD_ID;
    if ( !r->busy[id] )
        return NETIF_NOT_OUT;
    return NETIF_GOOD;
}

static void give_back(struct netif_ring_book *r, uint16_t id)
{
    r->busy[id] = false;
    r->out--;
    r->rsp_cons++;
}

enum netif_verdict netif_tx_complete(struct netif_book *b, uint16_t id,
                                     int16_t status)
{
    enum netif_verdict v = check_id(&b->tx, id);

    if ( v != NETIF_GOOD )
        return v;
    if ( status != NETIF_RSP_OKAY && status != NETIF_RSP_ERROR &&
         status != NETIF_RSP_DROPPED )
        return NETIF_BAD_STATUS;
    if ( status == NETIF_RSP_OKAY )
    {
        b->tx_frames++;
        b->tx_bytes += b->tx.len[id];
    }
    else
        b->tx_errors++;
    give_back(&b->tx, id);
    return NETIF_GOOD;
}

enum netif_verdict netif_rx_complete(struct netif_book *b, uint16_t id,
                                     uint16_t offset, uint16_t flags,
                                     int16_t status, int *len)
{
    enum netif_verdict v = check_id(&b->rx, id);

    *len = 0;
    if ( v != NETIF_GOOD )
        return v;
    if ( flags & (NETRXF_more_data | NETRXF_extra_info | NETRXF_gso_prefix) )
        return NETIF_BAD_FLAGS;
    if ( status < 0 && status != NETIF_RSP_ERROR &&
         status != NETIF_RSP_DROPPED )
        return NETIF_BAD_STATUS;
    if ( status > 0 && (offset >= PAGE_SIZE ||
                        (uint32_t)offset + (uint32_t)status > PAGE_SIZE) )
        return NETIF_BAD_SIZE;
    if ( status < 0 )
    {
        b->rx_errors++;
        *len = -1;
    }
    else
    {
        b->rx_frames++;
        b->rx_bytes += (uint16_t)status;
        *len = status;
    }
    give_back(&b->rx, id);
    return NETIF_GOOD;
}

bool netif_book_forget(struct netif_ring_book *r, unsigned int id)
{
    if ( id >= r->nr || !r->busy[id] )
        return false;
    r->busy[id] = false;
    r->out--;
    return true;
}

unsigned int netif_book_restart(struct netif_ring_book *r)
{
    unsigned int n = 0;

    for ( unsigned int id = 0; id < r->nr; id++ )
        if ( netif_book_forget(r, id) )
            n++;
    r->req_prod = r->rsp_cons = 0;
    return n;
}

const char *netif_verdict_name(enum netif_verdict v)
{
    static const char *const names[] = {
        [NETIF_GOOD] = "a good response",
        [NETIF_BAD_ID] = "an id out of range",
        [NETIF_NOT_OUT] = "an id not with the backend",
        [NETIF_BAD_STATUS] = "an unknown status",
        [NETIF_BAD_SIZE] = "a frame past its page",
        [NETIF_BAD_FLAGS] = "a flag not negotiated",
    };

    return (unsigned int)v <= NETIF_BAD_FLAGS ? names[v] : "?";
}
