/*
 * xenstore.c: the xenstore client, gluing the pure ring and message code
 * (xs_ring.c, xs_proto.c) to Xen.
 *
 * One call, one request, one answer:
 *
 *     xs_read -> request: build in tx_buf -> xs_ring_write -> EVTCHNOP_send
 *             -> wait_for_answer: xs_ring_read into rx_buf, until the message
 *                with our req_id comes (SCHEDOP_poll in between)
 *             -> xs_reply_read: the value from rx_buf into the caller's buffer
 *
 * The rsp ring carries more than answers: watch events may come at any
 * time, in between or before our answer. An event only sets its watch's
 * "fired" flag; the main loop (xenstore_process) later calls the function
 * of each watch that fired, once, so that a watch function never runs
 * inside another call and may itself make calls. Events are coalesced,
 * never queued: any number of them in a storm costs one flag per watch, no
 * watch can be lost behind the others, and the function reads the node
 * (the state, not the event, is what counts).
 *
 * Transactions nobody holds: a transaction start that timed out may still
 * be answered, and an end that could not be sent leaves its transaction
 * open; either would count against xenstored's quota (10 per domain) for
 * the domain's whole life. Both are remembered (struct xs_orphans), and
 * the main loop ends such transactions ("F"), never inside another call.
 *
 * Budgets: one pass of xenstore_process() reads at most
 * XENSTORE_PUMP_BUDGET messages and then asks to be called again, and a
 * call waiting for its answer checks its deadline at least that often: a
 * xenstored that never stops talking cannot keep the kernel in here.
 *
 * Everything that touches the rings runs with upcalls masked. The upcall
 * handler does nothing but set work_pending, so it cannot interfere; the
 * masking is there for the reason given at console_wait(): we watch the
 * port's pending bit ourselves, and poll on it.
 */
#include <tinypv/xenstore.h>
#include <tinypv/events.h>
#include <tinypv/printk.h>
#include <tinypv/clock.h>
#include <lib/string.h>
#include <tinypv/barrier.h>

/* A request being sent, and the message being received. */
static uint8_t tx_buf[XS_MSG_MAX];
static uint8_t rx_buf[XS_MSG_MAX];

static struct xs_ring ring;
static evtchn_port_t store_port;
static bool connected;                  /* init found the page and the port */
static volatile bool work_pending;      /* set by the upcall handler */
static bool in_request;                 /* between a request and its answer */
static uint32_t next_req_id = 1;        /* 0 is never used: it means "none" */
static int our_domid = -ENOTCONN;
static uint64_t write_deadline;
static struct xenstore_stats stats;
static struct xs_orphans orphans;       /* transactions nobody holds */

struct watch {
    bool used;
    bool fired;                 /* an event came since fn last ran */
    char path[XENSTORE_WATCH_PATH_MAX];
    char token[XENSTORE_TOKEN_MAX];
    xs_watch_fn fn;
    void *ctx;
};
static struct watch watches[XENSTORE_MAX_WATCHES];
static bool any_fired;          /* some watch has fired set */

/* --- talking to the ring -------------------------------------------------- */

static void store_notify(void *ctx)
{
    evtchn_notify(store_port);
}

/*
 * Wait for xenstored (see evtchn_wait). An event consumed here will never
 * reach the upcall, and it may have announced watch events or answers we
 * do not read now: so tell the main loop to look at the ring too.
 */
static void wait_for_store(uint64_t deadline)
{
    if ( evtchn_wait(store_port, deadline) )
        work_pending = true;
}

static bool store_wait(void *ctx, unsigned int attempt);

static const struct xs_ring_ops store_ops = {
    .notify = store_notify,
    .wait = store_wait,
};

/* Say once that the ring was given up on. Returns whether it was. */
static bool ring_failed(void)
{
    if ( ring.fault == XS_RING_FAULT_NONE )
        return false;
    if ( stats.corrupt == 0 )
    {
        stats.corrupt = 1;
        printk("xenstore: giving up on the ring: %s (prod=%u cons=%u len=%u); "
               "all xenstore calls now fail with EIO\n",
               xs_ring_fault_name(ring.fault), ring.bad_prod, ring.bad_cons,
               ring.bad_len);
    }
    return true;
}

