/*
 * xs_proto.h: xenstore messages, built and taken apart, as pure functions.
 *
 * The wire format is in docs/07-xenstore.md. Everything from xenstored is
 * untrusted: every length is checked against the message, nothing is read
 * past it or written past the caller's buffer. No state of their own (the
 * xs_orphans bookkeeping lives in the caller's struct), so a fuzzer can
 * call them on any bytes.
 */
#ifndef TINYPV_XS_PROTO_H
#define TINYPV_XS_PROTO_H

#include <tinypv/types.h>

/*
 * Xen's errno values (<xen/errno.h>): there is no <errno.h>. Defined before
 * <xen/io/xs_wire.h> is first included, which then defines xsd_errors.
 */
#define EPERM        1      /* operation not permitted */
#define ENOENT       2      /* no such entry */
#define EIO          5      /* I/O error */
#define E2BIG        7      /* too big */
#define EAGAIN      11      /* try again */
#define ENOMEM      12      /* out of memory */
#define EACCES      13      /* permission denied */
#define EBUSY       16      /* busy */
#define EEXIST      17      /* exists */
#define EISDIR      21      /* is a directory */
#define EINVAL      22      /* invalid argument */
#define ENOSPC      28      /* no space (quota) */
#define EROFS       30      /* read-only */
#define ENAMETOOLONG 36     /* name too long */
#define ENOSYS      38      /* not implemented */
#define ENOTEMPTY   39      /* not empty */
#define EBADMSG     74      /* malformed message */
#define EOVERFLOW   75      /* value too large for the buffer */
#define ENOBUFS    105      /* no room left (watch slots, queues) */
#define EISCONN    106      /* already connected */
#define ENOTCONN   107      /* not connected */
#define ETIMEDOUT  110      /* timed out */

#include <xen/io/xs_wire.h>

/* --- building requests ---------------------------------------------------- */

/*
 * A request under construction in a caller's buffer. Appending past the
 * buffer or past XENSTORE_PAYLOAD_MAX sets `overflow` and appends nothing;
 * xs_build_end() then reports the failure.
 */
struct xs_builder {
    uint8_t *buf;
    size_t size;
    size_t len;             /* header + payload so far */
    bool overflow;
};

/* Start a request of the given type and id (tx_id 0: no transaction). */
void xs_build_start(struct xs_builder *b, void *buf, size_t size,
                    uint32_t type, uint32_t req_id);

/* Make the request part of transaction tx_id (from XS_TRANSACTION_START). */
void xs_build_set_tx(struct xs_builder *b, uint32_t tx_id);

/* Append s and its terminating NUL. */
void xs_build_string(struct xs_builder *b, const char *s);

/* Append n raw bytes, without a terminator (XS_WRITE's value). */
void xs_build_bytes(struct xs_builder *b, const void *p, size_t n);

/*
 * Fill in the header's len. Returns the message's total length, or 0 if
 * anything did not fit (the buffer's contents are then unspecified).
 */
size_t xs_build_end(struct xs_builder *b);

/* --- taking messages apart ------------------------------------------------ */

/* A message, its header copied out, its payload pointing into the message. */
struct xs_msg {
    uint32_t type;          /* XS_* */
    uint32_t req_id;
    uint32_t tx_id;
    uint32_t len;           /* payload bytes at body */
    const char *body;       /* NOT NUL-terminated */
};

/*
 * Check that msg_len bytes at msg are exactly one message (a header, and
 * len <= XENSTORE_PAYLOAD_MAX payload bytes) and describe it in *m.
 * Returns 0, or -EBADMSG.
 */
int xs_parse_msg(const void *msg, size_t msg_len, struct xs_msg *m);

/*
 * The errno an XS_ERROR payload names, negated: "ENOENT\0" -> -ENOENT.
 * The name ends at the first NUL or at len. Names missing from the
 * xsd_errors table (including an empty or garbled payload) give -EIO:
 * xenstored failed, and we cannot say how.
 */
int xs_error_from_name(const char *body, size_t len);

/*
 * Is m an answer of the expected type? Returns 0 if it is, the negated
 * errno if it is XS_ERROR, and -EBADMSG if it is anything else. The
 * payload of a positive answer ("OK\0" for most types) is not examined.
 */
int xs_reply_status(const struct xs_msg *m, uint32_t expected_type);

/*
 * An XS_TRANSACTION_START answer: the new transaction's id, in decimal,
 * NUL-terminated (or ending at len). Returns 0 and the id (never 0), the
 * XS_ERROR's errno, or -EBADMSG for anything else.
 */
int xs_reply_transaction(const struct xs_msg *m, uint32_t *tx_id);

