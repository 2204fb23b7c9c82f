/*
 * fuzz_xenstore.c: what xenstored sends us, and the ring that carries it
 * (xenstore/xs_proto.c and xenstore/xs_ring.c).
 *
 * The first input byte chooses what is attacked; the rest is its input.
 *
 *   0  reply parsing. The rest is one message as received: xs_parse_msg(),
 *      then every reader of a parsed message (xs_reply_status, _read,
 *      _directory at several buffer sizes, _transaction, xs_parse_watch_event,
 *      xs_error_from_name) and the name/number helpers. Each is held
 *      against a reference written from xs_proto.h: the same result, and
 *      output buffers (allocated at their exact size) holding what the
 *      header promises, terminated where it promises.
 *   1  request building. A buffer size, type and id, then strings and raw
 *      byte runs to append: xs_build_end() must succeed exactly when all
 *      of it fits in the buffer and in XENSTORE_PAYLOAD_MAX, and what it
 *      built must parse back to the same header and payload.
 *   2  the ring with a well-behaved xenstored: it sends whole messages
 *      (len <= XENSTORE_PAYLOAD_MAX) as the reply ring has room, and takes
 *      requests as they come. Every message the reader returns must be
 *      the next one sent (or dropped, exactly when it does not fit the
 *      caller's buffer), every request byte it takes must be the next one
 *      written, and the page never turns faulty.
 *   3  the ring with a hostile xenstored: any index, any header, any bytes.
 *
 * In 2 and 3 the rest is a program, as in fuzz_console_ring.c: the reader's
 * buffer size, start indices, then operations (read, write a request,
 * xenstored sends / pushes / consumes / lies). The writer's wait callback
 * takes its moves from the program too, and gives up when it is over.
 * Invariants whatever xenstored does: the guard areas around the page are
 * intact; the reader changes only rsp_cons and the writer only req[] slots
 * it publishes and req_prod; a message returned fits the buffer and
 * carries its header, with len <= XENSTORE_PAYLOAD_MAX; a fault is final
 * (no more bytes move, no notifications) and is recorded with the values
 * that caused it; the statistics add up.
 */
#include <tinypv/xs_proto.h>       /* first: it defines the errno values */
#include <tinypv/xs_ring.h>
#include "fuzz.h"
#include "fake_backend.h"

#define HDR         sizeof(struct xsd_sockmsg)
#define RING        XENSTORE_RING_SIZE
#define SLOT(i)     MASK_XENSTORE_IDX(i)

/* --- 0: reply parsing ----------------------------------------------------- */

static int ref_error(const char *body, size_t len)
{
    size_t n = strnlen(body, len);

    for ( size_t i = 0; i < ARRAY_SIZE(xsd_errors); i++ )
        if ( strlen(xsd_errors[i].errstring) == n &&
             memcmp(xsd_errors[i].errstring, body, n) == 0 )
            return -xsd_errors[i].errnum;
    return -EIO;
}

static int ref_status(const struct xs_msg *m, uint32_t type)
{
    if ( m->type == XS_ERROR )
        return ref_error(m->body, m->len);
    return m->type == type ? 0 : -EBADMSG;
}

/* Non-empty NUL-terminated names, filling the payload exactly. */
static bool ref_name_list(const char *body, size_t len)
{
    size_t start = 0;

    for ( size_t i = 0; i < len; i++ )
    {
        if ( body[i] != '\0' )
            continue;
        if ( i == start )
            return false;
        start = i + 1;
    }
    return start == len;
}

static void check_read(const struct xs_msg *m, size_t size)
{
    char *buf = malloc(size ? size : 1);
    int status = ref_status(m, XS_READ);
    int r = xs_reply_read(m, size ? buf : NULL, size);
    size_t n;

    if ( size == 0 )
        FUZZ_ASSERT(r == (status ? status : -EINVAL));
    else if ( status )
        FUZZ_ASSERT(r == status && buf[0] == '\0');
    else
    {
        n = MIN((size_t)m->len, size - 1);
        FUZZ_ASSERT(r == (n < m->len ? -EOVERFLOW : (int)m->len));
        FUZZ_ASSERT(memcmp(buf, m->body, n) == 0 && buf[n] == '\0');
    }
    free(buf);
}

