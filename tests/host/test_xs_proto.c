/*
 * test_xs_proto.c: building xenstore requests and taking answers apart
 * (xenstore/xs_proto.c), including answers that lie about their lengths
 * or forget their terminators.
 *
 * Output buffers are allocated at their exact size, so that a write one
 * byte past them is caught by AddressSanitizer.
 */
#include <tinypv/xs_proto.h>       /* first: its errno values, as in the kernel */
#include <stdlib.h>
#include "check.h"

#define HDR sizeof(struct xsd_sockmsg)

/* A message of the given type with a payload of len bytes at body. */
static size_t make(unsigned char *buf, uint32_t type, uint32_t req_id,
                   const void *body, uint32_t len)
{
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .len = len };

    memcpy(buf, &h, HDR);
    memcpy(buf + HDR, body, len);
    return HDR + len;
}

/* Parse a made-up message into m (the caller's storage keeps the bytes). */
static int parse(unsigned char *buf, uint32_t type, const void *body,
                 uint32_t len, struct xs_msg *m)
{
    return xs_parse_msg(buf, make(buf, type, 1, body, len), m);
}

static struct xsd_sockmsg header_of(const unsigned char *buf)
{
    struct xsd_sockmsg h;

    memcpy(&h, buf, HDR);
    return h;
}

/* --- building ------------------------------------------------------------- */

static void test_build(void)
{
    static unsigned char buf[XENSTORE_PAYLOAD_MAX + 64];
    struct xs_builder b;
    struct xsd_sockmsg h;
    size_t n;

    /* XS_READ "path\0". */
    xs_build_start(&b, buf, sizeof(buf), XS_READ, 42);
    xs_build_string(&b, "domid");
    n = xs_build_end(&b);
    CHECK_EQ(n, HDR + 6);
    h = header_of(buf);
    CHECK_EQ(h.type, XS_READ);
    CHECK_EQ(h.req_id, 42);
    CHECK_EQ(h.tx_id, 0);
    CHECK_EQ(h.len, 6);
    CHECK(memcmp(buf + HDR, "domid", 6) == 0);

    /* XS_WRITE "path\0" and the value without its NUL. */
    xs_build_start(&b, buf, sizeof(buf), XS_WRITE, 43);
    xs_build_string(&b, "data/x");
    xs_build_bytes(&b, "hello", 5);
    n = xs_build_end(&b);
    CHECK_EQ(n, HDR + 7 + 5);
    CHECK_EQ(header_of(buf).len, 12);
    CHECK(memcmp(buf + HDR, "data/x\0hello", 12) == 0);

    /* XS_WATCH "path\0token\0"; an empty string is just its NUL. */
    xs_build_start(&b, buf, sizeof(buf), XS_WATCH, 44);
    xs_build_string(&b, "control/shutdown");
    xs_build_string(&b, "");
    n = xs_build_end(&b);
    CHECK_EQ(n, HDR + 17 + 1);
    CHECK(memcmp(buf + HDR, "control/shutdown\0", 18) == 0);

    /* Inside a transaction: the id goes into the header. */
    xs_build_start(&b, buf, sizeof(buf), XS_READ, 46);
    xs_build_set_tx(&b, 17);
    xs_build_string(&b, "control/shutdown");
    n = xs_build_end(&b);
    CHECK_EQ(n, HDR + 17);
    h = header_of(buf);
    CHECK_EQ(h.tx_id, 17);
    CHECK_EQ(h.req_id, 46);
    CHECK_EQ(h.len, 17);

    /* No payload at all. */
    xs_build_start(&b, buf, sizeof(buf), XS_RESET_WATCHES, 45);
    CHECK_EQ(xs_build_end(&b), HDR);
    CHECK_EQ(header_of(buf).len, 0);
}