/* 0 if requests can be sent, else the error every call returns. */
static int usable(void)
{
    if ( !connected )
        return -ENOTCONN;
    if ( ring_failed() )
        return -EIO;
    return 0;
}

/* Count the errors the API returns, in one place. */
static int result(int rc)
{
    if ( rc < 0 )
        stats.errors++;
    return rc;
}

/* --- watch events --------------------------------------------------------- */

static struct watch *find_watch(const char *token)
{
    for ( unsigned int i = 0; i < XENSTORE_MAX_WATCHES; i++ )
        if ( watches[i].used && strcmp(watches[i].token, token) == 0 )
            return &watches[i];
    return NULL;
}

/* LAB xenstore BEGIN: watch events: note them, deliver them */
/* Note an event on its watch, if it is for one of ours. */
static void note_event(const struct xs_msg *m)
{
    const char *path, *token;
    struct watch *w;

    stats.watch_events++;
    if ( xs_parse_watch_event(m, &path, &token) )
    {
        stats.events_unknown++;
        printk("xenstore: malformed watch event (%u bytes) dropped\n", m->len);
        return;
    }
    w = strlen(token) < XENSTORE_TOKEN_MAX ? find_watch(token) : NULL;
    if ( !w )
    {
        stats.events_unknown++;     /* normal just after an unwatch */
        return;
    }
    if ( w->fired )
        stats.events_coalesced++;   /* one call will do for both */
    w->fired = true;
    any_fired = true;
}

/*
 * Call the function of each watch that fired, outside any request. The
 * flag is cleared before the call: an event during it (its own write, say)
 * brings it back for another pass.
 */
static void deliver_events(void)
{
    struct watch *w;

    any_fired = false;
    for ( unsigned int i = 0; i < XENSTORE_MAX_WATCHES; i++ )
    {
        w = &watches[i];
        if ( !w->used || !w->fired )
            continue;
        w->fired = false;
        stats.events_delivered++;
        w->fn(w->ctx, w->path, w->token);
    }
}
#if 0 /* LAB xenstore STUB */
/*
 * LAB xenstore: a watch event came (m: a WATCH_EVENT message); this runs
 * inside a request, so only note it: count stats.watch_events, take it
 * apart (xs_parse_watch_event(); a malformed one is counted in
 * stats.events_unknown, said once with printk and dropped), find the
 * watch by its token (find_watch(); none: stats.events_unknown, normal
 * just after an unwatch), and set that watch's `fired` and any_fired.
 * Coalesce, never queue: a watch that has fired already counts
 * stats.events_coalesced.
 */
static void note_event(const struct xs_msg *m)
{
    stats.watch_events++;
}

/*
 * LAB xenstore: from the main loop, outside any request: call w->fn(w->ctx,
 * w->path, w->token) for each used watch that fired, once, clearing its
 * `fired` BEFORE the call (an event during the call, its own write say,
 * brings it back), and count stats.events_delivered. Clear any_fired first.
 */
static void deliver_events(void)
{
    any_fired = false;
}
#endif /* LAB xenstore END */

/* --- reading the rsp ring ------------------------------------------------- */

enum pump_result {
    PUMP_EMPTY,         /* nothing more to read now */
    PUMP_BUDGET,        /* XENSTORE_PUMP_BUDGET messages read; maybe more */
    PUMP_ANSWER,        /* the answer to want_id is in *answer (in rx_buf) */
    PUMP_FAULT,         /* the ring is given up on */
};

/*
 * Is m the late answer to a transaction start we gave up on? A transaction
 * it opened is queued, and ended by the main loop (end_orphans()).
 */
static bool late_start_answer(const struct xs_msg *m)
{
    switch ( xs_orphans_answer(&orphans, m) )
    {
    case XS_ORPHAN_NOT_LATE:
        return false;
    case XS_ORPHAN_NO_TX:
        break;
    case XS_ORPHAN_TX_QUEUED:
        work_pending = true;
        break;
    case XS_ORPHAN_TX_LOST:
        printk("xenstore: the late answer to TRANSACTION_START request %u "
               "opened a transaction that cannot be ended\n", m->req_id);
        break;
    }
    stats.stray_replies++;
    return true;
}

