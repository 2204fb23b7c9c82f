/*
 * xs_proto.c: building xenstore requests and checking xenstored's answers.
 *
 * Building is plain bookkeeping with bounds. Parsing is where the care
 * goes: the header's len is checked against the bytes actually received,
 * and every string taken from a payload is found with strnlen() bounded by
 * what is left of the payload, so a missing terminator is an error and
 * never a read past the message.
 */
#include <tinypv/xs_proto.h>   /* first: it defines the errno values xs_wire.h needs */
#include <lib/string.h>

#ifndef EINVAL
#error "xs_proto.h must define the errno values"
#endif

#define HDR_SIZE    sizeof(struct xsd_sockmsg)

/* --- building requests ---------------------------------------------------- */

void xs_build_start(struct xs_builder *b, void *buf, size_t size,
                    uint32_t type, uint32_t req_id)
{
    struct xsd_sockmsg hdr = { .type = type, .req_id = req_id, .tx_id = 0 };

    b->buf = buf;
    b->size = size;
    b->len = 0;
    b->overflow = size < HDR_SIZE;
    if ( b->overflow )
        return;
    memcpy(b->buf, &hdr, HDR_SIZE);     /* len is filled in at the end */
    b->len = HDR_SIZE;
}

void xs_build_set_tx(struct xs_builder *b, uint32_t tx_id)
{
    if ( b->overflow )
        return;
    memcpy(b->buf + offsetof(struct xsd_sockmsg, tx_id), &tx_id,
           sizeof(tx_id));
}

void xs_build_bytes(struct xs_builder *b, const void *p, size_t n)
{
    size_t room;

    if ( b->overflow )
        return;
    /* Room in the buffer, and room in what xenstored accepts. */
    room = MIN(b->size, HDR_SIZE + XENSTORE_PAYLOAD_MAX) - b->len;
    if ( n > room )
    {
        b->overflow = true;
        return;
    }
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}

void xs_build_string(struct xs_builder *b, const char *s)
{
    /* A string longer than a whole payload cannot fit: stop looking there. */
    size_t n = strnlen(s, XENSTORE_PAYLOAD_MAX + 1);

    xs_build_bytes(b, s, n);
    xs_build_bytes(b, "", 1);
}

size_t xs_build_end(struct xs_builder *b)
{
    uint32_t len;

    if ( b->overflow )
        return 0;
    len = (uint32_t)(b->len - HDR_SIZE);
    memcpy(b->buf + offsetof(struct xsd_sockmsg, len), &len, sizeof(len));
    return b->len;
}

/* --- taking messages apart ------------------------------------------------ */

int xs_parse_msg(const void *msg, size_t msg_len, struct xs_msg *m)
{
    struct xsd_sockmsg hdr;

    if ( msg_len < HDR_SIZE )
        return -EBADMSG;
    memcpy(&hdr, msg, HDR_SIZE);        /* msg may not be aligned */
    if ( hdr.len > XENSTORE_PAYLOAD_MAX || hdr.len != msg_len - HDR_SIZE )
        return -EBADMSG;
    m->type = hdr.type;
    m->req_id = hdr.req_id;
    m->tx_id = hdr.tx_id;
    m->len = hdr.len;
    m->body = (const char *)msg + HDR_SIZE;
    return 0;
}

int xs_error_from_name(const char *body, size_t len)
{
    size_t n = strnlen(body, len);

    for ( size_t i = 0; i < ARRAY_SIZE(xsd_errors); i++ )
    {
        const char *name = xsd_errors[i].errstring;

        if ( strlen(name) == n && memcmp(name, body, n) == 0 )
            return -xsd_errors[i].errnum;
    }
    return -EIO;
}

int xs_reply_status(const struct xs_msg *m, uint32_t expected_type)
{
    if ( m->type == XS_ERROR )
        return xs_error_from_name(m->body, m->len);
    if ( m->type != expected_type )
        return -EBADMSG;
    return 0;
}

