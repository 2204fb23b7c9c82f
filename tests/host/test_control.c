/*
 * test_control.c: the toolstack's requests (kernel/control.c) against a
 * xenstore played by the test.
 *
 * The fake xenstore keeps the control keys and does what xenstored does
 * with transactions that matter here: at most XENSTORED_TX_QUOTA open per
 * domain (ENOSPC after that, xenstored's default quota), reads that stop
 * at the caller's buffer (EOVERFLOW, as xs_reply_read() says), writes that
 * only land at a commit, and a commit that fails with EAGAIN if a node the
 * transaction read was written by somebody else meanwhile. The "toolstack"
 * writes the keys directly, as xl does, and then calls the watch function
 * the way the main loop would.
 *
 * What must hold: every transaction control.c starts is ended, whatever
 * the read found (a sysrq value too long for its buffer used to leave one
 * open each time, and after ten xl shutdown could no longer be taken); a
 * value too long is cleared and reported once; a suspend that cannot be
 * carried out is refused before the acknowledgement (left in the key),
 * never after it.
 */
/* The Makefile renames these for lib/format.c; the test uses libc's. */
#undef snprintf
#undef vsnprintf
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tinypv/control.h>
#include <tinypv/xenstore.h>
#include <tinypv/shutdown.h>
#include <tinypv/suspend.h>
#include <tinypv/platform.h>
#include <tinypv/clock.h>
#include <tinypv/console.h>
#include <tinypv/crash.h>
#include "check.h"

/* --- the console: every line control.c prints ----------------------------- */

static char out[65536];
static size_t out_len;

void printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
    va_end(ap);
    if ( n > 0 )
        out_len += (size_t)n;
    if ( out_len >= sizeof(out) )
        out_len = sizeof(out) - 1;
}

/* How many times text was printed since the last reset. */
static unsigned int printed(const char *text)
{
    unsigned int n = 0;

    for ( const char *p = out; (p = strstr(p, text)) != NULL; p++ )
        n++;
    return n;
}

/* --- what happened, in order ---------------------------------------------- */

static char events[256];

static void note(const char *what)
{
    if ( strlen(events) + strlen(what) + 2 < sizeof(events) )
    {
        strcat(events, events[0] ? " " : "");
        strcat(events, what);
    }
}

/* --- the fake xenstore ------------------------------------------------------ */

#define XENSTORED_TX_QUOTA  10
#define MAX_TX              64

struct node {
    const char *path;
    char value[64];
    unsigned int written;       /* generation of the last write */
};

static struct node nodes[] = {
    { .path = "control/shutdown" },
    { .path = "control/sysrq" },
};

struct fake_tx {
    bool open;
    unsigned int started;       /* the generation when it started */
    struct node *read;          /* the node it read, if any */
    struct node *write;         /* the node it wrote, if any */
    char value[64];             /* and what */
};

static struct fake_tx txs[MAX_TX];
static unsigned int generation, tx_started, tx_ended, tx_open_max;
static int read_error, write_error;        /* -errno to inject, or 0 */
static const char *race_value;  /* the toolstack writes it at our next read */

static struct node *find_node(const char *path)
{
    for ( size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++ )
        if ( strcmp(nodes[i].path, path) == 0 )
            return &nodes[i];
    return NULL;
}

/* The toolstack (or the race) writes a key, outside any transaction. */
static void toolstack_write(const char *path, const char *value)
{
    struct node *n = find_node(path);

    snprintf(n->value, sizeof(n->value), "%s", value);
    n->written = ++generation;
}

static unsigned int open_transactions(void)
{
    unsigned int n = 0;

    for ( unsigned int i = 1; i < MAX_TX; i++ )
        n += txs[i].open;
    return n;
}

static struct fake_tx *get_tx(xs_tx_t tx)
{
    return tx > 0 && tx < MAX_TX && txs[tx].open ? &txs[tx] : NULL;
}