/* Sort one message: the awaited answer, an event, or a stray answer. */
static bool is_answer(const struct xs_msg *m, uint32_t want_id)
{
    if ( m->type == XS_WATCH_EVENT )
    {
        note_event(m);
        return false;
    }
    if ( want_id != 0 && m->req_id == want_id )
        return true;
    if ( late_start_answer(m) )
        return false;
    /* An answer after its request timed out, or a confused xenstored. */
    stats.stray_replies++;
    printk("xenstore: dropping a %s message for request %u; %s\n",
           xs_type_name(m->type), m->req_id,
           want_id ? "it is not the one we wait for" : "no request is waiting");
    return false;
}

/*
 * Read messages until the ring is empty, the answer to want_id (0: none
 * expected) arrives, or XENSTORE_PUMP_BUDGET messages were read. The
 * answer stays valid in rx_buf until the next pump.
 */
static enum pump_result pump(uint32_t want_id, struct xs_msg *answer)
{
    struct xs_msg m;
    size_t len;

    for ( unsigned int budget = XENSTORE_PUMP_BUDGET; ; budget-- )
    {
        if ( budget == 0 )
            return PUMP_BUDGET;
        switch ( xs_ring_read(&ring, rx_buf, sizeof(rx_buf), &len) )
        {
        case XS_RX_NONE:
            return PUMP_EMPTY;
        case XS_RX_FAULT:
            ring_failed();
            return PUMP_FAULT;
        case XS_RX_DROPPED:         /* cannot happen: rx_buf fits any message */
            continue;
        case XS_RX_MESSAGE:
            break;
        }
        if ( xs_parse_msg(rx_buf, len, &m) )
            continue;               /* cannot happen: the ring checked it */
        if ( is_answer(&m, want_id) )
        {
            *answer = m;
            return PUMP_ANSWER;
        }
    }
}

/*
 * The writer's wait, when the req ring is full: read what xenstored sent
 * (it may be waiting for room in the rsp ring before it reads on), then
 * sleep as console_wait() does, until the port fires or the deadline.
 */
static bool store_wait(void *ctx, unsigned int attempt)
{
    uint64_t now = monotonic_ns();

    if ( attempt == 0 )
        write_deadline = now + XENSTORE_TIMEOUT_MS * NSEC_PER_MSEC;
    if ( now >= write_deadline )
        return false;
    switch ( pump(0, NULL) )
    {
    case PUMP_FAULT:                /* the writer sees the fault and stops */
    case PUMP_BUDGET:               /* more to read: no sleeping yet */
        return true;
    default:
        break;
    }
    wait_for_store(write_deadline);
    return true;
}

/*
 * Wait for the answer to request id. Each round reads the ring; only if
 * that finds nothing and the pending bit is clear do we poll, and an event
 * arriving between the test and the poll still ends the poll at once.
 */
static int wait_for_answer(uint32_t id, uint32_t type, struct xs_msg *answer)
{
    uint64_t deadline = monotonic_ns() + XENSTORE_TIMEOUT_MS * NSEC_PER_MSEC;
    enum pump_result got;

    for ( ;; )
    {
        switch ( (got = pump(id, answer)) )
        {
        case PUMP_ANSWER:
            stats.replies++;
            return 0;
        case PUMP_FAULT:
            return -EIO;
        case PUMP_EMPTY:
        case PUMP_BUDGET:
            break;
        }
        if ( monotonic_ns() >= deadline )
        {
            stats.timeouts++;
            printk("xenstore: no answer to %s (request %u) within %u ms\n",
                   xs_type_name(type), id, XENSTORE_TIMEOUT_MS);
            return -ETIMEDOUT;
        }
        if ( got == PUMP_EMPTY )
            wait_for_store(deadline);   /* else read on, deadline checked */
    }
}

/* --- requests ------------------------------------------------------------- */

static uint32_t new_req_id(void)
{
    uint32_t id = next_req_id++;

    if ( next_req_id == 0 )
        next_req_id = 1;
    return id;
}

/* Put a built request into the ring; 0 or -errno. */
static int send_request(size_t len, uint32_t type)
{
    switch ( xs_ring_write(&ring, tx_buf, len) )
    {
    case XS_TX_OK:
        stats.requests++;
        return 0;
    case XS_TX_GAVE_UP:
        stats.timeouts++;
        printk("xenstore: no room for a %s request for %u ms; not sent\n",
               xs_type_name(type), XENSTORE_TIMEOUT_MS);
        return -ETIMEDOUT;
    case XS_TX_FAULT:
        ring_failed();
        return -EIO;
    case XS_TX_INVALID:
        break;
    }
    return -EINVAL;
}