/* A transaction id: 1-10 digits up to the first NUL, 1..UINT32_MAX. */
static void check_transaction(const struct xs_msg *m)
{
    int status = ref_status(m, XS_TRANSACTION_START);
    uint32_t tx = 0;
    int r = xs_reply_transaction(m, &tx);
    size_t n = strnlen(m->body, m->len);
    uint64_t v = 0;
    bool ok = n >= 1 && n <= 10;

    if ( status )
    {
        FUZZ_ASSERT(r == status);
        return;
    }
    for ( size_t i = 0; ok && i < n; i++ )
    {
        ok = m->body[i] >= '0' && m->body[i] <= '9';
        v = v * 10 + (uint64_t)(m->body[i] - '0');
    }
    ok = ok && v != 0 && v <= UINT32_MAX;
    FUZZ_ASSERT(r == (ok ? 0 : -EBADMSG));
    if ( ok )
        FUZZ_ASSERT(tx == v);
}

static void check_directory(const struct xs_msg *m, size_t size)
{
    char *buf = malloc(size ? size : 1);
    int status = ref_status(m, XS_DIRECTORY);
    int r = xs_reply_directory(m, size ? buf : NULL, size);
    size_t off = 0, n;
    int count = 0;

    if ( size == 0 )
    {
        FUZZ_ASSERT(r == (status ? status : -EINVAL));
        goto out;
    }
    if ( status )
    {
        FUZZ_ASSERT(r == status && buf[0] == '\0');
        goto out;
    }
    if ( !ref_name_list(m->body, m->len) )
    {
        FUZZ_ASSERT(r == -EBADMSG && buf[0] == '\0');
        goto out;
    }

    /* Whole names while each, and the list's final NUL, fit. */
    while ( off < m->len )
    {
        n = strlen(m->body + off) + 1;
        if ( off + n + 1 > size )
            break;
        off += n;
        count++;
    }
    FUZZ_ASSERT(r == (off < m->len ? -EOVERFLOW : count));
    FUZZ_ASSERT(memcmp(buf, m->body, off) == 0 && buf[off] == '\0');
out:
    free(buf);
}

static void check_watch_event(const struct xs_msg *m)
{
    const char *path = NULL, *token = NULL;
    int r = xs_parse_watch_event(m, &path, &token);
    size_t p, t;

    if ( m->type != XS_WATCH_EVENT )
    {
        FUZZ_ASSERT(r == -EBADMSG);
        return;
    }
    p = strnlen(m->body, m->len);
    t = (p < m->len) ? strnlen(m->body + p + 1, m->len - p - 1) : 0;
    if ( p == m->len || t == m->len - p - 1 )
    {
        FUZZ_ASSERT(r == -EBADMSG);
        return;
    }
    FUZZ_ASSERT(r == 0 && path == m->body && token == m->body + p + 1);
}

static void check_uint(const char *s)
{
    uint32_t got = 7, want = 7;
    uint64_t v = 0;
    const char *p = s;
    int rc = xs_parse_uint(s, &got);

    for ( ; *p >= '0' && *p <= '9'; p++ )
        v = MIN(v * 10 + (uint64_t)(*p - '0'), 1ULL << 40);
    if ( p != s && *p == '\0' && v <= UINT32_MAX )
    {
        want = (uint32_t)v;
        FUZZ_ASSERT(rc == 0);
    }
    else
        FUZZ_ASSERT(rc == -EINVAL);
    FUZZ_ASSERT(got == want);
}