int xs_transaction_start(xs_tx_t *tx)
{
    if ( open_transactions() >= XENSTORED_TX_QUOTA )
        return -ENOSPC;
    for ( unsigned int i = 1; i < MAX_TX; i++ )
        if ( !txs[i].open )
        {
            txs[i] = (struct fake_tx){ .open = true, .started = generation };
            *tx = i;
            tx_started++;
            if ( open_transactions() > tx_open_max )
                tx_open_max = open_transactions();
            return 0;
        }
    return -ENOSPC;
}

int xs_transaction_end(xs_tx_t tx, bool commit)
{
    struct fake_tx *t = get_tx(tx);

    if ( !t )
        return -ENOENT;
    t->open = false;
    tx_ended++;
    if ( !commit )
        return 0;
    if ( t->read && t->read->written > t->started )
        return -EAGAIN;
    if ( t->write )
    {
        snprintf(t->write->value, sizeof(t->write->value), "%s", t->value);
        t->write->written = ++generation;
        note("commit");
    }
    return 0;
}

/* As xs_reply_read(): the first size - 1 bytes and -EOVERFLOW if longer. */
int xs_tx_read(xs_tx_t tx, const char *path, char *buf, size_t size)
{
    struct fake_tx *t = get_tx(tx);
    struct node *n = find_node(path);
    size_t len, copy;

    buf[0] = '\0';
    if ( !t )
        return -ENOENT;
    if ( read_error )
        return read_error;
    if ( !n )
        return -ENOENT;
    t->read = n;
    len = strlen(n->value);
    copy = len < size - 1 ? len : size - 1;
    memcpy(buf, n->value, copy);
    buf[copy] = '\0';
    if ( race_value )
    {
        toolstack_write(path, race_value);
        race_value = NULL;
    }
    return copy < len ? -EOVERFLOW : (int)len;
}

int xs_tx_write(xs_tx_t tx, const char *path, const char *value)
{
    struct fake_tx *t = get_tx(tx);

    if ( !t )
        return -ENOENT;
    if ( write_error )
        return write_error;
    t->write = find_node(path);
    snprintf(t->value, sizeof(t->value), "%s", value);
    return 0;
}

int xs_write(const char *path, const char *value)
{
    return 0;       /* the feature keys */
}

static xs_watch_fn shutdown_fn, sysrq_fn;

int xs_watch(const char *path, const char *token, xs_watch_fn fn, void *ctx)
{
    if ( strcmp(path, "control/shutdown") == 0 )
        shutdown_fn = fn;
    else if ( strcmp(path, "control/sysrq") == 0 )
        sysrq_fn = fn;
    return 0;
}

const char *xs_strerror(int err)
{
    switch ( err )
    {
    case -ENOSPC:
        return "no space (quota)";
    case -EACCES:
        return "permission denied";
    case -EAGAIN:
        return "try again";
    default:
        return "some error";
    }
}

/* --- the rest of the kernel ------------------------------------------------- */

static jmp_buf ended;           /* poweroff, reboot and crash come back here */
static int suspend_check_rc;    /* what the platform and xenstore answer */
static unsigned int suspends, late_refusals;
static bool acked_at_check;     /* the key was already clear at the check */

void poweroff(void)
{
    note("poweroff");
    longjmp(ended, 1);
}

void reboot(void)
{
    note("reboot");
    longjmp(ended, 1);
}

bool trigger_fault(const char *kind)
{
    note("crash");
    longjmp(ended, 1);
}

int suspend_check(void)
{
    note("check");
    acked_at_check = find_node("control/shutdown")->value[0] == '\0';
    return suspend_check_rc;
}

/*
 * The suspend itself. Before the fix it also checked whether the domain
 * could suspend, after the acknowledgement: a refusal there is what the
 * toolstack cannot see (it waits 60 s for a suspend that never comes).
 */
