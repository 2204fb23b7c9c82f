/*
 * xenbus.c: the bus: devices found in xenstore, handed to their drivers.
 *
 *   device/                 watched: any change, and the bus lists it again
 *     <type>/<id>/          one device; a driver registered for <type>
 *       backend, backend-id   checked (xenbus_check_backend) before use
 *       state                 ours: xenbus_switch_state()
 *   <backend>/state         watched, one watch per device: each change is
 *                           read, checked, and handed to the driver
 *
 * A device that appears while we run (xl block-attach) fires the device/
 * watch and is probed like those found at boot. When the backend moves
 * to Closing or Closed, or its state node goes (xl block-detach), the
 * driver's remove ends what it had set up, our state goes to Closed, and
 * the device stays listed as closed until the toolstack removes its node,
 * which fires device/ again and frees the slot. A device whose nodes fail
 * a check is refused with one message and listed as refused, never probed;
 * so is one for which there is no room (each device takes a xenstore
 * watch, and the client has XENSTORE_MAX_WATCHES).
 *
 * Everything runs in xenstore watch functions and timers, from the main
 * loop. A wait for the backend is a timer (xenbus_wait_for), never a loop.
 */
#include <tinypv/xenbus.h>
#include <tinypv/printk.h>
#include <tinypv/control.h>
#include <lib/format.h>
#include <lib/string.h>

#define DEVICE_DIR          "device"
#define DEVICE_TOKEN        "xenbus"
#define LIST_MAX            256         /* names under device/ or a type */
#define WRITE_ATTEMPTS      5           /* transactions tried on EAGAIN */

static struct xenbus_device devices[XENBUS_MAX_DEVICES];
static const struct xenbus_driver *drivers[XENBUS_MAX_DRIVERS];
static bool started;
static unsigned int our_domid;

/*
 * Messages come from watch functions and timers, while the monitor's
 * prompt (and maybe a half-typed line) is on screen: each starts on a
 * line of its own, and once the function is done the monitor redraws.
 */
static bool said;

#define say(...)    do { said = true; printk("\n" __VA_ARGS__); } while ( 0 )

static void after_messages(void)
{
    if ( said )
        control_message_printed();
    said = false;
}

static const struct xenbus_driver *find_driver(const char *type)
{
    for ( unsigned int i = 0; i < XENBUS_MAX_DRIVERS; i++ )
        if ( drivers[i] && strcmp(drivers[i]->type, type) == 0 )
            return drivers[i];
    return NULL;
}

static void scan(void);

int xenbus_register_driver(const struct xenbus_driver *drv)
{
    for ( unsigned int i = 0; i < XENBUS_MAX_DRIVERS; i++ )
    {
        if ( drivers[i] )
            continue;
        drivers[i] = drv;
        if ( started )
            scan();     /* devices of this type may be waiting */
        return 0;
    }
    printk("xenbus: no room for the %s driver\n", drv->type);
    return -ENOBUFS;
}

static struct xenbus_device *find_device(const char *type, const char *id)
{
    for ( unsigned int i = 0; i < XENBUS_MAX_DEVICES; i++ )
    {
        struct xenbus_device *d = &devices[i];

        if ( d->status != XENBUS_DEV_FREE && strcmp(d->type, type) == 0 &&
             strcmp(d->id, id) == 0 )
            return d;
    }
    return NULL;
}

/* --- reading and writing a device's nodes --------------------------------- */

/* A node's value as a string: a value with a NUL inside is refused. */
static int read_string(const char *path, char *buf, size_t size)
{
    int rc = xs_read(path, buf, size);

    if ( rc >= 0 && strlen(buf) != (size_t)rc )
        return -EINVAL;
    return rc;
}

int xenbus_switch_state(struct xenbus_device *dev, XenbusState state)
{
    char path[XENBUS_NODE_MAX + 8], value[4];
    int rc;

    snprintf(path, sizeof(path), "%s/state", dev->nodename);
    snprintf(value, sizeof(value), "%u", (unsigned int)state);
    rc = xs_write(path, value);
    if ( rc < 0 )
    {
        printk("xenbus: %s: cannot write state %s: %s\n", dev->nodename,
               xenbus_state_name(state), xs_strerror(rc));
        return rc;
    }
    dev->state = state;
    return 0;
}

int xenbus_read_otherend(struct xenbus_device *dev, const char *key,
                         char *buf, size_t size)
{
    char path[XENBUS_PATH_MAX + XENBUS_NAME_MAX + 2];

    snprintf(path, sizeof(path), "%s/%s", dev->otherend, key);
    return read_string(path, buf, size);
}

