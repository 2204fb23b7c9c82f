/*
 * xs_ring.c: moving whole xenstore messages through the shared page, with
 * every index and every reply header treated as untrusted.
 *
 * The discipline is the console ring's (console/ring.c): the other side's
 * index is read once into a local, `prod - cons <= XENSTORE_RING_SIZE` is
 * checked, and only then is the index used, masked, to touch the ring.
 * What is new here is that the rings carry messages rather than bytes, and
 * a message (up to 16 + 4096 bytes) may be larger than the ring (1024):
 *
 *  - the writer puts a request in as the ring drains, piece by piece;
 *  - the reader keeps a message in progress across calls, collecting the
 *    header in its own state, where the length is checked before it is
 *    used, and the payload in the caller's buffer.
 */
#include <tinypv/xs_ring.h>
#include <tinypv/barrier.h>
#include <lib/string.h>

#define HDR_SIZE    sizeof(struct xsd_sockmsg)

void xs_ring_init(struct xs_ring *r, struct xenstore_domain_interface *intf,
                  const struct xs_ring_ops *ops)
{
    memset(r, 0, sizeof(*r));
    r->intf = intf;
    r->ops = *ops;
    r->fault = XS_RING_FAULT_NONE;
}

const char *xs_ring_fault_name(enum xs_ring_fault fault)
{
    switch ( fault )
    {
    case XS_RING_FAULT_NONE:        return "none";
    case XS_RING_FAULT_REQ_INDEX:   return "request ring indices";
    case XS_RING_FAULT_RSP_INDEX:   return "reply ring indices";
    case XS_RING_FAULT_RSP_LEN:     return "reply over XENSTORE_PAYLOAD_MAX";
    case XS_RING_FAULT_REQ_TORN:    return "request torn, xenstored stalled";
    }
    return "unknown";
}

/* The page is given up on; remember why, for the report. */
static void mark_fault(struct xs_ring *r, enum xs_ring_fault fault,
                       XENSTORE_RING_IDX prod, XENSTORE_RING_IDX cons)
{
    r->fault = fault;
    r->bad_prod = prod;
    r->bad_cons = cons;
}

static void notify(struct xs_ring *r)
{
    r->stats.notifications++;
    r->ops.notify(r->ops.ctx);
}

/* --- the writer: guest -> xenstored --------------------------------------- */

/*
 * Read both req indices once and return the free space, or mark the page
 * faulty and return 0. req_cons is xenstored's; reading it with acquire
 * keeps our writes into the space it frees after the read.
 */
static size_t req_space(struct xs_ring *r, XENSTORE_RING_IDX *prod,
                        XENSTORE_RING_IDX *cons)
{
    XENSTORE_RING_IDX used;

    *cons = load_acquire(&r->intf->req_cons);
    *prod = read_once(&r->intf->req_prod);
    used = *prod - *cons;
    if ( used > XENSTORE_RING_SIZE )
    {
        mark_fault(r, XS_RING_FAULT_REQ_INDEX, *prod, *cons);
        return 0;
    }
    return XENSTORE_RING_SIZE - used;
}

/* Copy n bytes (n <= free space) at prod, wrapping, then publish them. */
static void req_put(struct xs_ring *r, XENSTORE_RING_IDX prod,
                    const uint8_t *buf, size_t n)
{
    size_t off = MASK_XENSTORE_IDX(prod);
    size_t first = MIN(n, XENSTORE_RING_SIZE - off);

    memcpy(r->intf->req + off, buf, first);
    memcpy(r->intf->req, buf + first, n - first);
    /* Release: the bytes are in the ring before xenstored sees req_prod. */
    store_release(&r->intf->req_prod, prod + (XENSTORE_RING_IDX)n);
    r->stats.tx_bytes += n;
}

enum xs_tx_result xs_ring_write(struct xs_ring *r, const void *msg, size_t len)
{
    const uint8_t *bytes = msg;
    size_t done = 0, space, n;
    unsigned int attempt = 0;
    bool waited = false;
    XENSTORE_RING_IDX prod, cons;

    if ( r->fault != XS_RING_FAULT_NONE )
        return XS_TX_FAULT;
    if ( len < HDR_SIZE || len > XS_MSG_MAX )
        return XS_TX_INVALID;

    while ( done < len )
    {
        space = req_space(r, &prod, &cons);
        if ( r->fault != XS_RING_FAULT_NONE )
            return XS_TX_FAULT;

        if ( space )
        {
            n = MIN(space, len - done);
            req_put(r, prod, bytes + done, n);
            done += n;
            attempt = 0;
            /* Every piece is announced: xenstored may be asleep. */
            notify(r);
            continue;
        }

        if ( !waited )
        {
            waited = true;
            r->stats.full_waits++;
        }
        if ( !r->ops.wait(r->ops.ctx, attempt++) )
        {
            if ( done == 0 )
                return XS_TX_GAVE_UP;
            /* Half a request in the ring: the stream is out of step. */
            mark_fault(r, XS_RING_FAULT_REQ_TORN, prod, cons);
            return XS_TX_FAULT;
        }
    }
    r->stats.tx_messages++;
    return XS_TX_OK;
}

/* --- the reader: xenstored -> guest --------------------------------------- */

/* Copy n bytes (n <= bytes available) from cons, wrapping. */
static void rsp_get(const struct xs_ring *r, XENSTORE_RING_IDX cons,
                    void *dst, size_t n)
{
    size_t off = MASK_XENSTORE_IDX(cons);
    size_t first = MIN(n, XENSTORE_RING_SIZE - off);

    memcpy(dst, r->intf->rsp + off, first);
    memcpy((uint8_t *)dst + first, r->intf->rsp, n - first);
}