/*
 * An XS_READ answer: copy the value into buf and NUL-terminate it there.
 * Returns the value's length; -EOVERFLOW if it was truncated to size - 1
 * bytes (buf still holds the truncated, terminated value); -EINVAL if size
 * is 0; or an error from xs_reply_status(). On any other error buf holds
 * "" (if size > 0). A value may contain NUL bytes: the return value, not
 * strlen(), is its length.
 */
int xs_reply_read(const struct xs_msg *m, char *buf, size_t size);

/*
 * An XS_DIRECTORY answer: copy the names into buf, each NUL-terminated,
 * followed by one more NUL (an empty name ends the list, so it can be
 * walked without the count: `for ( p = buf; *p; p += strlen(p) + 1 )`).
 * Returns the number of names; -EOVERFLOW if not all of them fit (buf then
 * holds, terminated the same way, the whole names that did); -EINVAL if
 * size is 0; -EBADMSG if the payload is not a list of non-empty
 * NUL-terminated names; or an error from xs_reply_status(). On those
 * errors buf holds an empty list (if size > 0).
 */
int xs_reply_directory(const struct xs_msg *m, char *buf, size_t size);

/*
 * An XS_WATCH_EVENT: point *path and *token at the two strings inside the
 * message. Both must be NUL-terminated within len (bytes after the token
 * are ignored). Returns 0, or -EBADMSG.
 */
int xs_parse_watch_event(const struct xs_msg *m, const char **path,
                         const char **token);

/* --- transactions nobody holds ------------------------------------------- */

/*
 * Transactions the caller lost track of: starts that timed out (their late
 * answer may still open one) and ends that could not be sent. They are
 * remembered here to be ended ("F") later; docs/07-xenstore.md says why.
 * XS_ORPHANS_MAX exceeds xenstored's quota of 10 open transactions.
 */
#define XS_ORPHANS_MAX  16

struct xs_orphans {
    uint32_t start_req[XS_ORPHANS_MAX]; /* starts given up on; 0: free */
    uint32_t end_tx[XS_ORPHANS_MAX];    /* transactions to end; 0: free */
    unsigned int evict;                 /* next start_req slot to reuse */
};

enum xs_orphan_answer {
    XS_ORPHAN_NOT_LATE,     /* not the answer to a start given up on */
    XS_ORPHAN_NO_TX,        /* it was, and opened nothing (XS_ERROR) */
    XS_ORPHAN_TX_QUEUED,    /* it opened a transaction, queued to be ended */
    XS_ORPHAN_TX_LOST,      /* it opened one we cannot end: no usable id in
                               the answer, or no room left in end_tx */
};

/* Nothing remembered. */
void xs_orphans_init(struct xs_orphans *o);

/*
 * Remember a start request (req_id != 0) whose answer did not come in
 * time. Returns false if the table was full and one remembered before had
 * to be forgotten (its transaction, if xenstored ever opens it, is lost).
 */
bool xs_orphans_start_timed_out(struct xs_orphans *o, uint32_t req_id);

/*
 * Is m the late answer to a start given up on? Then it is consumed here:
 * its req_id is forgotten and, if it opened a transaction, the id is
 * queued for xs_orphans_next_end(). Anything else is XS_ORPHAN_NOT_LATE.
 */
enum xs_orphan_answer xs_orphans_answer(struct xs_orphans *o,
                                        const struct xs_msg *m);

/*
 * Queue transaction tx_id (!= 0) to be ended; false if the queue is full.
 * A transaction already queued is not queued twice.
 */
bool xs_orphans_queue_end(struct xs_orphans *o, uint32_t tx_id);

/* Take the next transaction to end off the queue; false if none. */
bool xs_orphans_next_end(struct xs_orphans *o, uint32_t *tx_id);

/* How many transactions are queued to be ended. */
unsigned int xs_orphans_ends_queued(const struct xs_orphans *o);

/*
 * A new xenstored connection (a restore in a new domain): the old one's
 * transactions died with it, so nothing is left to end. Starts given up on
 * are forgotten too, unless `keep_starts`: their requests may still be in
 * the ring for the new xenstored to answer.
 */
void xs_orphans_reconnect(struct xs_orphans *o, bool keep_starts);

/* --- names and messages --------------------------------------------------- */

/*
 * A message for an error, negated or not: "no such entry" for ENOENT,
 * "permission denied" for EACCES, "success" for 0, "unknown error" for
 * numbers this file does not define.
 */
const char *xs_strerror(int err);

/* The error's symbolic name ("ENOENT"), or "E?" if unknown. */
const char *xs_errno_name(int err);

/* A message type's name without the XS_ prefix ("READ"), or "?". */
const char *xs_type_name(uint32_t type);

/*
 * Parse a decimal unsigned number filling the whole string (digits only,
 * at least one, at most UINT32_MAX): xenstore stores numbers as text.
 * Returns 0, or -EINVAL.
 */
int xs_parse_uint(const char *s, uint32_t *out);

#endif /* TINYPV_XS_PROTO_H */