int xenbus_read_otherend_u64(struct xenbus_device *dev, const char *key,
                             uint64_t *out)
{
    char buf[24];
    uint64_t v = 0;
    int len = xenbus_read_otherend(dev, key, buf, sizeof(buf));

    if ( len < 0 )
        return len;
    if ( len == 0 || len > 20 )
        return -EINVAL;
    for ( int i = 0; i < len; i++ )
    {
        uint64_t d = (uint64_t)(buf[i] - '0');

        if ( buf[i] < '0' || buf[i] > '9' || v > (UINT64_MAX - d) / 10 )
            return -EINVAL;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* One attempt, in transaction tx, which it always ends. */
static int write_keys_once(struct xenbus_device *dev, xs_tx_t tx,
                           const char *const *keys, const char *const *values,
                           unsigned int n)
{
    char path[XENBUS_NODE_MAX + XENBUS_NAME_MAX + 2];

    for ( unsigned int i = 0; i < n; i++ )
    {
        int rc;

        snprintf(path, sizeof(path), "%s/%s", dev->nodename, keys[i]);
        rc = xs_tx_write(tx, path, values[i]);
        if ( rc < 0 )
        {
            xs_transaction_end(tx, false);
            return rc;
        }
    }
    return xs_transaction_end(tx, true);
}

int xenbus_write_keys(struct xenbus_device *dev, const char *const *keys,
                      const char *const *values, unsigned int n)
{
    xs_tx_t tx;
    int rc = -EAGAIN;

    for ( unsigned int i = 0; i < WRITE_ATTEMPTS && rc == -EAGAIN; i++ )
    {
        rc = xs_transaction_start(&tx);
        if ( rc == 0 )
            rc = write_keys_once(dev, tx, keys, values, n);
    }
    if ( rc < 0 )
        printk("xenbus: %s: cannot write the connection keys: %s\n",
               dev->nodename, xs_strerror(rc));
    return rc;
}

/* --- waits ------------------------------------------------------------------ */

static void wait_expired(struct timer *t, void *ctx)
{
    struct xenbus_device *dev = ctx;

    if ( !dev->waiting || dev->status != XENBUS_DEV_ACTIVE )
        return;
    dev->waiting = false;
    say("xenbus: %s: backend %s did not reach %s in %u ms (still %s); "
           "the device is left as it is\n", dev->nodename, dev->otherend,
           xenbus_state_name(dev->wait_for), dev->wait_ms,
           xenbus_state_name(dev->otherend_state));
    if ( dev->drv->backend_changed )
        dev->drv->backend_changed(dev, dev->otherend_state);
    after_messages();
}

void xenbus_wait_for(struct xenbus_device *dev, XenbusState state,
                     uint32_t ms)
{
    dev->wait_for = state;
    dev->wait_ms = ms;
    dev->waiting = true;
    timer_arm(&dev->wait_timer, monotonic_ns() + ms * NSEC_PER_MSEC,
              wait_expired, dev);
}

static void stop_waiting(struct xenbus_device *dev)
{
    if ( dev->waiting )
        timer_cancel(&dev->wait_timer);
    dev->waiting = false;
}

/* --- the backend's state ------------------------------------------------------ */

/* Read the backend's state: 0, or -errno (-ENOENT: gone, -EINVAL: garbage). */
static int read_otherend_state(struct xenbus_device *dev, XenbusState *st)
{
    char buf[8];
    int len = xenbus_read_otherend(dev, "state", buf, sizeof(buf));

    if ( len < 0 )
        return len == -EOVERFLOW ? -EINVAL : len;
    return xenbus_parse_state(buf, (size_t)len, st);
}

static void unwatch_otherend(struct xenbus_device *dev)
{
    char path[XENBUS_PATH_MAX + 8];

    if ( dev->token[0] == '\0' )
        return;
    snprintf(path, sizeof(path), "%s/state", dev->otherend);
    xs_unwatch(path, dev->token);
    dev->token[0] = '\0';
}

/*
 * The backend closes or is gone: the driver lets go, we go Closed. Not
 * when our own node is gone (write_state false): writing state would
 * create device/<type>/<id>/state again, a node with no backend, which
 * the next scan would find and refuse.
 */
static void teardown(struct xenbus_device *dev, const char *why,
                     bool write_state)
{
    stop_waiting(dev);
    unwatch_otherend(dev);
    say("xenbus: %s: backend %s %s: closing the device\n",
           dev->nodename, dev->otherend, why);
    if ( dev->drv->remove )
        dev->drv->remove(dev);
    dev->priv = NULL;
    dev->status = XENBUS_DEV_CLOSED;
    if ( write_state )
        xenbus_switch_state(dev, XenbusStateClosed);
}

static void otherend_changed_now(struct xenbus_device *dev);

static void otherend_changed(void *ctx, const char *path, const char *token)
{
    otherend_changed_now(ctx);
    after_messages();
}

static void otherend_changed_now(struct xenbus_device *dev)
{
    XenbusState old = dev->otherend_state, st = XenbusStateUnknown;
    int rc;

    if ( dev->status != XENBUS_DEV_ACTIVE )
        return;
    rc = read_otherend_state(dev, &st);
    if ( rc == -EINVAL )
        say("xenbus: %s: the backend's state is not a state; taken as "
            "gone\n", dev->nodename);
    else if ( rc < 0 && rc != -ENOENT )
        return;     /* xenstore trouble: said by the client; try next event */
    switch ( xenbus_backend_action(dev->state, old, st, rc < 0) )
    {
    case XENBUS_NOTHING:
        return;
    case XENBUS_TEARDOWN:
        dev->otherend_state = rc < 0 ? XenbusStateUnknown : st;
        teardown(dev, rc < 0 ? "is gone" : (st == XenbusStateClosing ?
                 "is Closing" : "is Closed"), true);
        return;
    case XENBUS_NOTIFY:
        break;
    }
    dev->otherend_state = st;
    if ( dev->waiting && st == dev->wait_for )
        stop_waiting(dev);
    if ( dev->drv->backend_changed )
    {
        said = true;    /* the driver may print: redraw after it */
        dev->drv->backend_changed(dev, st);
    }
}

/* --- probing ------------------------------------------------------------------ */

static void refuse(struct xenbus_device *dev, enum xenbus_dev_status status,
                   const char *fmt, const char *what)
{
    dev->status = status;
    snprintf(dev->why, sizeof(dev->why), fmt, what);
    say("xenbus: %s: %s\n", dev->nodename, dev->why);
}

/* Read and check backend-id and backend; 0, or refused (said). */
static int find_otherend(struct xenbus_device *dev)
{
    char path[XENBUS_NODE_MAX + 16], idbuf[8];
    const char *why = "";
    int len;

    snprintf(path, sizeof(path), "%s/backend-id", dev->nodename);
    len = read_string(path, idbuf, sizeof(idbuf));
    if ( len < 0 ||
         xenbus_parse_domid(idbuf, (size_t)len, &dev->otherend_id) )
    {
        refuse(dev, XENBUS_DEV_REFUSED, "refused: backend-id %s",
               len == -ENOENT ? "is missing" : "is not a domain id");
        return -EINVAL;
    }
    snprintf(path, sizeof(path), "%s/backend", dev->nodename);
    len = read_string(path, dev->otherend, sizeof(dev->otherend));
    if ( len < 0 )
    {
        dev->otherend[0] = '\0';
        refuse(dev, XENBUS_DEV_REFUSED, "refused: backend %s",
               len == -ENOENT ? "is missing" : "is too long or holds a NUL");
        return -EINVAL;
    }
    if ( xenbus_check_backend(dev->otherend, (size_t)len, dev->type,
                              our_domid, dev->id, dev->otherend_id, &why) )
    {
        refuse(dev, XENBUS_DEV_REFUSED, "refused: the backend path is %s",
               why);
        printk("xenbus: %s: (backend-id %u, backend '%s')\n", dev->nodename,
               dev->otherend_id, dev->otherend);
        return -EINVAL;
    }
    return 0;
}

static void probe(struct xenbus_device *dev)
{
    char path[XENBUS_PATH_MAX + 8];
    int rc;

    if ( find_otherend(dev) )
        return;
    if ( read_otherend_state(dev, &dev->otherend_state) )
        dev->otherend_state = XenbusStateUnknown;
    snprintf(dev->token, sizeof(dev->token), "xenbus-%u",
             (unsigned int)(dev - devices));
    snprintf(path, sizeof(path), "%s/state", dev->otherend);
    dev->status = XENBUS_DEV_ACTIVE;
    rc = xs_watch(path, dev->token, otherend_changed, dev);
    if ( rc < 0 )
    {
        dev->token[0] = '\0';
        refuse(dev, XENBUS_DEV_FAILED, "cannot watch the backend: %s",
               xs_strerror(rc));
        return;
    }
    say("xenbus: %s: backend %s (domain %u, %s), driver %s\n",
           dev->nodename, dev->otherend, dev->otherend_id,
           xenbus_state_name(dev->otherend_state), dev->drv->type);
    rc = dev->drv->probe(dev);
    if ( rc < 0 )
    {
        stop_waiting(dev);
        unwatch_otherend(dev);
        refuse(dev, XENBUS_DEV_FAILED, "the driver's probe failed: %s",
               xs_strerror(rc));
    }
}

static struct xenbus_device *new_device(const char *type, const char *id,
                                        const struct xenbus_driver *drv)
{
    struct xenbus_device *dev = NULL;

    for ( unsigned int i = 0; i < XENBUS_MAX_DEVICES && !dev; i++ )
        if ( devices[i].status == XENBUS_DEV_FREE )
            dev = &devices[i];
    if ( !dev )
        return NULL;
    memset(dev, 0, sizeof(*dev));
    memcpy(dev->type, type, strlen(type) + 1);
    memcpy(dev->id, id, strlen(id) + 1);
    snprintf(dev->nodename, sizeof(dev->nodename), DEVICE_DIR "/%s/%s",
             type, id);
    dev->drv = drv;
    dev->state = XenbusStateUnknown;
    return dev;
}

/* Is name among the list (xs_directory's format) of n names? */
static bool listed(const char *list, int n, const char *name)
{
    for ( int i = 0; i < n; i++, list += strlen(list) + 1 )
        if ( strcmp(list, name) == 0 )
            return true;
    return false;
}

static unsigned int full_reported;

/* Probe the devices of one type that are not ours yet. */
static void scan_type(const char *type, const struct xenbus_driver *drv)
{
    static char ids[LIST_MAX];
    char path[XENBUS_NODE_MAX];
    const char *id = ids;
    int n;

    snprintf(path, sizeof(path), DEVICE_DIR "/%s", type);
    n = xs_directory(path, ids, sizeof(ids));
    if ( n == -EOVERFLOW )
        n = 0;  /* partial lists are unreliable: wait for the next event */
    for ( int i = 0; i < n; i++, id += strlen(id) + 1 )
    {
        struct xenbus_device *dev;

        if ( find_device(type, id) )
            continue;
        if ( !xenbus_valid_name(id) )
            continue;   /* not a name we could put in a path: not ours */
        dev = new_device(type, id, drv);
        if ( !dev )
        {
            if ( full_reported++ == 0 )
                say("xenbus: %s/%s: no room (%u devices at most); "
                    "not probed\n", path, id, XENBUS_MAX_DEVICES);
            continue;
        }
        probe(dev);
    }
}

/* Devices whose node is gone (the toolstack removed them): free the slot. */
static void reap(const char *types, int ntypes)
{
    static char ids[LIST_MAX];
    char path[XENBUS_NODE_MAX];

    for ( unsigned int i = 0; i < XENBUS_MAX_DEVICES; i++ )
    {
        struct xenbus_device *dev = &devices[i];
        int n;

        if ( dev->status == XENBUS_DEV_FREE )
            continue;
        if ( listed(types, ntypes, dev->type) )
        {
            snprintf(path, sizeof(path), DEVICE_DIR "/%s", dev->type);
            n = xs_directory(path, ids, sizeof(ids));
            if ( n < 0 && n != -ENOENT )
                continue;   /* cannot tell: keep it */
            if ( n > 0 && listed(ids, n, dev->id) )
                continue;
        }
        if ( dev->status == XENBUS_DEV_ACTIVE )
            teardown(dev, "is gone with the device node", false);
        say("xenbus: %s: removed by the toolstack\n", dev->nodename);
        stop_waiting(dev);
        dev->status = XENBUS_DEV_FREE;
        full_reported = 0;
    }
}

static void scan(void)
{
    static char types[LIST_MAX];
    const char *type = types;
    int n = xs_directory(DEVICE_DIR, types, sizeof(types));

    if ( n == -ENOENT )
        n = 0;
    if ( n < 0 )
        return;
    reap(types, n);
    for ( int i = 0; i < n; i++, type += strlen(type) + 1 )
    {
        const struct xenbus_driver *drv = find_driver(type);

        if ( drv && xenbus_valid_name(type) )
            scan_type(type, drv);
    }
}

static void devices_changed(void *ctx, const char *path, const char *token)
{
    scan();
    after_messages();
}

void xenbus_init(void)
{
    int rc = xs_domid();

    if ( rc < 0 )
    {
        printk("xenbus: our domain id is unknown (%s): no devices\n",
               xs_strerror(rc));
        return;
    }
    our_domid = (unsigned int)rc;
    /* The watch fires once straight away: that is the first scan. */
    rc = xs_watch(DEVICE_DIR, DEVICE_TOKEN, devices_changed, NULL);
    if ( rc < 0 )
    {
        printk("xenbus: cannot watch %s: %s; no devices\n", DEVICE_DIR,
               xs_strerror(rc));
        return;
    }
    started = true;
}

/* --- suspend and resume ------------------------------------------------------ */

int xenbus_suspend(void)
{
    for ( unsigned int i = 0; i < XENBUS_MAX_DEVICES; i++ )
    {
        struct xenbus_device *dev = &devices[i];
        int rc;

        if ( dev->status != XENBUS_DEV_ACTIVE || !dev->drv->suspend )
            continue;
        rc = dev->drv->suspend(dev);
        if ( rc < 0 )
            return rc;
    }
    return 0;
}

/*
 * After a restore or a migration into a new domain, the backends we knew
 * are the old domain's (their paths name its domid) and every connection
 * to them is gone; the toolstack has written device/ afresh, state 1, with
 * new backends. So each driver is told (resume if it has one, to keep
 * what it must carry over, remove otherwise), the stale watches are
 * dropped and the devices forgotten; the device/ watch, which
 * xenstore_resume() set again, fires once and the scan probes the new
 * domain's devices. In the same domain (a checkpoint) nothing changed.
 */
void xenbus_resume(bool new_domain)
{
    unsigned int n = 0;
    int rc = xs_domid();

    if ( !started || !new_domain )
        return;
    if ( rc >= 0 )
        our_domid = (unsigned int)rc;
    for ( unsigned int i = 0; i < XENBUS_MAX_DEVICES; i++ )
    {
        struct xenbus_device *dev = &devices[i];

        if ( dev->status == XENBUS_DEV_FREE )
            continue;
        stop_waiting(dev);
        unwatch_otherend(dev);
        if ( dev->status == XENBUS_DEV_ACTIVE )
        {
            if ( dev->drv->resume )
                dev->drv->resume(dev);
            else if ( dev->drv->remove )
                dev->drv->remove(dev);
        }
        dev->status = XENBUS_DEV_FREE;
        n++;
    }
    full_reported = 0;
    if ( n )
        printk("xenbus: a new domain: %u device%s forgotten, to be probed "
               "again\n", n, n == 1 ? "" : "s");
}

/* --- xenbus in the monitor --------------------------------------------------- */

static const char *const status_names[] = {
    [XENBUS_DEV_FREE]    = "free",
    [XENBUS_DEV_ACTIVE]  = "active",
    [XENBUS_DEV_REFUSED] = "refused",
    [XENBUS_DEV_FAILED]  = "failed",
    [XENBUS_DEV_CLOSED]  = "closed",
};

void xenbus_show(void)
{
    unsigned int n = 0;

    if ( !started )
    {
        printk("xenbus: not started (no xenstore)\n");
        return;
    }
    for ( unsigned int i = 0; i < XENBUS_MAX_DEVICES; i++ )
    {
        struct xenbus_device *dev = &devices[i];

        if ( dev->status == XENBUS_DEV_FREE )
            continue;
        n++;
        printk("xenbus: %s: %s, frontend %s, ", dev->nodename,
               status_names[dev->status], xenbus_state_name(dev->state));
        if ( dev->status == XENBUS_DEV_REFUSED )
            printk("%s\n", dev->why);
        else
        {
            printk("backend %s (domain %u) %s%s\n", dev->otherend,
                   dev->otherend_id, xenbus_state_name(dev->otherend_state),
                   dev->waiting ? ", waited for" : "");
            if ( dev->status == XENBUS_DEV_FAILED )
                printk("  %s\n", dev->why);
            if ( dev->status == XENBUS_DEV_ACTIVE && dev->drv->show )
                dev->drv->show(dev);
        }
    }
    printk("xenbus: %u device%s (room for %u)\n", n, n == 1 ? "" : "s",
           XENBUS_MAX_DEVICES);
}