static void fuzz_reply(const uint8_t *data, size_t size)
{
    uint8_t *msg = malloc(size ? size : 1);     /* exact: no slack to read */
    struct xsd_sockmsg h = { 0 };
    struct xs_msg m;
    bool valid;
    char *str;
    int rc;

    memcpy(msg, data, size);
    if ( size >= HDR )
        memcpy(&h, msg, HDR);
    valid = size >= HDR && h.len <= XENSTORE_PAYLOAD_MAX && h.len == size - HDR;

    rc = xs_parse_msg(msg, size, &m);
    FUZZ_ASSERT(rc == (valid ? 0 : -EBADMSG));
    if ( valid )
    {
        const size_t sizes[] = { 0, 1, 2, 3, 16, m.len / 2 + 1, m.len,
                                 m.len + 1, m.len + 2 };
        const uint32_t types[] = { XS_READ, XS_DIRECTORY, XS_WRITE, h.type };

        FUZZ_ASSERT(m.type == h.type && m.req_id == h.req_id &&
                    m.tx_id == h.tx_id && m.len == h.len);
        FUZZ_ASSERT(m.body == (const char *)msg + HDR);
        for ( size_t i = 0; i < ARRAY_SIZE(types); i++ )
            FUZZ_ASSERT(xs_reply_status(&m, types[i]) == ref_status(&m, types[i]));
        for ( size_t i = 0; i < ARRAY_SIZE(sizes); i++ )
        {
            check_read(&m, sizes[i]);
            check_directory(&m, sizes[i]);
        }
        check_watch_event(&m);
        check_transaction(&m);

        /* The same payload read as each type xenstored might have sent. */
        m.type = XS_ERROR;
        FUZZ_ASSERT(xs_error_from_name(m.body, m.len) == ref_error(m.body, m.len));
        check_read(&m, m.len + 1);
        m.type = XS_DIRECTORY;
        check_directory(&m, m.len + 1);
        m.type = XS_WATCH_EVENT;
        check_watch_event(&m);
        m.type = XS_TRANSACTION_START;
        check_transaction(&m);
    }

    FUZZ_ASSERT(xs_type_name(h.type) != NULL);
    FUZZ_ASSERT(xs_strerror((int)h.req_id) != NULL);
    FUZZ_ASSERT(xs_errno_name((int)h.req_id) != NULL);
    str = malloc(size + 1);
    memcpy(str, data, size);
    str[size] = '\0';
    check_uint(str);
    free(str);
    free(msg);
}

/* --- 1: request building -------------------------------------------------- */

static void fuzz_build(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size };
    size_t bsize = fuzz_u16(&in) % (HDR + XENSTORE_PAYLOAD_MAX + 64);
    uint32_t type = fuzz_u32(&in), req_id = fuzz_u32(&in);
    size_t limit = MIN(bsize, HDR + XENSTORE_PAYLOAD_MAX);
    uint8_t *buf = malloc(bsize ? bsize : 1);
    uint8_t *want = malloc(XENSTORE_PAYLOAD_MAX + 1);
    size_t want_len = 0, total = HDR, built;
    struct xs_builder b;
    struct xs_msg m;

    xs_build_start(&b, buf, bsize, type, req_id);
    while ( !fuzz_empty(&in) )
    {
        uint8_t op = fuzz_u8(&in);
        size_t n = (op & 1) ? fuzz_u16(&in) % 5000 : fuzz_u8(&in);
        uint8_t *piece = malloc(n + 1);

        for ( size_t i = 0; i < n; i++ )
            piece[i] = fuzz_empty(&in) ? fuzz_pattern(i) : fuzz_u8(&in);
        if ( op & 2 )
        {
            /* A string: up to its first NUL, and the NUL. */
            piece[n] = '\0';
            n = strlen((char *)piece) + 1;
            xs_build_string(&b, (char *)piece);
        }
        else
            xs_build_bytes(&b, piece, n);

        if ( total + n <= limit )
            memcpy(want + want_len, piece, n);
        want_len += (total + n <= limit) ? n : 0;
        total += n;
        free(piece);
    }

    built = xs_build_end(&b);
    if ( bsize < HDR || total > limit )
        FUZZ_ASSERT(built == 0);
    else
    {
        FUZZ_ASSERT(built == total && want_len == total - HDR);
        FUZZ_ASSERT(xs_parse_msg(buf, built, &m) == 0);
        FUZZ_ASSERT(m.type == type && m.req_id == req_id && m.tx_id == 0);
        FUZZ_ASSERT(m.len == want_len);
        FUZZ_ASSERT(memcmp(m.body, want, want_len) == 0);
    }
    free(want);
    free(buf);
}

/* --- 2 and 3: the ring ---------------------------------------------------- */

static FAKE_PAGE(struct xenstore_domain_interface) page;
static struct fake_ring req_ring, rsp_ring;    /* xenstored's view */

static struct {
    struct fuzz_input in;
    bool good;
    struct xs_ring r;
    uint8_t *buf;                   /* the reader's buffer, kept across calls */
    size_t size;