static void test_build_bounds(void)
{
    static char big[XENSTORE_PAYLOAD_MAX + 2];
    static unsigned char huge[2 * XENSTORE_PAYLOAD_MAX];
    unsigned char *exact;
    struct xs_builder b;

    /* The buffer: exactly enough, one byte short, not even a header. */
    exact = malloc(HDR + 4);
    xs_build_start(&b, exact, HDR + 4, XS_READ, 1);
    xs_build_string(&b, "abc");
    CHECK_EQ(xs_build_end(&b), HDR + 4);
    xs_build_start(&b, exact, HDR + 4, XS_READ, 1);
    xs_build_string(&b, "abcd");
    CHECK_EQ(xs_build_end(&b), 0);
    CHECK(b.overflow);
    xs_build_start(&b, exact, HDR - 1, XS_READ, 1);
    xs_build_string(&b, "");
    CHECK_EQ(xs_build_end(&b), 0);
    /* After an overflow nothing more is appended, even what would fit. */
    xs_build_start(&b, exact, HDR + 4, XS_WRITE, 1);
    xs_build_bytes(&b, "12345", 5);
    xs_build_bytes(&b, "1", 1);
    CHECK_EQ(b.len, HDR);
    CHECK_EQ(xs_build_end(&b), 0);
    free(exact);

    /* XENSTORE_PAYLOAD_MAX, whatever the buffer. */
    memset(big, 'p', sizeof(big));
    big[XENSTORE_PAYLOAD_MAX - 1] = '\0';       /* 4095 chars + NUL = 4096 */
    xs_build_start(&b, huge, sizeof(huge), XS_READ, 1);
    xs_build_string(&b, big);
    CHECK_EQ(xs_build_end(&b), HDR + XENSTORE_PAYLOAD_MAX);
    big[XENSTORE_PAYLOAD_MAX - 1] = 'p';
    big[XENSTORE_PAYLOAD_MAX] = '\0';           /* one more */
    xs_build_start(&b, huge, sizeof(huge), XS_READ, 1);
    xs_build_string(&b, big);
    CHECK_EQ(xs_build_end(&b), 0);
    big[XENSTORE_PAYLOAD_MAX + 1] = '\0';       /* and a string over the limit */
    big[XENSTORE_PAYLOAD_MAX] = 'p';
    xs_build_start(&b, huge, sizeof(huge), XS_READ, 1);
    xs_build_string(&b, big);
    CHECK_EQ(xs_build_end(&b), 0);
}

/* --- parsing -------------------------------------------------------------- */

static void test_parse_msg(void)
{
    static unsigned char buf[HDR + XENSTORE_PAYLOAD_MAX + 8];
    struct xs_msg m;
    size_t n;

    n = make(buf, XS_READ, 77, "abc", 3);
    CHECK_EQ(xs_parse_msg(buf, n, &m), 0);
    CHECK_EQ(m.type, XS_READ);
    CHECK_EQ(m.req_id, 77);
    CHECK_EQ(m.len, 3);
    CHECK(m.body == (const char *)buf + HDR);

    /* The header's len must be exactly what arrived. */
    CHECK_EQ(xs_parse_msg(buf, n - 1, &m), -EBADMSG);
    CHECK_EQ(xs_parse_msg(buf, n + 1, &m), -EBADMSG);
    CHECK_EQ(xs_parse_msg(buf, HDR - 1, &m), -EBADMSG);
    CHECK_EQ(xs_parse_msg(buf, 0, &m), -EBADMSG);

    /* Zero-length payload; the largest payload; one more. */
    n = make(buf, XS_WRITE, 1, "", 0);
    CHECK_EQ(xs_parse_msg(buf, n, &m), 0);
    CHECK_EQ(m.len, 0);
    {
        struct xsd_sockmsg h = { .type = XS_READ, .len = XENSTORE_PAYLOAD_MAX };

        memcpy(buf, &h, HDR);
        CHECK_EQ(xs_parse_msg(buf, HDR + XENSTORE_PAYLOAD_MAX, &m), 0);
        h.len = XENSTORE_PAYLOAD_MAX + 1;
        memcpy(buf, &h, HDR);
        CHECK_EQ(xs_parse_msg(buf, HDR + XENSTORE_PAYLOAD_MAX + 1, &m), -EBADMSG);
        /* A len that would wrap a size computation. */
        h.len = 0xFFFFFFF0u;
        memcpy(buf, &h, HDR);
        CHECK_EQ(xs_parse_msg(buf, HDR, &m), -EBADMSG);
    }

    /* An unaligned message. */
    n = make(buf + 1, XS_RM, 5, "OK", 3);
    CHECK_EQ(xs_parse_msg(buf + 1, n, &m), 0);
    CHECK_EQ(m.req_id, 5);
}