int suspend_domain(void)
{
    note("suspend");
    if ( suspend_check_rc )
    {
        late_refusals++;
        return suspend_check_rc;
    }
    suspends++;
    return SUSPEND_CANCELLED;
}

uint64_t uptime_ns(void)
{
    return 1500000000ull;
}

void wallclock_now(uint64_t *sec, uint32_t *nsec)
{
    *sec = 1700000000;
    *nsec = 0;
}

void console_get_stats(struct console_stats *st)
{
    memset(st, 0, sizeof(*st));
}

/* --- the toolstack ---------------------------------------------------------- */

static void reset(void)
{
    memset(txs, 0, sizeof(txs));
    tx_started = tx_ended = tx_open_max = 0;
    read_error = write_error = 0;
    race_value = NULL;
    suspend_check_rc = 0;
    suspends = late_refusals = 0;
    acked_at_check = false;
    events[0] = '\0';
    out_len = 0;
    out[0] = '\0';
    toolstack_write("control/shutdown", "");
    toolstack_write("control/sysrq", "");
}

/* Write a request and let the watch fire, as the main loop would. */
static void request(const char *path, const char *value)
{
    xs_watch_fn fn = strcmp(path, "control/sysrq") == 0 ? sysrq_fn : shutdown_fn;

    toolstack_write(path, value);
    if ( setjmp(ended) == 0 )
        fn(NULL, path, NULL);
}

static const char *key(const char *path)
{
    return find_node(path)->value;
}

/* --- the tests -------------------------------------------------------------- */

#define TOO_LONG_SYSRQ "0123456789abc"     /* 13 bytes: EOVERFLOW in 8 */

/* The reproduction: twelve over-long sysrq values, then poweroff. */
static void test_sysrq_too_long(void)
{
    reset();
    for ( unsigned int i = 1; i <= 12; i++ )
    {
        request("control/sysrq", TOO_LONG_SYSRQ);
        CHECK_EQ(open_transactions(), 0);
        CHECK_STR(key("control/sysrq"), "");
        CHECK_EQ(printed("request in control/sysrq is 8 bytes or longer"), i);
        /* Our own clearing fires the watch again: nothing more to say. */
        request("control/sysrq", "");
        CHECK_EQ(printed("request in control/sysrq is 8 bytes or longer"), i);
    }
    CHECK_EQ(printed("sysrq: "), 0);       /* no key acted on */
    CHECK_EQ(printed("cannot take"), 0);
    CHECK_EQ(tx_open_max, 1);

    events[0] = '\0';
    request("control/shutdown", "poweroff");
    CHECK_STR(events, "commit poweroff");
    CHECK_STR(key("control/shutdown"), "");
    CHECK_EQ(open_transactions(), 0);
}

/* The same for control/shutdown: 32 bytes or more is no request. */
static void test_shutdown_too_long(void)
{
    reset();
    request("control/shutdown", "poweroffpoweroffpoweroffpoweroff!");
    CHECK_STR(key("control/shutdown"), "");
    CHECK_EQ(printed("request in control/shutdown is 32 bytes or longer"), 1);
    CHECK_STR(events, "commit");
    CHECK_EQ(open_transactions(), 0);
}

/* Read and write errors: the transaction is still ended. */
static void test_errors_end_the_transaction(void)
{
    reset();
    read_error = -EACCES;
    request("control/sysrq", "t");
    CHECK_EQ(open_transactions(), 0);
    CHECK_EQ(tx_started, tx_ended);
    CHECK_EQ(printed("cannot take the request in control/sysrq"), 1);

    reset();
    write_error = -EACCES;
    request("control/shutdown", "poweroff");
    CHECK_EQ(open_transactions(), 0);
    CHECK_EQ(tx_started, tx_ended);
    CHECK_STR(events, "");
    CHECK_STR(key("control/shutdown"), "poweroff");

    /* xenstored's quota reached by somebody else: said, nothing leaked. */
    reset();
    for ( unsigned int i = 0; i < XENSTORED_TX_QUOTA; i++ )
    {
        xs_tx_t tx;

        xs_transaction_start(&tx);
    }
    request("control/shutdown", "poweroff");
    CHECK_EQ(open_transactions(), XENSTORED_TX_QUOTA);
    CHECK_EQ(printed("cannot take the request in control/shutdown"), 1);
    CHECK_STR(events, "");
}