int xs_reply_transaction(const struct xs_msg *m, uint32_t *tx_id)
{
    char digits[11];                    /* 4294967295 and a NUL */
    size_t n;
    int rc = xs_reply_status(m, XS_TRANSACTION_START);

    if ( rc )
        return rc;
    n = strnlen(m->body, m->len);
    if ( n == 0 || n >= sizeof(digits) )
        return -EBADMSG;
    memcpy(digits, m->body, n);
    digits[n] = '\0';
    if ( xs_parse_uint(digits, tx_id) || *tx_id == 0 )
        return -EBADMSG;
    return 0;
}

/* LAB xenstore BEGIN: the answer to a read */
int xs_reply_read(const struct xs_msg *m, char *buf, size_t size)
{
    int rc = xs_reply_status(m, XS_READ);
    size_t n;

    if ( size == 0 )
        return rc ? rc : -EINVAL;
    buf[0] = '\0';                     /* what an error leaves behind */
    if ( rc )
        return rc;
    n = MIN((size_t)m->len, size - 1);
    memcpy(buf, m->body, n);
    buf[n] = '\0';
    return n < m->len ? -EOVERFLOW : (int)m->len;
}
#if 0 /* LAB xenstore STUB */
/*
 * LAB xenstore: the answer to a READ. An XS_ERROR answer is the error
 * (xs_reply_status() turns its name into -errno), any other type than
 * XS_READ is -EBADMSG. The value is m->len bytes at m->body, with no NUL
 * of its own: copy what fits in buf with its terminator, and return its
 * length, or -EOVERFLOW if it was cut. Whatever happens, a buf of size > 0
 * holds a string afterwards (empty on an error); size 0 is -EINVAL
 * (unless the answer is an error: that error).
 */
int xs_reply_read(const struct xs_msg *m, char *buf, size_t size)
{
    if ( size )
        buf[0] = '\0';
    return -ENOSYS;
}
#endif /* LAB xenstore END */

/* Are the len bytes at body a list of non-empty NUL-terminated names? */
static bool valid_name_list(const char *body, size_t len)
{
    size_t off = 0, n;

    while ( off < len )
    {
        n = strnlen(body + off, len - off);
        if ( n == 0 || n == len - off )
            return false;           /* empty name, or no terminator */
        off += n + 1;
    }
    return true;
}

int xs_reply_directory(const struct xs_msg *m, char *buf, size_t size)
{
    int rc = xs_reply_status(m, XS_DIRECTORY);
    size_t off = 0, n;
    int count = 0;

    if ( size == 0 )
        return rc ? rc : -EINVAL;
    buf[0] = '\0';                     /* an empty list, if we fail */
    if ( rc )
        return rc;
    if ( !valid_name_list(m->body, m->len) )
        return -EBADMSG;

    /* Copy whole names while each, and the list's end marker, fit. */
    while ( off < m->len )
    {
        n = strnlen(m->body + off, m->len - off) + 1;
        if ( off + n + 1 > size )
        {
            buf[off] = '\0';
            return -EOVERFLOW;
        }
        memcpy(buf + off, m->body + off, n);
        off += n;
        count++;
    }
    buf[off] = '\0';
    return count;
}

/* LAB xenstore BEGIN: take a watch event apart */
int xs_parse_watch_event(const struct xs_msg *m, const char **path,
                         const char **token)
{
    size_t path_len, token_len;

    if ( m->type != XS_WATCH_EVENT )
        return -EBADMSG;
    path_len = strnlen(m->body, m->len);
    if ( path_len == m->len )
        return -EBADMSG;            /* no room for the path's NUL */
    token_len = strnlen(m->body + path_len + 1, m->len - path_len - 1);
    if ( token_len == m->len - path_len - 1 )
        return -EBADMSG;            /* the token is not terminated */
    *path = m->body;
    *token = m->body + path_len + 1;
    return 0;
}
#if 0 /* LAB xenstore STUB */
/*
 * LAB xenstore: a WATCH_EVENT message's payload is "path\0token\0" (the
 * node that changed, the token given to XS_WATCH). Point *path and *token
 * into m->body and return 0, or -EBADMSG if m is no watch event or either
 * string lacks its NUL within m->len bytes (strnlen(), never strlen():
 * the payload is xenstored's).
 */