/*
 * Send "path\0", then "token\0" if token, then value's bytes (unterminated)
 * if value; wait for the answer. On success *answer points into rx_buf and
 * must be used before the next request. *sent (if not NULL): the request's
 * id if it went into the ring (xenstored will see it, whatever we return),
 * 0 if it did not.
 */
static int request_tx(xs_tx_t tx, uint32_t type, const char *path,
                      const char *token, const char *value,
                      struct xs_msg *answer, uint32_t *sent)
{
    struct xs_builder b;
    unsigned long flags;
    uint32_t id;
    size_t len;
    int rc = usable();

    if ( sent )
        *sent = 0;
    if ( rc )
        return rc;
    if ( !path )
        return -EINVAL;

    id = new_req_id();
    xs_build_start(&b, tx_buf, sizeof(tx_buf), type, id);
    xs_build_set_tx(&b, tx);
    xs_build_string(&b, path);
    if ( token )
        xs_build_string(&b, token);
    if ( value )
        xs_build_bytes(&b, value, strlen(value));
    len = xs_build_end(&b);
    if ( !len )
        return -E2BIG;

    flags = upcall_save_and_mask();
    in_request = true;
    rc = send_request(len, type);
    if ( rc == 0 && sent )
        *sent = id;
    if ( rc == 0 )
        rc = wait_for_answer(id, type, answer);
    in_request = false;
    upcall_restore(flags);
    return rc;
}

static int request(uint32_t type, const char *path, const char *token,
                   const char *value, struct xs_msg *answer)
{
    return request_tx(XS_NO_TX, type, path, token, value, answer, NULL);
}

int xs_tx_read(xs_tx_t tx, const char *path, char *buf, size_t size)
{
    struct xs_msg answer;
    int rc = request_tx(tx, XS_READ, path, NULL, NULL, &answer, NULL);

    if ( rc == 0 )
        return result(xs_reply_read(&answer, buf, size));
    if ( size )
        buf[0] = '\0';
    return result(rc);
}

int xs_read(const char *path, char *buf, size_t size)
{
    return xs_tx_read(XS_NO_TX, path, buf, size);
}

int xs_tx_write(xs_tx_t tx, const char *path, const char *value)
{
    struct xs_msg answer;
    int rc;

    if ( !value )
        return result(-EINVAL);
    rc = request_tx(tx, XS_WRITE, path, NULL, value, &answer, NULL);
    return result(rc ? rc : xs_reply_status(&answer, XS_WRITE));
}

int xs_write(const char *path, const char *value)
{
    return xs_tx_write(XS_NO_TX, path, value);
}

/*
 * The answer is the new transaction's id, in decimal; never 0. A start
 * that xenstored saw but did not answer in time is remembered: if its
 * answer comes after all, the transaction it opened is ended.
 */
int xs_transaction_start(xs_tx_t *tx)
{
    struct xs_msg answer;
    uint32_t sent;
    int rc = request_tx(XS_NO_TX, XS_TRANSACTION_START, "", NULL, NULL,
                        &answer, &sent);

    if ( rc == -ETIMEDOUT && sent &&
         !xs_orphans_start_timed_out(&orphans, sent) )
        printk("xenstore: too many transaction starts unanswered; one "
               "answered later will not be ended\n");
    return result(rc ? rc : xs_reply_transaction(&answer, tx));
}

/*
 * "T" commits, "F" throws the transaction away. An end that could not
 * even be sent (no room in the ring) would leave the transaction open:
 * it is queued, and thrown away once xenstored makes room.
 */
int xs_transaction_end(xs_tx_t tx, bool commit)
{
    struct xs_msg answer;
    uint32_t sent;
    int rc = request_tx(tx, XS_TRANSACTION_END, commit ? "T" : "F", NULL,
                        NULL, &answer, &sent);

    if ( rc == -ETIMEDOUT && !sent && !xs_orphans_queue_end(&orphans, tx) )
        printk("xenstore: transaction %u cannot be ended; it stays open\n",
               tx);
    return result(rc ? rc : xs_reply_status(&answer, XS_TRANSACTION_END));
}