    uint64_t notifies, waits;
    uint64_t tx_bytes, rx_bytes, tx_messages, rx_messages, rx_dropped;

    /*
     * The writer as xenstored sees it (fake_backend.h): the index it last
     * published, the request in progress and the page at the checkpoint;
     * and the notifications sent by then.
     */
    struct fake_watch watch;
    unsigned int op_waits;
    uint64_t cp_notifies;

    /* Well-behaved xenstored: requests it took, replies not yet in the ring. */
    uint8_t shadow_req[RING];
    uint8_t *outq;                  /* reply bytes queued, not yet pushed */
    size_t outq_len, outq_cap;
    uint8_t *sent;                  /* every reply byte pushed, in order */
    size_t sent_len, sent_cap;
    size_t rx_pos;                  /* where the next message starts in sent */
} X;

static void append(uint8_t **buf, size_t *len, size_t *cap, const void *p,
                   size_t n)
{
    if ( n == 0 )
        return;             /* *buf may still be NULL */
    if ( *len + n > *cap )
    {
        *cap = MAX(*cap * 2, *len + n);
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, p, n);
    *len += n;
}

static void xs_checkpoint_take(void)
{
    fake_watch_snap(&X.watch);
    X.cp_notifies = X.notifies;
}

/*
 * Since the checkpoint the writer may only have published request bytes:
 * the next ones of its message, in the free slots from the index it last
 * published (not req_prod: xenstored may have rewritten that), and
 * req_prod set to the end of them; and each piece is announced.
 */
static void xs_checkpoint_verify(void)
{
    uint32_t delta;

    FUZZ_ASSERT_OK(fake_watch_check(&X.watch, X.r.req_prod, &delta));
    /* Every piece is announced: xenstored may be asleep. */
    if ( delta > 0 )
        FUZZ_ASSERT(X.notifies > X.cp_notifies);
}

/* xenstored takes up to k request bytes. */
static void xsd_consume(size_t k)
{
    static uint8_t got[RING];
    XENSTORE_RING_IDX cons = page.intf.req_cons;
    size_t n = fake_take(&req_ring, got, k);

    if ( n == FAKE_CORRUPT )
        return;
    if ( X.good )
        for ( size_t i = 0; i < n; i++ )
            FUZZ_ASSERT(got[i] == X.shadow_req[SLOT(cons + i)]);
}

/* xenstored queues a message: a header from the program, a patterned body. */
static void xsd_send(void)
{
    struct xsd_sockmsg h;
    uint32_t len = fuzz_u32(&X.in);

    h.type = fuzz_u8(&X.in) % (XS_TYPE_COUNT + 1);
    h.req_id = fuzz_u8(&X.in);
    h.tx_id = 0;
    /* Mostly short, sometimes larger than the ring, rarely a lie. */
    if ( X.good || (len >> 16) != 0xffff )
        h.len = (len & 0x8000) ? len % (XENSTORE_PAYLOAD_MAX + 1) : len % 96;
    else
        h.len = len & 0xffff ? XENSTORE_PAYLOAD_MAX + (len & 0xffff) : len;
    append(&X.outq, &X.outq_len, &X.outq_cap, &h, HDR);
    for ( uint32_t i = 0; i < h.len && i < XENSTORE_PAYLOAD_MAX; i++ )
    {
        uint8_t b = fuzz_pattern(X.outq_len + X.sent_len);

        append(&X.outq, &X.outq_len, &X.outq_cap, &b, 1);
    }
}

/* xenstored puts up to k queued reply bytes into the ring. */
static void xsd_push(size_t k)
{
    size_t n = MIN(k, X.outq_len);

    if ( X.good )
        n = MIN(n, fake_room(&rsp_ring));
    if ( n == 0 )
        return;             /* X.outq may still be NULL */
    fake_force(&rsp_ring, X.outq, n);
    append(&X.sent, &X.sent_len, &X.sent_cap, X.outq, n);
    memmove(X.outq, X.outq + n, X.outq_len - n);
    X.outq_len -= n;
}

static void xs_notify(void *ctx)
{
    X.notifies++;
}