int xs_parse_watch_event(const struct xs_msg *m, const char **path,
                         const char **token)
{
    *path = *token = "";
    return -EBADMSG;
}
#endif /* LAB xenstore END */

/* --- transactions nobody holds ------------------------------------------- */

void xs_orphans_init(struct xs_orphans *o)
{
    memset(o, 0, sizeof(*o));
}

bool xs_orphans_start_timed_out(struct xs_orphans *o, uint32_t req_id)
{
    unsigned int slot;

    for ( slot = 0; slot < XS_ORPHANS_MAX; slot++ )
        if ( o->start_req[slot] == 0 )
        {
            o->start_req[slot] = req_id;
            return true;
        }
    /* Full: take turns at forgetting one (xenstored is long dead by now). */
    slot = o->evict;
    o->evict = (o->evict + 1) % XS_ORPHANS_MAX;
    o->start_req[slot] = req_id;
    return false;
}

/* The slot remembering this start's req_id, or -1. */
static int find_start(const struct xs_orphans *o, uint32_t req_id)
{
    if ( req_id == 0 )
        return -1;
    for ( unsigned int i = 0; i < XS_ORPHANS_MAX; i++ )
        if ( o->start_req[i] == req_id )
            return (int)i;
    return -1;
}

enum xs_orphan_answer xs_orphans_answer(struct xs_orphans *o,
                                        const struct xs_msg *m)
{
    int slot = m->type == XS_WATCH_EVENT ? -1 : find_start(o, m->req_id);
    uint32_t tx_id;

    if ( slot < 0 )
        return XS_ORPHAN_NOT_LATE;
    o->start_req[slot] = 0;             /* one answer per request */
    if ( m->type == XS_ERROR )
        return XS_ORPHAN_NO_TX;
    if ( xs_reply_transaction(m, &tx_id) )
        return XS_ORPHAN_TX_LOST;       /* not an id we could end */
    return xs_orphans_queue_end(o, tx_id) ? XS_ORPHAN_TX_QUEUED
                                          : XS_ORPHAN_TX_LOST;
}

bool xs_orphans_queue_end(struct xs_orphans *o, uint32_t tx_id)
{
    int free_slot = -1;

    if ( tx_id == 0 )
        return false;
    for ( unsigned int i = 0; i < XS_ORPHANS_MAX; i++ )
    {
        if ( o->end_tx[i] == tx_id )
            return true;
        if ( o->end_tx[i] == 0 && free_slot < 0 )
            free_slot = (int)i;
    }
    if ( free_slot < 0 )
        return false;
    o->end_tx[free_slot] = tx_id;
    return true;
}

bool xs_orphans_next_end(struct xs_orphans *o, uint32_t *tx_id)
{
    for ( unsigned int i = 0; i < XS_ORPHANS_MAX; i++ )
        if ( o->end_tx[i] != 0 )
        {
            *tx_id = o->end_tx[i];
            o->end_tx[i] = 0;
            return true;
        }
    return false;
}

unsigned int xs_orphans_ends_queued(const struct xs_orphans *o)
{
    unsigned int n = 0;

    for ( unsigned int i = 0; i < XS_ORPHANS_MAX; i++ )
        n += o->end_tx[i] != 0;
    return n;
}

void xs_orphans_reconnect(struct xs_orphans *o, bool keep_starts)
{
    memset(o->end_tx, 0, sizeof(o->end_tx));
    if ( !keep_starts )
    {
        memset(o->start_req, 0, sizeof(o->start_req));
        o->evict = 0;
    }
}

/* --- names and messages --------------------------------------------------- */