static void test_error_names(void)
{
    unsigned char buf[HDR + 64];
    struct xs_msg m;

    /* Every name xenstored may send maps to its number. */
    for ( size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++ )
    {
        const char *name = xsd_errors[i].errstring;

        CHECK_EQ(xs_error_from_name(name, strlen(name) + 1),
                 -xsd_errors[i].errnum);
        CHECK_STR(xs_errno_name(xsd_errors[i].errnum), name);
        CHECK(strcmp(xs_strerror(-xsd_errors[i].errnum), "unknown error") != 0);
    }
    CHECK_EQ(xs_error_from_name("ENOENT", 7), -ENOENT);
    CHECK_EQ(xs_error_from_name("EACCES", 7), -EACCES);
    CHECK_EQ(xs_error_from_name("ENOENT", 6), -ENOENT);         /* no NUL */
    CHECK_EQ(xs_error_from_name("ENOENT\0junk", 11), -ENOENT);
    CHECK_EQ(xs_error_from_name("ENOENT", 3), -EIO);            /* "ENO" */
    CHECK_EQ(xs_error_from_name("ENOENTX", 8), -EIO);
    CHECK_EQ(xs_error_from_name("EWHATEVER", 10), -EIO);
    CHECK_EQ(xs_error_from_name("", 1), -EIO);
    CHECK_EQ(xs_error_from_name("", 0), -EIO);
    CHECK_EQ(xs_error_from_name("enoent", 7), -EIO);            /* case matters */

    /* Through a message: XS_ERROR wins over the expected type. */
    CHECK_EQ(parse(buf, XS_ERROR, "ENOENT", 7, &m), 0);
    CHECK_EQ(xs_reply_status(&m, XS_READ), -ENOENT);
    CHECK_EQ(parse(buf, XS_ERROR, "", 0, &m), 0);
    CHECK_EQ(xs_reply_status(&m, XS_WRITE), -EIO);
    CHECK_EQ(parse(buf, XS_WRITE, "OK", 3, &m), 0);
    CHECK_EQ(xs_reply_status(&m, XS_WRITE), 0);
    CHECK_EQ(xs_reply_status(&m, XS_RM), -EBADMSG);
}

static void test_reply_read(void)
{
    unsigned char buf[HDR + 64];
    struct xs_msg m;
    char *out;

    CHECK_EQ(parse(buf, XS_READ, "hello", 5, &m), 0);  /* no NUL on the wire */

    out = malloc(6);                    /* exactly enough */
    memset(out, 'x', 6);
    CHECK_EQ(xs_reply_read(&m, out, 6), 5);
    CHECK_STR(out, "hello");
    free(out);

    out = malloc(5);                    /* one short: truncated, terminated */
    CHECK_EQ(xs_reply_read(&m, out, 5), -EOVERFLOW);
    CHECK_STR(out, "hell");
    free(out);

    out = malloc(1);
    CHECK_EQ(xs_reply_read(&m, out, 1), -EOVERFLOW);
    CHECK_STR(out, "");
    free(out);

    CHECK_EQ(xs_reply_read(&m, NULL, 0), -EINVAL);

    /* An empty value, and one holding NUL bytes. */
    out = malloc(8);
    CHECK_EQ(parse(buf, XS_READ, "", 0, &m), 0);
    CHECK_EQ(xs_reply_read(&m, out, 8), 0);
    CHECK_STR(out, "");
    CHECK_EQ(parse(buf, XS_READ, "a\0b", 3, &m), 0);
    CHECK_EQ(xs_reply_read(&m, out, 8), 3);
    CHECK(memcmp(out, "a\0b\0", 4) == 0);

    /* Errors and the wrong answer. */
    memcpy(out, "stale", 6);
    CHECK_EQ(parse(buf, XS_ERROR, "EACCES", 7, &m), 0);
    CHECK_EQ(xs_reply_read(&m, out, 8), -EACCES);
    CHECK_STR(out, "");                         /* nothing stale left */
    CHECK_EQ(xs_reply_read(&m, NULL, 0), -EACCES);
    memcpy(out, "stale", 6);
    CHECK_EQ(parse(buf, XS_DIRECTORY, "a", 2, &m), 0);
    CHECK_EQ(xs_reply_read(&m, out, 8), -EBADMSG);
    CHECK_STR(out, "");
    free(out);
}