/*
 * End the transactions nobody holds, from the main loop: never inside
 * another call. One try each per pass; an end that cannot be sent yet is
 * queued again (above) and tried the next time xenstored shows life.
 */
static void end_orphans(void)
{
    unsigned int n = xs_orphans_ends_queued(&orphans), left;
    uint32_t tx;
    int rc;

    while ( n-- > 0 && usable() == 0 && xs_orphans_next_end(&orphans, &tx) )
    {
        left = xs_orphans_ends_queued(&orphans);
        rc = xs_transaction_end(tx, false);
        if ( xs_orphans_ends_queued(&orphans) > left )
            continue;               /* not sent: queued again */
        printk("xenstore: transaction %u, which nobody held any more, "
               "thrown away: %s\n", tx, xs_strerror(rc));
    }
}

int xs_rm(const char *path)
{
    struct xs_msg answer;
    int rc = request(XS_RM, path, NULL, NULL, &answer);

    return result(rc ? rc : xs_reply_status(&answer, XS_RM));
}

int xs_directory(const char *path, char *buf, size_t size)
{
    struct xs_msg answer;
    int rc = request(XS_DIRECTORY, path, NULL, NULL, &answer);

    if ( rc == 0 )
        return result(xs_reply_directory(&answer, buf, size));
    if ( size )
        buf[0] = '\0';
    return result(rc);
}

int xs_watch(const char *path, const char *token, xs_watch_fn fn, void *ctx)
{
    struct xs_msg answer;
    struct watch *w = NULL;
    int rc;

    if ( !path || !token || !fn )
        return result(-EINVAL);
    if ( strnlen(path, XENSTORE_WATCH_PATH_MAX) == XENSTORE_WATCH_PATH_MAX ||
         strnlen(token, XENSTORE_TOKEN_MAX) == XENSTORE_TOKEN_MAX )
        return result(-ENAMETOOLONG);
    if ( find_watch(token) )
        return result(-EEXIST);
    for ( unsigned int i = 0; i < XENSTORE_MAX_WATCHES && !w; i++ )
        if ( !watches[i].used )
            w = &watches[i];
    if ( !w )
        return result(-ENOBUFS);

    /* Taken before asking: the first event may come with the answer. */
    memcpy(w->path, path, strlen(path) + 1);
    memcpy(w->token, token, strlen(token) + 1);
    w->fn = fn;
    w->ctx = ctx;
    w->fired = false;
    w->used = true;

    rc = request(XS_WATCH, path, token, NULL, &answer);
    if ( rc == 0 )
        rc = xs_reply_status(&answer, XS_WATCH);
    if ( rc )
        w->used = false;
    return result(rc);
}

int xs_unwatch(const char *path, const char *token)
{
    struct xs_msg answer;
    struct watch *w;
    int rc;

    if ( !path || !token )
        return result(-EINVAL);
    w = find_watch(token);
    if ( !w || strcmp(w->path, path) != 0 )
        return result(-ENOENT);

    /* Freed first: events still in flight are now dropped. */
    w->used = false;
    w->fired = false;
    rc = request(XS_UNWATCH, path, token, NULL, &answer);
    return result(rc ? rc : xs_reply_status(&answer, XS_UNWATCH));
}

/* --- connecting ----------------------------------------------------------- */

/* In the upcall: only note that there is something to do. */
static void store_event(evtchn_port_t port, void *ctx)
{
    work_pending = true;
}

/* Ask xenstored who we are: "domid" is relative to our own directory. */
static int learn_domid(void)
{
    char value[16];
    uint32_t id;
    int rc = xs_read("domid", value, sizeof(value));

    if ( rc < 0 )
    {
        printk("xenstore: cannot read our domid: %s\n", xs_strerror(rc));
        our_domid = rc;
        return rc;
    }
    if ( xs_parse_uint(value, &id) || id >= DOMID_FIRST_RESERVED )
    {
        printk("xenstore: \"%s\" is not a domain id\n", value);
        our_domid = -EBADMSG;
        return -EBADMSG;
    }
    our_domid = (int)id;
    return 0;
}