static const struct {
    int err;
    const char *name;
    const char *message;
} errors[] = {
    { EPERM,        "EPERM",        "operation not permitted" },
    { ENOENT,       "ENOENT",       "no such entry" },
    { EIO,          "EIO",          "I/O error (xenstore unusable, or "
                                    "xenstored failed without saying why)" },
    { E2BIG,        "E2BIG",        "too big for a xenstore message" },
    { EAGAIN,       "EAGAIN",       "try again" },
    { ENOMEM,       "ENOMEM",       "xenstored is out of memory" },
    { EACCES,       "EACCES",       "permission denied" },
    { EBUSY,        "EBUSY",        "xenstored is busy" },
    { EEXIST,       "EEXIST",       "already exists" },
    { EISDIR,       "EISDIR",       "is a directory" },
    { EINVAL,       "EINVAL",       "invalid argument" },
    { ENOSPC,       "ENOSPC",       "quota exceeded" },
    { EROFS,        "EROFS",        "read-only" },
    { ENAMETOOLONG, "ENAMETOOLONG", "name too long" },
    { ENOSYS,       "ENOSYS",       "not supported by xenstored" },
    { ENOTEMPTY,    "ENOTEMPTY",    "directory not empty" },
    { EBADMSG,      "EBADMSG",      "malformed message from xenstored" },
    { EOVERFLOW,    "EOVERFLOW",    "truncated to fit the buffer" },
    { ENOBUFS,      "ENOBUFS",      "no free slot" },
    { EISCONN,      "EISCONN",      "already connected" },
    { ENOTCONN,     "ENOTCONN",     "xenstore is not connected" },
    { ETIMEDOUT,    "ETIMEDOUT",    "no answer from xenstored in time" },
};

static int find_error(int err)
{
    /* Unsigned, so that even INT_MIN has a magnitude (it matches nothing). */
    unsigned int magnitude = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;

    for ( size_t i = 0; i < ARRAY_SIZE(errors); i++ )
        if ( (unsigned int)errors[i].err == magnitude )
            return (int)i;
    return -1;
}

const char *xs_strerror(int err)
{
    int i = find_error(err);

    if ( err == 0 )
        return "success";
    return i < 0 ? "unknown error" : errors[i].message;
}

const char *xs_errno_name(int err)
{
    int i = find_error(err);

    return i < 0 ? "E?" : errors[i].name;
}

const char *xs_type_name(uint32_t type)
{
    static const char *const names[] = {
        [XS_CONTROL] = "CONTROL",           [XS_DIRECTORY] = "DIRECTORY",
        [XS_READ] = "READ",                 [XS_GET_PERMS] = "GET_PERMS",
        [XS_WATCH] = "WATCH",               [XS_UNWATCH] = "UNWATCH",
        [XS_TRANSACTION_START] = "TRANSACTION_START",
        [XS_TRANSACTION_END] = "TRANSACTION_END",
        [XS_INTRODUCE] = "INTRODUCE",       [XS_RELEASE] = "RELEASE",
        [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
        [XS_WRITE] = "WRITE",               [XS_MKDIR] = "MKDIR",
        [XS_RM] = "RM",                     [XS_SET_PERMS] = "SET_PERMS",
        [XS_WATCH_EVENT] = "WATCH_EVENT",   [XS_ERROR] = "ERROR",
        [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
        [XS_RESUME] = "RESUME",             [XS_SET_TARGET] = "SET_TARGET",
        [XS_RESET_WATCHES] = "RESET_WATCHES",
        [XS_DIRECTORY_PART] = "DIRECTORY_PART",
    };

    if ( type >= ARRAY_SIZE(names) || !names[type] )
        return "?";
    return names[type];
}

int xs_parse_uint(const char *s, uint32_t *out)
{
    uint32_t v = 0, digit;

    if ( !*s )
        return -EINVAL;
    for ( ; *s; s++ )
    {
        if ( *s < '0' || *s > '9' )
            return -EINVAL;
        digit = (uint32_t)(*s - '0');
        if ( v > (UINT32_MAX - digit) / 10 )
            return -EINVAL;         /* would not fit in 32 bits */
        v = v * 10 + digit;
    }
    *out = v;
    return 0;
}