static void test_reply_transaction(void)
{
    static unsigned char buf[XENSTORE_PAYLOAD_MAX + 64];
    struct xs_msg m;
    uint32_t tx = 99;

    CHECK(parse(buf, XS_TRANSACTION_START, "12\0", 3, &m) == 0);
    CHECK_EQ(xs_reply_transaction(&m, &tx), 0);
    CHECK_EQ(tx, 12);
    CHECK(parse(buf, XS_TRANSACTION_START, "4294967295", 10, &m) == 0);
    CHECK_EQ(xs_reply_transaction(&m, &tx), 0);     /* unterminated, at len */
    CHECK_EQ(tx, 4294967295u);

    CHECK(parse(buf, XS_TRANSACTION_START, "0\0", 2, &m) == 0);
    CHECK_EQ(xs_reply_transaction(&m, &tx), -EBADMSG);   /* 0 is "none" */
    CHECK(parse(buf, XS_TRANSACTION_START, "4294967296", 10, &m) == 0);
    CHECK_EQ(xs_reply_transaction(&m, &tx), -EBADMSG);
    CHECK(parse(buf, XS_TRANSACTION_START, "12x\0", 4, &m) == 0);
    CHECK_EQ(xs_reply_transaction(&m, &tx), -EBADMSG);
    CHECK(parse(buf, XS_TRANSACTION_START, "", 0, &m) == 0);
    CHECK_EQ(xs_reply_transaction(&m, &tx), -EBADMSG);
    CHECK(parse(buf, XS_TRANSACTION_START, "123456789012", 12, &m) == 0);
    CHECK_EQ(xs_reply_transaction(&m, &tx), -EBADMSG);
    CHECK(parse(buf, XS_ERROR, "EAGAIN\0", 7, &m) == 0);
    CHECK_EQ(xs_reply_transaction(&m, &tx), -EAGAIN);
    CHECK(parse(buf, XS_READ, "12\0", 3, &m) == 0);
    CHECK_EQ(xs_reply_transaction(&m, &tx), -EBADMSG);
}

static void test_reply_directory(void)
{
    unsigned char buf[HDR + 64];
    struct xs_msg m;
    char *out;

    CHECK_EQ(parse(buf, XS_DIRECTORY, "a\0bc\0def", 9, &m), 0);
    out = malloc(10);                   /* payload + the end marker */
    CHECK_EQ(xs_reply_directory(&m, out, 10), 3);
    CHECK(memcmp(out, "a\0bc\0def\0\0", 10) == 0);
    free(out);

    /* Not all fit: the whole names that do, still terminated. */
    out = malloc(9);
    CHECK_EQ(xs_reply_directory(&m, out, 9), -EOVERFLOW);
    CHECK(memcmp(out, "a\0bc\0\0", 6) == 0);
    free(out);
    out = malloc(3);
    CHECK_EQ(xs_reply_directory(&m, out, 3), -EOVERFLOW);
    CHECK(memcmp(out, "a\0\0", 3) == 0);
    free(out);
    out = malloc(2);
    CHECK_EQ(xs_reply_directory(&m, out, 2), -EOVERFLOW);
    CHECK_EQ(out[0], 0);
    free(out);
    out = malloc(1);
    CHECK_EQ(xs_reply_directory(&m, out, 1), -EOVERFLOW);
    CHECK_EQ(out[0], 0);
    CHECK_EQ(xs_reply_directory(&m, NULL, 0), -EINVAL);

    /* No children: an empty payload, an empty list. */
    CHECK_EQ(parse(buf, XS_DIRECTORY, "", 0, &m), 0);
    CHECK_EQ(xs_reply_directory(&m, out, 1), 0);
    CHECK_EQ(out[0], 0);
    free(out);

    /* Malformed lists. */
    out = malloc(16);
    CHECK_EQ(parse(buf, XS_DIRECTORY, "a\0b", 3, &m), 0);      /* unterminated */
    CHECK_EQ(xs_reply_directory(&m, out, 16), -EBADMSG);
    CHECK_EQ(parse(buf, XS_DIRECTORY, "abc", 3, &m), 0);
    CHECK_EQ(xs_reply_directory(&m, out, 16), -EBADMSG);
    CHECK_EQ(parse(buf, XS_DIRECTORY, "a\0\0", 3, &m), 0);     /* empty name */
    CHECK_EQ(xs_reply_directory(&m, out, 16), -EBADMSG);
    CHECK_EQ(parse(buf, XS_DIRECTORY, "", 1, &m), 0);
    memcpy(out, "stale", 6);
    CHECK_EQ(xs_reply_directory(&m, out, 16), -EBADMSG);
    CHECK_EQ(out[0], 0);                        /* an empty list */

    CHECK_EQ(parse(buf, XS_ERROR, "ENOENT", 7, &m), 0);
    CHECK_EQ(xs_reply_directory(&m, out, 16), -ENOENT);
    CHECK_EQ(parse(buf, XS_READ, "a", 2, &m), 0);
    CHECK_EQ(xs_reply_directory(&m, out, 16), -EBADMSG);
    free(out);
}