/* A suspend the platform or xenstore cannot do now: refused before the ack. */
static void test_suspend_refused_before_ack(void)
{
    reset();
    suspend_check_rc = -EBUSY;
    request("control/shutdown", "suspend");
    CHECK_STR(key("control/shutdown"), "suspend");     /* not acknowledged */
    CHECK_STR(events, "check");
    CHECK_EQ(late_refusals, 0);
    CHECK_EQ(printed("'suspend' in control/shutdown left unacknowledged"), 1);
    CHECK_EQ(open_transactions(), 0);

    /* libxl gives up and clears the key: nothing more happens. */
    request("control/shutdown", "");
    CHECK_STR(events, "check");
    CHECK_EQ(printed("left unacknowledged"), 1);
}

/* One that can: checked, then acknowledged, then carried out. */
static void test_suspend_checked_then_acked(void)
{
    reset();
    request("control/shutdown", "suspend");
    CHECK_STR(events, "check commit suspend");
    CHECK(!acked_at_check);
    CHECK_STR(key("control/shutdown"), "");
    CHECK_EQ(suspends, 1);
    CHECK_EQ(late_refusals, 0);
    CHECK_EQ(open_transactions(), 0);
}

/*
 * libxl withdraws the suspend (writes "") between our read and our commit:
 * the commit fails, the second look finds nothing, and nothing is done.
 */
static void test_suspend_withdrawn_meanwhile(void)
{
    reset();
    race_value = "";
    request("control/shutdown", "suspend");
    CHECK_STR(events, "check");
    CHECK_EQ(suspends, 0);
    CHECK_EQ(tx_started, 2);
    CHECK_EQ(open_transactions(), 0);
    CHECK_STR(key("control/shutdown"), "");
}

/* What xl shutdown, xl reboot and xl sysrq did before, they still do. */
static void test_requests_as_before(void)
{
    reset();
    request("control/shutdown", "poweroff");
    CHECK_STR(events, "commit poweroff");
    CHECK_EQ(printed("the toolstack asked for poweroff; shutting down"), 1);

    reset();
    request("control/shutdown", "halt");
    CHECK_STR(events, "commit poweroff");

    reset();
    request("control/shutdown", "reboot");
    CHECK_STR(events, "commit reboot");

    reset();
    request("control/shutdown", "dance");
    CHECK_STR(events, "commit");
    CHECK_EQ(printed("unknown shutdown request 'dance' ignored"), 1);
    CHECK_STR(key("control/shutdown"), "");

    reset();
    request("control/sysrq", "t");
    CHECK_EQ(printed("sysrq: time 2023-11-14T22:13:20Z, up 1.500 s"), 1);
    request("control/sysrq", "h");
    CHECK_EQ(printed("sysrq: h help"), 1);
    request("control/sysrq", "tt");        /* the first key counts */
    CHECK_EQ(printed("sysrq: time "), 2);
    request("control/sysrq", "c");
    CHECK_STR(events, "commit commit commit commit crash");
    CHECK_EQ(open_transactions(), 0);
}

int main(void)
{
    control_init();
    CHECK(shutdown_fn != NULL && sysrq_fn != NULL);
    if ( !shutdown_fn || !sysrq_fn )
        return check_summary("control");

    test_sysrq_too_long();
    test_shutdown_too_long();
    test_errors_end_the_transaction();
    test_suspend_refused_before_ack();
    test_suspend_checked_then_acked();
    test_suspend_withdrawn_meanwhile();
    test_requests_as_before();
    return check_summary("control");
}