/*
 * Take up to avail bytes of the header. Once it is whole, check its len:
 * this is the one place an untrusted length enters, and nothing is sized
 * by it before the check. Returns the bytes taken, or 0 on a bad header.
 */
static size_t take_header(struct xs_ring *r, XENSTORE_RING_IDX cons,
                          size_t avail, size_t size)
{
    size_t n = MIN(avail, HDR_SIZE - r->hdr_have);

    rsp_get(r, cons, (uint8_t *)&r->hdr + r->hdr_have, n);
    r->hdr_have += n;
    if ( r->hdr_have < HDR_SIZE )
        return n;

    if ( r->hdr.len > XENSTORE_PAYLOAD_MAX )
    {
        r->bad_len = r->hdr.len;
        /* cons + avail is the rsp_prod this call read. */
        mark_fault(r, XS_RING_FAULT_RSP_LEN,
                   cons + (XENSTORE_RING_IDX)avail, cons);
        return 0;
    }
    r->oversize = size < HDR_SIZE || r->hdr.len > size - HDR_SIZE;
    return n;
}

/* Take up to avail payload bytes into buf, or skip them if it is too small. */
static size_t take_body(struct xs_ring *r, XENSTORE_RING_IDX cons,
                        size_t avail, uint8_t *buf)
{
    size_t n = MIN(avail, r->hdr.len - r->body_have);

    if ( !r->oversize )
        rsp_get(r, cons, buf + HDR_SIZE + r->body_have, n);
    r->body_have += n;
    return n;
}

/* Is the message in progress complete? Then hand it over and start afresh. */
static enum xs_rx_result finish_message(struct xs_ring *r, uint8_t *buf,
                                        size_t *msg_len)
{
    if ( r->hdr_have < HDR_SIZE || r->body_have < r->hdr.len )
        return XS_RX_NONE;

    *msg_len = HDR_SIZE + r->hdr.len;
    r->hdr_have = 0;
    r->body_have = 0;
    r->stats.rx_messages++;
    if ( r->oversize )
    {
        r->stats.rx_dropped++;
        return XS_RX_DROPPED;
    }
    memcpy(buf, &r->hdr, HDR_SIZE);
    return XS_RX_MESSAGE;
}

enum xs_rx_result xs_ring_read(struct xs_ring *r, void *buf, size_t size,
                               size_t *msg_len)
{
    enum xs_rx_result result = XS_RX_NONE;
    XENSTORE_RING_IDX prod, cons, start;
    size_t avail, n;

    if ( r->fault != XS_RING_FAULT_NONE )
        return XS_RX_FAULT;

    /* Acquire: the bytes up to rsp_prod are visible once we have read it. */
    prod = load_acquire(&r->intf->rsp_prod);
    cons = read_once(&r->intf->rsp_cons);
    if ( (XENSTORE_RING_IDX)(prod - cons) > XENSTORE_RING_SIZE )
    {
        mark_fault(r, XS_RING_FAULT_RSP_INDEX, prod, cons);
        return XS_RX_FAULT;
    }
    avail = prod - cons;
    start = cons;

    /* Stop at the end of a message, so each call yields at most one. */
    while ( avail > 0 && result == XS_RX_NONE )
    {
        if ( r->hdr_have < HDR_SIZE )
            n = take_header(r, cons, avail, size);
        else
            n = take_body(r, cons, avail, buf);
        if ( r->fault != XS_RING_FAULT_NONE )
            return XS_RX_FAULT;
        cons += (XENSTORE_RING_IDX)n;
        avail -= n;
        result = finish_message(r, buf, msg_len);
    }

    if ( cons != start )
    {
        /* Release: we are done reading before xenstored may reuse the space. */
        store_release(&r->intf->rsp_cons, cons);
        r->stats.rx_bytes += (XENSTORE_RING_IDX)(cons - start);
        notify(r);
    }
    return result;
}

/* --- a new backend -------------------------------------------------------- */

void xs_ring_reconnect(struct xs_ring *r,
                       struct xenstore_domain_interface *intf,
                       struct xs_ring_leftovers *left)
{
    XENSTORE_RING_IDX prod, cons;

    memset(left, 0, sizeof(*left));
    left->half_read = r->hdr_have != 0 || r->body_have != 0;
    r->hdr_have = 0;
    r->body_have = 0;
    r->oversize = false;
    r->intf = intf;
    if ( r->fault != XS_RING_FAULT_NONE )
        return;

    /* As xs_ring_read() reads them: once, checked, then used. */
    prod = load_acquire(&intf->rsp_prod);
    cons = read_once(&intf->rsp_cons);
    if ( (XENSTORE_RING_IDX)(prod - cons) > XENSTORE_RING_SIZE )
    {
        mark_fault(r, XS_RING_FAULT_RSP_INDEX, prod, cons);
        return;
    }
    if ( prod != cons )
    {
        left->rsp_dropped = prod - cons;
        store_release(&intf->rsp_cons, prod);
        notify(r);
    }

    cons = load_acquire(&intf->req_cons);
    prod = read_once(&intf->req_prod);
    if ( (XENSTORE_RING_IDX)(prod - cons) > XENSTORE_RING_SIZE )
    {
        mark_fault(r, XS_RING_FAULT_REQ_INDEX, prod, cons);
        return;
    }
    left->req_unread = prod - cons;
}