static bool xs_wait(void *ctx, unsigned int attempt)
{
    uint8_t b;
    bool ret = true;

    xs_checkpoint_verify();
    FUZZ_ASSERT(X.watch.want);
    FUZZ_ASSERT(X.r.fault == XS_RING_FAULT_NONE);
    /* Only a full ring is waited on. */
    FUZZ_ASSERT(X.watch.prod - page.intf.req_cons == RING);
    FUZZ_ASSERT(attempt <= X.op_waits);
    if ( X.op_waits == 0 )
        FUZZ_ASSERT(attempt == 0);
    X.op_waits++;
    X.waits++;

    if ( fuzz_empty(&X.in) )
        ret = false;
    else
    {
        b = fuzz_u8(&X.in);
        switch ( b & 3 )
        {
        case 0:
            ret = false;
            break;
        case 1:
            xsd_consume((size_t)(b >> 2) * 17);
            break;
        case 2:
            xsd_consume(RING);
            break;
        default:
            fuzz_hostile(&X.in, !X.good, &req_ring, &rsp_ring, b >> 2);
            break;
        }
    }
    xs_checkpoint_take();
    return ret;
}

static const struct xs_ring_ops xs_ops = { .notify = xs_notify, .wait = xs_wait };

static void xs_check_state(void)
{
    const struct xs_ring *r = &X.r;

    FUZZ_ASSERT(FAKE_PAGE_INTACT(page));
    FUZZ_ASSERT(r->stats.tx_bytes == X.tx_bytes);
    FUZZ_ASSERT(r->stats.rx_bytes == X.rx_bytes);
    FUZZ_ASSERT(r->stats.tx_messages == X.tx_messages);
    FUZZ_ASSERT(r->stats.rx_messages == X.rx_messages);
    FUZZ_ASSERT(r->stats.rx_dropped == X.rx_dropped);
    FUZZ_ASSERT(r->stats.notifications == X.notifies);
    FUZZ_ASSERT(r->stats.full_waits <= X.waits);
    FUZZ_ASSERT(r->hdr_have <= HDR);
    if ( r->hdr_have == HDR && r->fault == XS_RING_FAULT_NONE )
        FUZZ_ASSERT(r->hdr.len <= XENSTORE_PAYLOAD_MAX &&
                    r->body_have <= r->hdr.len);
    else
        FUZZ_ASSERT(r->body_have == 0 || r->fault != XS_RING_FAULT_NONE);
    FUZZ_ASSERT(xs_ring_fault_name(r->fault) != NULL);

    switch ( r->fault )
    {
    case XS_RING_FAULT_NONE:
        break;
    case XS_RING_FAULT_REQ_INDEX:
    case XS_RING_FAULT_RSP_INDEX:
        FUZZ_ASSERT(r->bad_prod - r->bad_cons > RING);
        break;
    case XS_RING_FAULT_RSP_LEN:
        FUZZ_ASSERT(r->bad_len > XENSTORE_PAYLOAD_MAX);
        break;
    case XS_RING_FAULT_REQ_TORN:
        break;
    default:
        FUZZ_ASSERT(!"an unknown fault");
    }
    if ( X.good )
    {
        FUZZ_ASSERT(r->fault == XS_RING_FAULT_NONE ||
                    r->fault == XS_RING_FAULT_REQ_TORN);
        /* Everything the writer published, and nothing else, is there. */
        FUZZ_ASSERT(page.intf.req_prod == X.watch.prod);
    }
}