int xenstore_init(const struct boot_ring *r)
{
    if ( connected )
        return -EISCONN;
    if ( !r->present )
    {
        printk("xenstore: no xenstore ring; no xenstore\n");
        return -EIO;
    }
    store_port = r->port;
    xs_ring_init(&ring, r->page, &store_ops);
    if ( evtchn_bind_handler(store_port, store_event, NULL, "xenstore") )
    {
        printk("xenstore: cannot bind event channel %u; no xenstore\n",
               store_port);
        return -EBUSY;
    }
    connected = true;
    work_pending = true;        /* something may have come before we listened */

    return learn_domid();
}

int xs_domid(void)
{
    return our_domid;
}

/* --- suspend and resume --------------------------------------------------- */

bool xenstore_idle(void)
{
    return !in_request;
}

/* xenstored keeps watches per domain: a new domain has none of ours. */
static void rewatch_all(void)
{
    struct xs_msg answer;
    int rc;

    for ( unsigned int i = 0; i < XENSTORE_MAX_WATCHES; i++ )
    {
        struct watch *w = &watches[i];

        if ( !w->used )
            continue;
        rc = request(XS_WATCH, w->path, w->token, NULL, &answer);
        if ( rc == 0 )
            rc = xs_reply_status(&answer, XS_WATCH);
        if ( rc < 0 )
            printk("xenstore: cannot watch %s again: %s\n", w->path,
                   xs_strerror(result(rc)));
    }
}

/*
 * The ring is a new xenstored's now (see xs_ring_reconnect()): what the old
 * one sent and we had not read, whole messages or part of one, dies with
 * it, and so do its transactions. No call is waiting for an answer here
 * (suspend_domain() suspends only when xenstore_idle()), so no caller is
 * left hanging; the answers lost are those of requests that had failed
 * already (-ETIMEDOUT), and events, which rewatch_all() brings back.
 */
static void reconnect_ring(struct xenstore_domain_interface *page)
{
    struct xs_ring_leftovers left;

    xs_ring_reconnect(&ring, page, &left);
    if ( left.half_read )
        printk("xenstore: a message was half read when the domain was "
               "saved; dropped\n");
    if ( left.rsp_dropped )
        printk("xenstore: the old xenstored left %u bytes unread in the "
               "reply ring; dropped\n", left.rsp_dropped);
    if ( left.req_unread )
        printk("xenstore: the old xenstored did not read %u request "
               "bytes; the new one will answer them\n", left.req_unread);
    xs_orphans_reconnect(&orphans, left.req_unread != 0);
    ring_failed();                  /* says so if the indices made no sense */
}

int xenstore_resume(const struct boot_ring *r, bool new_domain)
{
    if ( !connected )
        return -ENOTCONN;
    work_pending = true;        /* whatever came while away */
    if ( !new_domain )
        return 0;

    if ( !r->present )
    {
        connected = false;
        printk("xenstore: no xenstore ring after the restore; no xenstore\n");
        return -EIO;
    }
    /*
     * A new xenstored connection on the same page. Its indices are not
     * what we left: C xenstored zeroes them when the domain is introduced,
     * and libxc zeroes a PVH domain's whole page; only under oxenstored
     * does a PV page keep them, with whatever the old xenstored had sent.
     */
    store_port = r->port;
    if ( evtchn_bind_handler(store_port, store_event, NULL, "xenstore") )
    {
        connected = false;
        printk("xenstore: cannot bind event channel %u; no xenstore\n",
               store_port);
        return -EBUSY;
    }
    reconnect_ring(r->page);
    rewatch_all();
    return learn_domid();
}

/* --- the main loop -------------------------------------------------------- */

bool xenstore_pending(void)
{
    return work_pending || any_fired;   /* queued ends come with work_pending */
}

void xenstore_process(void)
{
    unsigned long flags;

    /* Clear before reading: an event during the drain makes us come back. */
    work_pending = false;
    barrier();
    if ( usable() == 0 )
    {
        flags = upcall_save_and_mask();
        if ( pump(0, NULL) == PUMP_BUDGET )
            work_pending = true;    /* the rest on the next pass */
        upcall_restore(flags);
    }
    end_orphans();
    deliver_events();
}

/* --- for `stats` and `info` ----------------------------------------------- */

void xenstore_get_stats(struct xenstore_stats *st)
{
    *st = stats;
    st->connected = connected && ring.fault == XS_RING_FAULT_NONE;
    st->ring = ring.stats;
}