static void test_watch_event(void)
{
    unsigned char buf[HDR + 64];
    const char *path = NULL, *token = NULL;
    struct xs_msg m;

    CHECK_EQ(parse(buf, XS_WATCH_EVENT, "control/shutdown\0tok", 21, &m), 0);
    CHECK_EQ(xs_parse_watch_event(&m, &path, &token), 0);
    CHECK_STR(path, "control/shutdown");
    CHECK_STR(token, "tok");

    /* Bytes after the token are ignored; empty strings are strings. */
    CHECK_EQ(parse(buf, XS_WATCH_EVENT, "p\0t\0extra", 9, &m), 0);
    CHECK_EQ(xs_parse_watch_event(&m, &path, &token), 0);
    CHECK_STR(token, "t");
    CHECK_EQ(parse(buf, XS_WATCH_EVENT, "\0", 2, &m), 0);
    CHECK_EQ(xs_parse_watch_event(&m, &path, &token), 0);
    CHECK_STR(path, "");
    CHECK_STR(token, "");

    /* Unterminated: no token, token without NUL, nothing at all. */
    path = token = NULL;
    CHECK_EQ(parse(buf, XS_WATCH_EVENT, "path\0tok", 8, &m), 0);
    CHECK_EQ(xs_parse_watch_event(&m, &path, &token), -EBADMSG);
    CHECK_EQ(parse(buf, XS_WATCH_EVENT, "path", 4, &m), 0);
    CHECK_EQ(xs_parse_watch_event(&m, &path, &token), -EBADMSG);
    CHECK_EQ(parse(buf, XS_WATCH_EVENT, "path", 5, &m), 0);    /* path only */
    CHECK_EQ(xs_parse_watch_event(&m, &path, &token), -EBADMSG);
    CHECK_EQ(parse(buf, XS_WATCH_EVENT, "", 0, &m), 0);
    CHECK_EQ(xs_parse_watch_event(&m, &path, &token), -EBADMSG);
    CHECK(path == NULL && token == NULL);       /* untouched on failure */

    CHECK_EQ(parse(buf, XS_READ, "p\0t", 4, &m), 0);
    CHECK_EQ(xs_parse_watch_event(&m, &path, &token), -EBADMSG);
}

/*
 * Unterminated payloads at the very end of an allocation: any read past
 * len would touch the redzone.
 */
static void test_no_read_past_payload(void)
{
    static const char *const bodies[] = { "ENOENT", "a\0b", "path\0tok", "x" };
    const char *path, *token;
    char out[16];

    for ( size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++ )
    {
        size_t len = i == 1 ? 3 : i == 2 ? 8 : strlen(bodies[i]);
        char *body = malloc(len);
        struct xs_msg m = { .type = XS_ERROR, .len = (uint32_t)len, .body = body };

        memcpy(body, bodies[i], len);
        CHECK(xs_error_from_name(body, len) < 0);
        m.type = XS_READ;
        CHECK(xs_reply_read(&m, out, sizeof(out)) == (int)len);
        m.type = XS_DIRECTORY;
        CHECK_EQ(xs_reply_directory(&m, out, sizeof(out)), -EBADMSG);
        m.type = XS_WATCH_EVENT;
        CHECK_EQ(xs_parse_watch_event(&m, &path, &token), -EBADMSG);
        free(body);
    }
}

/* --- names ---------------------------------------------------------------- */

