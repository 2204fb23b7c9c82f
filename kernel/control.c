/*
 * control.c: the toolstack's requests, as xenstore watches.
 *
 *   xl shutdown  ->  control/shutdown = "poweroff"   (or "halt")
 *   xl reboot    ->  control/shutdown = "reboot"
 *   xl save      ->  control/shutdown = "suspend"    (kernel/suspend.c;
 *   xl migrate                                         also xl save -c)
 *   xl sysrq D K ->  control/sysrq = "K"
 *
 * xenstored fires our watch, the event reaches the main loop through the
 * xenstore event channel, and the watch function below reads the request,
 * acknowledges it by writing an empty value (the toolstack created the key
 * empty and reads that as "taken"), and acts.
 *
 * The read and the acknowledgement are one xenstore transaction. The
 * toolstack may write the key again, or cancel a request it gave up on
 * (libxl clears an unanswered "suspend" after 60 s, in a transaction of
 * its own), between our read and our write: outside a transaction we
 * would then clear a request we never saw, or acknowledge one that was
 * withdrawn. In one, xenstored refuses our commit (EAGAIN) if the key
 * changed after we read it, and we read again.
 *
 * A request tinypv cannot honour would not be acknowledged at all: that
 * is how the toolstack learns it was refused (libxl gives up after its
 * 60 s wait, "guest didn't acknowledge suspend", instead of waiting
 * another 60 s for a suspend that an acknowledgement would promise).
 * Today every request is honoured; suspend acknowledges first, as libxl
 * waits for that before it waits for the domain to suspend.
 */
#include <tinypv/control.h>
#include <tinypv/xenstore.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>
#include <tinypv/suspend.h>
#include <tinypv/clock.h>
#include <lib/calendar.h>
#include <tinypv/console.h>
#include <arch/traps.h>
#include <lib/string.h>

#define SHUTDOWN_KEY    "control/shutdown"
#define SYSRQ_KEY       "control/sysrq"

static void no_hook(void)
{
}

/* Whoever owns the terminal (the monitor) redraws its prompt here. */
static void (*message_hook)(void) = no_hook;

void control_set_message_hook(void (*fn)(void))
{
    message_hook = fn ? fn : no_hook;
}

/* A toolstack message was printed in the middle of whatever was on screen. */
static void after_message(void)
{
    message_hook();
}

#define CONTROL_TX_ATTEMPTS 5

/* Whether to acknowledge a request; true for everything we can carry out. */
typedef bool (*accept_fn)(const char *request);

static bool accept_all(const char *request)
{
    return true;
}

/*
 * One attempt: in transaction tx, read key into buf and, if accept() says
 * so, clear it. Returns 0 (buf holds the request, or "" if none), or -errno;
 * -EAGAIN from the commit means: the key changed meanwhile, try again.
 */
static int read_and_ack(xs_tx_t tx, const char *key, char *buf, size_t size,
                        accept_fn accept)
{
    int rc = xs_tx_read(tx, key, buf, size);

    if ( rc == -ENOENT )
        buf[0] = '\0';
    else if ( rc < 0 )
        return rc;
    if ( buf[0] == '\0' || !accept(buf) )
        return xs_transaction_end(tx, false);   /* nothing to write */
    rc = xs_tx_write(tx, key, "");
    if ( rc < 0 )
    {
        xs_transaction_end(tx, false);
        return rc;
    }
    return xs_transaction_end(tx, true);
}

/*
 * Read a control key and acknowledge the request in it, atomically; false
 * if there is no request (an empty key: our own acknowledgement, or no
 * request yet). A request accept() refuses is returned unacknowledged.
 */
