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
 * changed after we read it, and we read again. Every transaction we start
 * is ended, whatever happens in it: xenstored lets a domain hold only a
 * few open (10 by default), and once they are used up every later request
 * of the toolstack would fail to be taken.
 *
 * A value too long for our buffer is no request we know (xl writes one
 * word, or one key for sysrq): it is cleared like a request, so that it
 * does not linger, reported once, and not acted on.
 *
 * A request tinypv cannot honour is not acknowledged: that is the only
 * refusal the protocol has: libxl takes any value of the key but the
 * request itself as the acknowledgement, and after that it waits only for
 * the domain to shut down.
 * So everything that can stop a suspend is checked before the
 * acknowledgement (suspend_check(): the xenstore and the platform layers);
 * a refused "suspend" stays in the key, and libxl gives up after its 60 s
 * wait with "guest didn't acknowledge suspend, cancelling request". Once
 * acknowledged, the suspend hypercall is made: only Xen can still refuse
 * it (kernel/suspend.c says what libxl sees then).
 */
#include <tinypv/control.h>
#include <tinypv/xenstore.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>
#include <tinypv/suspend.h>
#include <tinypv/clock.h>
#include <lib/calendar.h>
#include <tinypv/console.h>
#include <tinypv/crash.h>
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

void control_message_printed(void)
{
    after_message();
}

#define CONTROL_TX_ATTEMPTS 5

/*
 * Whether a request can be carried out now. Asked before the request is
 * acknowledged; one it refuses is left in the key unacknowledged. The
 * function says why on the console. NULL: every request is taken.
 */
typedef bool (*accept_fn)(const char *request);

/* What a look at a control key found, once its transaction was ended. */
enum request {
    REQUEST_NONE,       /* empty or absent: our acknowledgement, or none yet */
    REQUEST_TAKEN,      /* in buf, acknowledged: carry it out */
    REQUEST_LEFT,       /* in buf, refused by accept(): left unacknowledged */
    REQUEST_TOO_LONG,   /* longer than buf: cleared, not to be carried out */
};

/* Sort what the read in the transaction found. */
static enum request classify(int read_rc, const char *buf, accept_fn accept)
{
    if ( read_rc == -EOVERFLOW )
        return REQUEST_TOO_LONG;
    if ( read_rc == -ENOENT || buf[0] == '\0' )
        return REQUEST_NONE;
    if ( accept && !accept(buf) )
        return REQUEST_LEFT;
    return REQUEST_TAKEN;
}

/*
 * One attempt, in transaction tx, which it always ends: read key into buf,
 * and clear the key if the request is taken (or too long to be one).
 * Returns 0 (*what says what was found), or -errno; -EAGAIN from the
 * commit means: the key changed meanwhile, try again.
 */
static int read_and_ack(xs_tx_t tx, const char *key, char *buf, size_t size,
                        accept_fn accept, enum request *what)
{
    int rc = xs_tx_read(tx, key, buf, size);

    if ( rc < 0 && rc != -ENOENT && rc != -EOVERFLOW )
    {
        xs_transaction_end(tx, false);
        return rc;
    }
    *what = classify(rc, buf, accept);
    if ( *what == REQUEST_NONE || *what == REQUEST_LEFT )
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
 * Read a control key and acknowledge the request in it, atomically.
 * Returns REQUEST_TAKEN with the request in buf, or what else was found:
 * REQUEST_NONE also when the key could not be read (said so here).
 */
static enum request take_request(const char *key, char *buf, size_t size,
                                 accept_fn accept)
{
    enum request what = REQUEST_NONE;
    xs_tx_t tx;
    int rc = -EAGAIN;

    for ( unsigned int i = 0; i < CONTROL_TX_ATTEMPTS && rc == -EAGAIN; i++ )
    {
        rc = xs_transaction_start(&tx);
        if ( rc == 0 )
            rc = read_and_ack(tx, key, buf, size, accept, &what);
    }
    if ( rc < 0 )
    {
        printk("control: cannot take the request in %s: %s\n", key,
               xs_strerror(rc));
        return REQUEST_NONE;
    }
    if ( what == REQUEST_TOO_LONG )
    {
        printk("\ncontrol: the request in %s is %u bytes or longer, not one "
               "we know; cleared and ignored\n", key, (unsigned int)size);
        after_message();
    }
    else if ( what == REQUEST_LEFT )
    {
        printk("control: '%s' in %s left unacknowledged; the toolstack "
               "gives up on it after its own wait (libxl: 60 s)\n", buf, key);
        after_message();
    }
    return what;
}

/*
 * Poweroff and reboot are always carried out. A suspend is checked first
 * (suspend_check() says why not), so that it is refused before, never
 * after, the acknowledgement.
 */
static bool can_honour(const char *request)
{
    if ( strcmp(request, "suspend") != 0 )
        return true;
    printk("\n");          /* the check's words, or suspend's, start a line */
    return suspend_check() == 0;
}

static void shutdown_requested(void *ctx, const char *path, const char *token)
{
    char request[32];

    if ( take_request(SHUTDOWN_KEY, request, sizeof(request),
                      can_honour) != REQUEST_TAKEN )
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
         * Checked and acknowledged above (the key is empty again): libxl
         * waits for that, then for the domain to shut down with reason
         * suspend, which suspend_domain() now does.
         */
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

    if ( take_request(SYSRQ_KEY, key, sizeof(key), NULL) != REQUEST_TAKEN )
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
        /* dom0's byte, shown safely: a control byte would act on a terminal. */
        if ( key[0] >= 0x20 && key[0] < 0x7f )
            printk("sysrq: unknown key '%c'; ", key[0]);
        else
            printk("sysrq: unknown key 0x%02x; ", (unsigned char)key[0]);
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