static void test_names(void)
{
    CHECK_STR(xs_strerror(-ENOENT), "no such entry");
    CHECK_STR(xs_strerror(ENOENT), "no such entry");
    CHECK_STR(xs_strerror(-EACCES), "permission denied");
    CHECK_STR(xs_strerror(0), "success");
    CHECK_STR(xs_strerror(-9999), "unknown error");
    CHECK_STR(xs_strerror(-ETIMEDOUT), "no answer from xenstored in time");
    CHECK_STR(xs_errno_name(-EOVERFLOW), "EOVERFLOW");
    CHECK_STR(xs_errno_name(12345), "E?");

    CHECK_STR(xs_type_name(XS_READ), "READ");
    CHECK_STR(xs_type_name(XS_WATCH_EVENT), "WATCH_EVENT");
    CHECK_STR(xs_type_name(XS_DIRECTORY_PART), "DIRECTORY_PART");
    CHECK_STR(xs_type_name(XS_SET_TARGET + 1), "?");    /* the removed one */
    CHECK_STR(xs_type_name(XS_TYPE_COUNT), "?");
    CHECK_STR(xs_type_name(0xFFFFFFFFu), "?");
}

static void test_parse_uint(void)
{
    uint32_t v = 7;

    CHECK_EQ(xs_parse_uint("0", &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(xs_parse_uint("42", &v), 0);
    CHECK_EQ(v, 42);
    CHECK_EQ(xs_parse_uint("0042", &v), 0);
    CHECK_EQ(v, 42);
    CHECK_EQ(xs_parse_uint("4294967295", &v), 0);
    CHECK_EQ(v, 4294967295u);
    v = 7;
    CHECK_EQ(xs_parse_uint("4294967296", &v), -EINVAL);
    CHECK_EQ(xs_parse_uint("99999999999", &v), -EINVAL);
    CHECK_EQ(xs_parse_uint("", &v), -EINVAL);
    CHECK_EQ(xs_parse_uint("-1", &v), -EINVAL);
    CHECK_EQ(xs_parse_uint("+1", &v), -EINVAL);
    CHECK_EQ(xs_parse_uint("12a", &v), -EINVAL);
    CHECK_EQ(xs_parse_uint(" 1", &v), -EINVAL);
    CHECK_EQ(xs_parse_uint("1\n", &v), -EINVAL);
    CHECK_EQ(v, 7);                     /* untouched on failure */
}

/* --- transactions nobody holds -------------------------------------------- */

/* An answer of the given type to request req_id (parsed into m). */
static void answer(unsigned char *buf, uint32_t type, uint32_t req_id,
                   const char *body, uint32_t len, struct xs_msg *m)
{
    CHECK(xs_parse_msg(buf, make(buf, type, req_id, body, len), m) == 0);
}

/* A start given up on, answered late: its transaction is queued to end. */
static void test_orphans_late_start(void)
{
    static unsigned char buf[256];
    struct xs_orphans o;
    struct xs_msg m;
    uint32_t tx = 0;

    xs_orphans_init(&o);
    CHECK(xs_orphans_start_timed_out(&o, 5));
    CHECK(xs_orphans_start_timed_out(&o, 9));

    /* Not late: another request's answer, and events (req_id 0 or not). */
    answer(buf, XS_TRANSACTION_START, 6, "3\0", 2, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_NOT_LATE);
    answer(buf, XS_WATCH_EVENT, 0, "a\0b\0", 4, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_NOT_LATE);
    answer(buf, XS_WATCH_EVENT, 5, "a\0b\0", 4, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_NOT_LATE);
    CHECK_EQ(xs_orphans_ends_queued(&o), 0);

    /* Request 5's answer opened transaction 17. */
    answer(buf, XS_TRANSACTION_START, 5, "17\0", 3, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_TX_QUEUED);
    CHECK_EQ(xs_orphans_ends_queued(&o), 1);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_NOT_LATE);  /* once only */
    CHECK(xs_orphans_next_end(&o, &tx));
    CHECK_EQ(tx, 17);
    CHECK(!xs_orphans_next_end(&o, &tx));
    CHECK_EQ(xs_orphans_ends_queued(&o), 0);

    /* Request 9 was refused: nothing to end. */
    answer(buf, XS_ERROR, 9, "ENOSPC\0", 7, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_NO_TX);
    CHECK_EQ(xs_orphans_ends_queued(&o), 0);

    /* Answers that name no transaction we could end. */
    CHECK(xs_orphans_start_timed_out(&o, 10));
    CHECK(xs_orphans_start_timed_out(&o, 11));
    CHECK(xs_orphans_start_timed_out(&o, 12));
    answer(buf, XS_TRANSACTION_START, 10, "0\0", 2, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_TX_LOST);
    answer(buf, XS_TRANSACTION_START, 11, "x1\0", 3, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_TX_LOST);
    answer(buf, XS_READ, 12, "4\0", 2, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_TX_LOST);
    CHECK_EQ(xs_orphans_ends_queued(&o), 0);
}

/* Both tables are bounded, and say so when they overflow. */
static void test_orphans_bounds(void)
{
    static unsigned char buf[256];
    struct xs_orphans o;
    struct xs_msg m;
    uint32_t tx;
    unsigned int i, seen = 0;

    xs_orphans_init(&o);
    for ( i = 1; i <= XS_ORPHANS_MAX; i++ )
        CHECK(xs_orphans_start_timed_out(&o, 100 + i));
    CHECK(!xs_orphans_start_timed_out(&o, 200));    /* one forgotten */
    /* 200 is remembered, and so are all but one of the others. */
    answer(buf, XS_TRANSACTION_START, 200, "5\0", 2, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_TX_QUEUED);
    for ( i = 1; i <= XS_ORPHANS_MAX; i++ )
    {
        answer(buf, XS_ERROR, 100 + i, "EIO\0", 4, &m);
        seen += xs_orphans_answer(&o, &m) == XS_ORPHAN_NO_TX;
    }
    CHECK_EQ(seen, XS_ORPHANS_MAX - 1);

    /* The end queue: no 0, no duplicates, no more than XS_ORPHANS_MAX. */
    xs_orphans_init(&o);
    CHECK(!xs_orphans_queue_end(&o, 0));
    CHECK_EQ(xs_orphans_ends_queued(&o), 0);
    CHECK(xs_orphans_queue_end(&o, 7));
    CHECK(xs_orphans_queue_end(&o, 7));
    CHECK_EQ(xs_orphans_ends_queued(&o), 1);
    for ( i = 1; i < XS_ORPHANS_MAX; i++ )
        CHECK(xs_orphans_queue_end(&o, 1000 + i));
    CHECK(!xs_orphans_queue_end(&o, 5000));
    CHECK_EQ(xs_orphans_ends_queued(&o), XS_ORPHANS_MAX);
    CHECK(xs_orphans_start_timed_out(&o, 300));
    answer(buf, XS_TRANSACTION_START, 300, "6\0", 2, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_TX_LOST);  /* no room */
    for ( i = 0; xs_orphans_next_end(&o, &tx); i++ )
        CHECK(tx == 7 || (tx > 1000 && tx < 1000 + XS_ORPHANS_MAX));
    CHECK_EQ(i, XS_ORPHANS_MAX);
}

/* A new xenstored: the old one's transactions are gone with it. */
static void test_orphans_reconnect(void)
{
    static unsigned char buf[256];
    struct xs_orphans o;
    struct xs_msg m;
    uint32_t tx;

    xs_orphans_init(&o);
    CHECK(xs_orphans_queue_end(&o, 3));
    CHECK(xs_orphans_start_timed_out(&o, 40));
    xs_orphans_reconnect(&o, true);     /* requests still in the ring */
    CHECK(!xs_orphans_next_end(&o, &tx));
    answer(buf, XS_TRANSACTION_START, 40, "8\0", 2, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_TX_QUEUED);

    CHECK(xs_orphans_start_timed_out(&o, 41));
    xs_orphans_reconnect(&o, false);    /* nothing left for the new one */
    CHECK_EQ(xs_orphans_ends_queued(&o), 0);
    answer(buf, XS_TRANSACTION_START, 41, "9\0", 2, &m);
    CHECK(xs_orphans_answer(&o, &m) == XS_ORPHAN_NOT_LATE);
}

int main(void)
{
    test_build();
    test_build_bounds();
    test_parse_msg();
    test_error_names();
    test_reply_read();
    test_reply_transaction();
    test_reply_directory();
    test_watch_event();
    test_no_read_past_payload();
    test_names();
    test_parse_uint();
    test_orphans_late_start();
    test_orphans_bounds();
    test_orphans_reconnect();
    return check_summary("xs_proto");
}