static void xs_op_read(void)
{
    struct xs_ring *r = &X.r;
    enum xs_ring_fault before = r->fault;
    uint32_t bad_prod = r->bad_prod, bad_cons = r->bad_cons;
    XENSTORE_RING_IDX prod = page.intf.rsp_prod, cons = page.intf.rsp_cons;
    XENSTORE_RING_IDX avail = prod - cons, taken;
    uint64_t notifies = X.notifies;
    size_t msg_len = (size_t)-1;
    static struct xenstore_domain_interface cp;
    enum xs_rx_result res;

    cp = page.intf;
    res = xs_ring_read(r, X.buf, X.size, &msg_len);

    /* The reader moves rsp_cons and nothing else. */
    FUZZ_ASSERT(memcmp(page.intf.req, cp.req, RING) == 0);
    FUZZ_ASSERT(memcmp(page.intf.rsp, cp.rsp, RING) == 0);
    FUZZ_ASSERT(page.intf.req_prod == cp.req_prod &&
                page.intf.req_cons == cp.req_cons &&
                page.intf.rsp_prod == prod);
    taken = page.intf.rsp_cons - cons;
    FUZZ_ASSERT(taken <= avail);
    FUZZ_ASSERT(X.notifies == notifies + (taken > 0));
    X.rx_bytes += taken;

    if ( before != XS_RING_FAULT_NONE )
    {
        FUZZ_ASSERT(res == XS_RX_FAULT && taken == 0);
        FUZZ_ASSERT(r->fault == before && r->bad_prod == bad_prod &&
                    r->bad_cons == bad_cons);
        return;
    }
    if ( avail > RING )
    {
        FUZZ_ASSERT(res == XS_RX_FAULT && r->fault == XS_RING_FAULT_RSP_INDEX);
        FUZZ_ASSERT(r->bad_prod == prod && r->bad_cons == cons);
        FUZZ_ASSERT(taken == 0);
        return;
    }
    if ( X.good )
        FUZZ_ASSERT(X.sent_len - X.rx_bytes ==
                    (XENSTORE_RING_IDX)(page.intf.rsp_prod - page.intf.rsp_cons));

    switch ( res )
    {
    case XS_RX_NONE:
        /* Everything available was taken: no message is left waiting. */
        FUZZ_ASSERT(taken == avail);
        break;
    case XS_RX_MESSAGE:
    case XS_RX_DROPPED:
        X.rx_messages++;
        FUZZ_ASSERT(r->hdr.len <= XENSTORE_PAYLOAD_MAX);
        FUZZ_ASSERT(msg_len == HDR + r->hdr.len);
        FUZZ_ASSERT(r->hdr_have == 0 && r->body_have == 0);
        if ( res == XS_RX_MESSAGE )
        {
            FUZZ_ASSERT(msg_len <= X.size);
            FUZZ_ASSERT(memcmp(X.buf, &r->hdr, HDR) == 0);
        }
        else
        {
            X.rx_dropped++;
            FUZZ_ASSERT(msg_len > X.size);
        }
        if ( X.good )
        {
            /* The next message sent, ending exactly where the reader is. */
            FUZZ_ASSERT(X.rx_pos + msg_len == X.rx_bytes);
            if ( res == XS_RX_MESSAGE )
                FUZZ_ASSERT(memcmp(X.buf, X.sent + X.rx_pos, msg_len) == 0);
            else
                FUZZ_ASSERT(memcmp(&r->hdr, X.sent + X.rx_pos, HDR) == 0);
            X.rx_pos += msg_len;
        }
        break;
    case XS_RX_FAULT:
        FUZZ_ASSERT(r->fault == XS_RING_FAULT_RSP_LEN);
        FUZZ_ASSERT(r->bad_len == r->hdr.len);
        break;
    default:
        FUZZ_ASSERT(!"an unknown read result");
    }
}

static void xs_op_write(size_t len)
{
    struct xs_ring *r = &X.r;
    enum xs_ring_fault before = r->fault;
    uint64_t waits = X.waits;
    uint8_t *msg = malloc(len ? len : 1);
    enum xs_tx_result res;

    for ( size_t i = 0; i < len; i++ )
        msg[i] = fuzz_pattern(X.tx_bytes + i + 1);

    X.op_waits = 0;
    fake_watch_call(&X.watch, msg, len);
    X.cp_notifies = X.notifies;
    res = xs_ring_write(r, msg, len);
    xs_checkpoint_verify();
    fake_watch_end(&X.watch);
    X.tx_bytes += X.watch.done;

    switch ( res )
    {
    case XS_TX_OK:
        FUZZ_ASSERT(before == XS_RING_FAULT_NONE && r->fault == before);
        FUZZ_ASSERT(X.watch.done == len);
        X.tx_messages++;
        break;
    case XS_TX_GAVE_UP:
        FUZZ_ASSERT(r->fault == XS_RING_FAULT_NONE && X.watch.done == 0);
        FUZZ_ASSERT(X.waits > waits);
        break;
    case XS_TX_INVALID:
        FUZZ_ASSERT(before == XS_RING_FAULT_NONE);
        FUZZ_ASSERT(len < HDR || len > XS_MSG_MAX);
        FUZZ_ASSERT(X.watch.done == 0 && X.waits == waits);
        break;
    case XS_TX_FAULT:
        FUZZ_ASSERT(r->fault != XS_RING_FAULT_NONE);
        if ( before != XS_RING_FAULT_NONE )
            FUZZ_ASSERT(r->fault == before && X.watch.done == 0 && X.waits == waits);
        else if ( r->fault == XS_RING_FAULT_REQ_TORN )
            FUZZ_ASSERT(X.watch.done > 0 && X.watch.done < len);
        else
            FUZZ_ASSERT(r->fault == XS_RING_FAULT_REQ_INDEX);
        break;
    default:
        FUZZ_ASSERT(!"an unknown write result");
    }
    if ( res != XS_TX_INVALID && before == XS_RING_FAULT_NONE &&
         len >= HDR && len <= XS_MSG_MAX && res != XS_TX_FAULT )
        FUZZ_ASSERT(res == XS_TX_OK || res == XS_TX_GAVE_UP);
    free(msg);
}

