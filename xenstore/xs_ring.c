/*
 * xs_ring.c: moving whole xenstore messages through the shared page, with
 * every index and every reply header treated as untrusted.
 *
 * The bytes move through lib/byte_ring.c, as the console's do: the other
 * side's index is read once, `prod - cons <= XENSTORE_RING_SIZE` is
 * checked, and only then is the ring touched; our req_prod is our own.
 * What is xenstore's, here, is that the rings carry messages rather than
 * bytes, and a message (up to 16 + 4096 bytes) may be larger than the
 * ring (1024):
 *
 *  - the writer puts a request in as the ring drains, piece by piece;
 *  - the reader keeps a message in progress across calls, collecting the
 *    header in its own state, where the length is checked before it is
 *    used, and the payload in the caller's buffer.
 */
#include <tinypv/xs_ring.h>
#include <lib/string.h>

#define HDR_SIZE    sizeof(struct xsd_sockmsg)

static void use_page(struct xs_ring *r, struct xenstore_domain_interface *intf)
{
    r->intf = intf;
    r->req = BYTE_RING(intf->req, &intf->req_prod, &intf->req_cons);
    r->rsp = BYTE_RING(intf->rsp, &intf->rsp_prod, &intf->rsp_cons);
}

void xs_ring_init(struct xs_ring *r, struct xenstore_domain_interface *intf,
                  const struct xs_ring_ops *ops)
{
    memset(r, 0, sizeof(*r));
    r->ops = *ops;
    r->fault = XS_RING_FAULT_NONE;
    use_page(r, intf);
    r->req_prod = byte_ring_adopt_prod(&r->req);     /* read once, here */
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

/* LAB xenstore BEGIN: write a request into the req ring */
/* byte_ring_fill()'s callbacks, for one request. */
struct req_wait {
    struct xs_ring *r;
    bool waited;                    /* the request found the ring full */
};

/* Every piece is announced: xenstored may be asleep. */
static void req_placed(void *ctx, size_t n)
{
    struct xs_ring *r = ((struct req_wait *)ctx)->r;

    r->stats.tx_bytes += n;
    notify(r);
}

static bool req_full(void *ctx, unsigned int attempt, uint32_t cons)
{
    struct req_wait *wait = ctx;
    struct xs_ring *r = wait->r;

    if ( !wait->waited )
    {
        wait->waited = true;
        r->stats.full_waits++;
    }
    return r->ops.wait(r->ops.ctx, attempt);
}

enum xs_tx_result xs_ring_write(struct xs_ring *r, const void *msg, size_t len)
{
    static const struct byte_ring_filler filler = { req_placed, req_full };
    struct req_wait wait = { .r = r };
    struct byte_ring_fill fill;

    if ( r->fault != XS_RING_FAULT_NONE )
        return XS_TX_FAULT;
    if ( len < HDR_SIZE || len > XS_MSG_MAX )
        return XS_TX_INVALID;

    switch ( byte_ring_fill(&r->req, &r->req_prod, msg, len, &filler, &wait,
                            &fill) )
    {
    case BYTE_RING_DONE:
        break;
    case BYTE_RING_CORRUPT:
        mark_fault(r, XS_RING_FAULT_REQ_INDEX, r->req_prod, fill.cons);
        return XS_TX_FAULT;
    case BYTE_RING_STOPPED:
        if ( fill.done == 0 )
            return XS_TX_GAVE_UP;
        /* Half a request in the ring: the stream is out of step. */
        mark_fault(r, XS_RING_FAULT_REQ_TORN, r->req_prod, fill.cons);
        return XS_TX_FAULT;
    }
    r->stats.tx_messages++;
    return XS_TX_OK;
}
#if 0 /* LAB xenstore STUB */
/*
 * LAB xenstore: put one whole request (header and payload, len bytes at
 * msg) into the req ring, as the ring drains. Refuse a ring given up on
 * (r->fault: XS_TX_FAULT) and a len that is no message (less than the
 * header or over XS_MSG_MAX: XS_TX_INVALID). byte_ring_fill() is the loop:
 * it reads req_cons once, checks it, copies with the wrap and publishes
 * r->req_prod; write its two callbacks. Placed bytes: count
 * r->stats.tx_bytes and notify() at once, for every piece (xenstored may
 * be asleep, and a request larger than the ring only goes in as it reads).
 * A full ring: count r->stats.full_waits once per request, then
 * r->ops.wait(r->ops.ctx, attempt), which says whether to go on waiting.
 * The loop's end: BYTE_RING_CORRUPT is a fault (mark_fault(),
 * XS_RING_FAULT_REQ_INDEX, XS_TX_FAULT); BYTE_RING_STOPPED with nothing
 * placed is XS_TX_GAVE_UP, with part of the request placed the stream is
 * out of step for good (XS_RING_FAULT_REQ_TORN, XS_TX_FAULT). Count
 * r->stats.tx_messages for each request sent (XS_TX_OK).
 */
enum xs_tx_result xs_ring_write(struct xs_ring *r, const void *msg, size_t len)
{
    return XS_TX_INVALID;
}
#endif /* LAB xenstore END */

/* --- the reader: xenstored -> guest --------------------------------------- */

/* LAB xenstore BEGIN: read one reply or event from the rsp ring */
/*
 * Take up to avail bytes of the header, from cons (prod is the rsp_prod
 * this call read). Once it is whole, check its len: this is the one place
 * an untrusted length enters, and nothing is sized by it before the check.
 * Returns the bytes taken, or 0 on a bad header.
 */
static size_t take_header(struct xs_ring *r, XENSTORE_RING_IDX prod,
                          XENSTORE_RING_IDX cons, size_t avail, size_t size)
{
    size_t n = MIN(avail, HDR_SIZE - r->hdr_have);

    byte_ring_get(&r->rsp, prod, cons, (uint8_t *)&r->hdr + r->hdr_have, n);
    r->hdr_have += n;
    if ( r->hdr_have < HDR_SIZE )
        return n;

    if ( r->hdr.len > XENSTORE_PAYLOAD_MAX )
    {
        r->bad_len = r->hdr.len;
        mark_fault(r, XS_RING_FAULT_RSP_LEN, prod, cons);
        return 0;
    }
    r->oversize = size < HDR_SIZE || r->hdr.len > size - HDR_SIZE;
    return n;
}

/* Take up to avail payload bytes into buf, or skip them if it is too small. */
static size_t take_body(struct xs_ring *r, XENSTORE_RING_IDX prod,
                        XENSTORE_RING_IDX cons, size_t avail, uint8_t *buf)
{
    size_t n = MIN(avail, r->hdr.len - r->body_have);

    if ( !r->oversize )
        byte_ring_get(&r->rsp, prod, cons, buf + HDR_SIZE + r->body_have, n);
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

    if ( !byte_ring_avail(&r->rsp, &prod, &cons, &avail) )
    {
        mark_fault(r, XS_RING_FAULT_RSP_INDEX, prod, cons);
        return XS_RX_FAULT;
    }
    start = cons;

    /* Stop at the end of a message, so each call yields at most one. */
    while ( avail > 0 && result == XS_RX_NONE )
    {
        if ( r->hdr_have < HDR_SIZE )
            n = take_header(r, prod, cons, avail, size);
        else
            n = take_body(r, prod, cons, avail, buf);
        if ( r->fault != XS_RING_FAULT_NONE )
            return XS_RX_FAULT;
        cons += (XENSTORE_RING_IDX)n;
        avail -= n;
        result = finish_message(r, buf, msg_len);
    }

    if ( cons != start )
    {
        byte_ring_consume(&r->rsp, cons);
        r->stats.rx_bytes += (XENSTORE_RING_IDX)(cons - start);
        notify(r);
    }
    return result;
}
#if 0 /* LAB xenstore STUB */
/*
 * LAB xenstore: read what xenstored sent: at most one whole message per
 * call (XS_RX_MESSAGE, its bytes in buf and *msg_len), XS_RX_NONE when no
 * message is complete yet, XS_RX_FAULT when the ring is given up on. The
 * rsp ring is 1024 bytes and a message up to 16 + 4096: collect it across
 * calls, the header in r->hdr (r->hdr_have bytes of it so far), the
 * payload in buf (r->body_have). byte_ring_avail() reads rsp_prod once and
 * checks it (else mark_fault(), XS_RING_FAULT_RSP_INDEX); byte_ring_get()
 * copies. Once the header is whole, check r->hdr.len BEFORE using it: over
 * XENSTORE_PAYLOAD_MAX is a fault (XS_RING_FAULT_RSP_LEN, r->bad_len); one
 * that does not fit in size is skipped (r->oversize) and reported as
 * XS_RX_DROPPED, counting r->stats.rx_dropped. Stop at a message's end.
 * Then publish the new rsp_cons (byte_ring_consume()), count
 * r->stats.rx_bytes and rx_messages, and notify() if you took anything.
 */
enum xs_rx_result xs_ring_read(struct xs_ring *r, void *buf, size_t size,
                               size_t *msg_len)
{
    return XS_RX_FAULT;             /* every request fails at once: EIO */
}
#endif /* LAB xenstore END */

/* --- a new backend -------------------------------------------------------- */

void xs_ring_reconnect(struct xs_ring *r,
                       struct xenstore_domain_interface *intf,
                       struct xs_ring_leftovers *left)
{
    XENSTORE_RING_IDX prod, cons;
    size_t n;

    memset(left, 0, sizeof(*left));
    left->half_read = r->hdr_have != 0 || r->body_have != 0;
    r->hdr_have = 0;
    r->body_have = 0;
    r->oversize = false;
    use_page(r, intf);
    if ( r->fault != XS_RING_FAULT_NONE )
        return;
    r->req_prod = byte_ring_adopt_prod(&r->req);     /* the new page's */

    /* As xs_ring_read() reads them: once, checked, then used. */
    if ( !byte_ring_avail(&r->rsp, &prod, &cons, &n) )
    {
        mark_fault(r, XS_RING_FAULT_RSP_INDEX, prod, cons);
        return;
    }
    if ( n )
    {
        left->rsp_dropped = (uint32_t)n;
        byte_ring_consume(&r->rsp, prod);
        notify(r);
    }

    if ( !byte_ring_space(&r->req, r->req_prod, &cons, &n) )
    {
        mark_fault(r, XS_RING_FAULT_REQ_INDEX, r->req_prod, cons);
        return;
    }
    left->req_unread = XENSTORE_RING_SIZE - (uint32_t)n;
}