static bool take_request(const char *key, char *buf, size_t size,
                         accept_fn accept)
{
    xs_tx_t tx;
    int rc = -EAGAIN;

    for ( unsigned int i = 0; i < CONTROL_TX_ATTEMPTS && rc == -EAGAIN; i++ )
    {
        rc = xs_transaction_start(&tx);
        if ( rc == 0 )
            rc = read_and_ack(tx, key, buf, size, accept);
    }
    if ( rc < 0 )
    {
        printk("control: cannot take the request in %s: %s\n", key,
               xs_strerror(rc));
        return false;
    }
    return buf[0] != '\0';
}

/*
 * Every request is taken: suspend too (kernel/suspend.c). The accept()
 * hook stays for requests a port of tinypv cannot honour: those are left
 * unacknowledged, which is how the toolstack learns it was refused.
 */
static bool can_honour(const char *request)
{
    return true;
}

static void shutdown_requested(void *ctx, const char *path, const char *token)
{
    char request[32];

    if ( !take_request(SHUTDOWN_KEY, request, sizeof(request), can_honour) )
        return;
    if ( strcmp(request, "poweroff") == 0 || strcmp(request, "halt") == 0 )
    {
        printk("\ntinypv: the toolstack asked for %s; shutting down\n", request);
        poweroff();
    }
    if ( strcmp(request, "reboot") == 0 )
    {
        printk("\ntinypv: the toolstack asked for a reboot; rebooting\n");
        reboot();
    }
    if ( strcmp(request, "suspend") == 0 )
    {
        /*
         * Acknowledged above (the key is empty again): libxl waits for
         * that, then for the domain to shut down with reason suspend.
         */
        printk("\n");
        suspend_domain();
    }
    else
        printk("\ncontrol: unknown shutdown request '%s' ignored\n", request);
    after_message();
}

static void sysrq_help(void)
{
    printk("sysrq: h help, t time and statistics, c crash\n");
}

static void sysrq_time(void)
{
    uint64_t sec;
    uint32_t nsec, up_ns;
    uint64_t up_s = div_u64_rem(uptime_ns(), (uint32_t)NSEC_PER_SEC, &up_ns);
    struct utc_time t;
    struct console_stats st;

    wallclock_now(&sec, &nsec);
    unix_to_utc(sec, &t);
    console_get_stats(&st);
    printk("sysrq: time %04u-%02u-%02uT%02u:%02u:%02uZ, up %llu.%03u s, "
           "console %llu bytes out, %llu in\n", t.year, t.month, t.day, t.hour,
           t.minute, t.second, (unsigned long long)up_s, up_ns / 1000000,
           (unsigned long long)st.out.bytes, (unsigned long long)st.in.bytes);
}

static void sysrq_requested(void *ctx, const char *path, const char *token)
{
    char key[8];

    if ( !take_request(SYSRQ_KEY, key, sizeof(key), accept_all) )
        return;
    printk("\n");
    switch ( key[0] )
    {
    case 'h':
        sysrq_help();
        break;
    case 't':
        sysrq_time();
        break;
    case 'c':
        printk("sysrq: crash requested\n");
        trigger_fault("panic");
        break;
    default:
        printk("sysrq: unknown key '%c'; ", key[0]);
        sysrq_help();
        break;
    }
    after_message();
}

/* The features a toolstack may look for before using control/shutdown. */
static void announce_features(void)
{
    static const char *const features[] = {
        "control/feature-poweroff", "control/feature-reboot",
        "control/feature-suspend",
    };

    for ( size_t i = 0; i < ARRAY_SIZE(features); i++ )
    {
        int rc = xs_write(features[i], "1");

        if ( rc < 0 )
            printk("control: cannot write %s: %s\n", features[i],
                   xs_strerror(rc));
    }
}

void control_init(void)
{
    int rc;

    announce_features();
    rc = xs_watch(SHUTDOWN_KEY, "shutdown", shutdown_requested, NULL);
    if ( rc == 0 )
        rc = xs_watch(SYSRQ_KEY, "sysrq", sysrq_requested, NULL);
    if ( rc < 0 )
        printk("control: cannot watch the control keys: %s; xl shutdown "
               "will not reach tinypv\n", xs_strerror(rc));
}