static void fuzz_ring(const uint8_t *data, size_t size, bool good)
{
    memset(&X, 0, sizeof(X));
    X.in.p = data;
    X.in.n = size;
    X.good = good;

    /* Smaller than a header, smaller than a reply, or big enough for all. */
    X.size = fuzz_u16(&X.in) % (XS_MSG_MAX + 64);
    X.buf = malloc(X.size ? X.size : 1);

    FAKE_PAGE_RESET(page);
    req_ring = FAKE_RING(page.intf.req, &page.intf.req_prod,
                         &page.intf.req_cons);
    rsp_ring = FAKE_RING(page.intf.rsp, &page.intf.rsp_prod,
                         &page.intf.rsp_cons);
    page.intf.req_prod = page.intf.req_cons = fuzz_u32(&X.in);
    page.intf.rsp_prod = page.intf.rsp_cons = fuzz_u32(&X.in);
    if ( !good )
    {
        page.intf.req_cons += (int8_t)fuzz_u8(&X.in) * 9;
        page.intf.rsp_prod += (int8_t)fuzz_u8(&X.in) * 9;
    }
    xs_ring_init(&X.r, &page.intf, &xs_ops);
    fake_watch_init(&X.watch, &req_ring, &page.intf, sizeof(page.intf),
                    X.shadow_req);

    while ( !fuzz_empty(&X.in) )
    {
        uint8_t op = fuzz_u8(&X.in);

        switch ( op % 10 )
        {
        case 0:
        case 1:
            xs_op_read();
            break;
        case 2:
            xs_op_write(fuzz_u16(&X.in) % (XS_MSG_MAX + 32));
            break;
        case 3:
            xs_op_write(HDR + fuzz_u8(&X.in));
            break;
        case 4:
            xsd_send();
            break;
        case 5:
            xsd_push(fuzz_u16(&X.in) % (2 * RING));
            break;
        case 6:
            xsd_consume(fuzz_u16(&X.in) % (2 * RING));
            break;
        case 7:
            xsd_send();
            xsd_push(X.outq_len);
            xs_op_read();
            break;
        default:
            fuzz_hostile(&X.in, !X.good, &req_ring, &rsp_ring,
                         op % 10 - 8 + (fuzz_u8(&X.in) & 2));
            break;
        }
        xs_check_state();
    }

    /* The well-behaved xenstored delivers everything in the end. */
    if ( X.good && X.r.fault == XS_RING_FAULT_NONE )
    {
        while ( X.outq_len > 0 || page.intf.rsp_prod != page.intf.rsp_cons )
        {
            uint64_t rx = X.rx_bytes;

            xsd_push(X.outq_len);
            xs_op_read();
            xs_check_state();
            FUZZ_ASSERT(X.rx_bytes > rx);       /* progress: this ends */
        }
        FUZZ_ASSERT(X.outq_len == 0 && X.rx_pos == X.sent_len);
    }

    free(X.buf);
    free(X.outq);
    free(X.sent);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t mode;

    if ( size == 0 )
        return 0;
    mode = data[0] & 3;
    data++;
    size--;
    switch ( mode )
    {
    case 0:
        fuzz_reply(data, size);
        break;
    case 1:
        fuzz_build(data, size);
        break;
    default:
        fuzz_ring(data, size, mode == 2);
        break;
    }
    return 0;
}
