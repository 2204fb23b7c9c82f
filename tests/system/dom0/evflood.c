/*
 * evflood.c: a peer that floods one of a guest's event channels, run in
 * dom0 by the system tests (dom0/evflood.sh).
 *
 *     evflood DOMID SECONDS MAX PORT...
 *
 * binds an interdomain channel to each of the guest's PORTs (unbound ports
 * the guest offered to dom0: `evtchn listen 0 N` in tinypv's monitor),
 * then sends on them, in turn, as fast as it can until SECONDS have passed
 * or MAX notifications were sent, whichever is first: it always stops by
 * itself (or at SIGTERM, when the test is done with it early). Then it
 * unbinds and prints one line:
 *
 *     evflood: N notifications in T ms to domain D, K ports (HOW)
 *
 * As fast as it can: one EVTCHNOP_send per system call (xenevtchn_notify)
 * is a few thousand a second on the test bed, slower than the guest serves
 * them. A backend in a kernel sends at hypercall speed, so this program
 * does what such a backend could: EVTCHNOP_send BATCH times in one
 * multicall, through privcmd (libxencall). HOW says which way it sent
 * ("multicalls"); if the multicall is refused it falls back to
 * xenevtchn_notify and says so.
 *
 * Several ports because a guest serves every ready port once per pass of
 * its dispatcher: the more ports, the longer a pass, and a peer that
 * sends at least once per pass is what the guest's budget is about.
 *
 * Why a port of the guest's own and not its console or xenstore port: those
 * are bound to xenconsoled and xenstored already, and Xen binds a remote
 * port once only (EVTCHNOP_bind_interdomain wants it unbound). The daemons
 * themselves cannot be made to flood either: each sends only as fast as
 * the guest takes messages from its ring, and a guest held in its upcall
 * takes none. Any port the guest serves through its dispatcher will do:
 * the budget being tested does not know which driver a port belongs to.
 *
 * Whether the guest stayed usable meanwhile is judged in
 * tests/system/cases.sh; this program only sends and counts.
 */
/*
 * The current hypercall numbers: without this, <xen/xen.h> gives a program
 * that names no interface version the legacy one, in which
 * __HYPERVISOR_event_channel_op is the old call that takes one pointer to
 * a command-and-arguments union (every send then fails with EFAULT).
 */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xencall.h>
#include <xenevtchn.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

#define CLOCK_EVERY 256         /* sends between two looks at the clock */
#define BATCH       1024        /* EVTCHNOP_sends per multicall */
#define PORTS_MAX   64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A whole decimal number in [0, max], or -1. */
static long long parse(const char *text, long long max)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(text, &end, 10);
    if ( errno || end == text || *end || v < 0 || v > max )
        return -1;
    return v;
}

/*
 * The multicall's entries and their arguments (one per port), in
 * hypercall-safe memory.
 */
struct batch {
    xencall_handle *xcall;
    multicall_entry_t *calls;
    struct evtchn_send *send;
    unsigned int nr_ports;
};

static int batch_open(struct batch *b, const evtchn_port_t *local,
                      unsigned int nr_ports)
{
    b->xcall = xencall_open(NULL, 0);
    if ( !b->xcall )
        return -1;
    b->calls = xencall_alloc_buffer(b->xcall, BATCH * sizeof(*b->calls));
    b->send = xencall_alloc_buffer(b->xcall, nr_ports * sizeof(*b->send));
    if ( !b->calls || !b->send )
        return -1;
    for ( unsigned int i = 0; i < nr_ports; i++ )
        b->send[i].port = local[i];
    b->nr_ports = nr_ports;
    return 0;
}

/* BATCH sends in one hypercall; 0, or -1 if it or one of them failed. */
static int batch_send(struct batch *b)
{
    /* Written each time: Xen promises to keep only the results. */
    for ( unsigned int i = 0; i < BATCH; i++ )
        b->calls[i] = (multicall_entry_t){
            .op = __HYPERVISOR_event_channel_op,
            .args = { EVTCHNOP_send,
                      (xen_ulong_t)(uintptr_t)&b->send[i % b->nr_ports] },
        };
    if ( xencall2(b->xcall, __HYPERVISOR_multicall,
                  (uint64_t)(uintptr_t)b->calls, BATCH) )
        return -1;
    for ( unsigned int i = 0; i < BATCH; i++ )
        if ( b->calls[i].result )
        {
            errno = -(int)(long)b->calls[i].result;
            return -1;
        }
    return 0;
}

static void batch_close(struct batch *b)
{
    if ( !b->xcall )
        return;
    if ( b->calls )
        xencall_free_buffer(b->xcall, b->calls);
    if ( b->send )
        xencall_free_buffer(b->xcall, b->send);
    xencall_close(b->xcall);
}

/* One more round of sends; how many it sent, or 0 after an error. */
static unsigned int send_some(struct batch *b, bool *multicall,
                              xenevtchn_handle *xce,
                              const evtchn_port_t *local,
                              unsigned int nr_ports, uint64_t sent)
{
    if ( *multicall )
    {
        if ( batch_send(b) == 0 )
            return BATCH;
        if ( sent )
            return 0;
        fprintf(stderr, "evflood: multicall refused (%s); one send per "
                "call\n", strerror(errno));
        *multicall = false;
    }
    /* Xen drops a send quietly once the guest is gone: no error. */
    for ( unsigned int i = 0; i < nr_ports; i++ )
        if ( xenevtchn_notify(xce, local[i]) )
            return 0;
    return nr_ports;
}

int main(int argc, char **argv)
{
    long long domid, seconds, max, port;
    xenevtchn_handle *xce;
    xenevtchn_port_or_error_t bound;
    evtchn_port_t local[PORTS_MAX];
    unsigned int nr_ports = 0, n;
    struct sigaction sa = { .sa_handler = on_signal };
    struct batch b = { 0 };
    bool multicall;
    uint64_t start, deadline, sent = 0;
    int rc = 0;

    if ( argc < 5 || argc - 4 > PORTS_MAX ||
         (domid = parse(argv[1], 0x7fef)) < 0 ||
         (seconds = parse(argv[2], 600)) < 0 ||
         (max = parse(argv[3], 1000000000)) < 0 )
    {
        fprintf(stderr, "usage: evflood DOMID SECONDS MAX PORT... "
                "(SECONDS <= 600, MAX <= 1e9, at most %d ports)\n",
                PORTS_MAX);
        return 2;
    }
    xce = xenevtchn_open(NULL, 0);
    if ( !xce )
    {
        fprintf(stderr, "evflood: xenevtchn_open: %s\n", strerror(errno));
        return 1;
    }
    for ( int i = 4; i < argc; i++ )
    {
        port = parse(argv[i], 4095);
        bound = port < 0 ? -1 :
                xenevtchn_bind_interdomain(xce, (uint32_t)domid,
                                           (evtchn_port_t)port);
        if ( bound < 0 )
        {
            fprintf(stderr, "evflood: bind to domain %lld port %s: %s\n",
                    domid, argv[i], port < 0 ? "bad port" : strerror(errno));
            xenevtchn_close(xce);   /* unbinds the others */
            return 1;
        }
        local[nr_ports++] = (evtchn_port_t)bound;
        printf("evflood: bound local port %d to domain %lld port %lld\n",
               bound, domid, port);
    }
    fflush(stdout);
    multicall = batch_open(&b, local, nr_ports) == 0;
    if ( !multicall )
        fprintf(stderr, "evflood: no multicall buffers (%s); one send per "
                "call\n", strerror(errno));
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    start = now_ns();
    deadline = start + (uint64_t)seconds * 1000000000u;
    while ( sent < (uint64_t)max && !stop )
    {
        n = send_some(&b, &multicall, xce, local, nr_ports, sent);
        if ( n == 0 )
        {
            fprintf(stderr, "evflood: send: %s\n", strerror(errno));
            rc = 1;
            break;
        }
        sent += n;
        if ( (multicall || sent % CLOCK_EVERY < n) && now_ns() >= deadline )
            break;
    }
    printf("evflood: %" PRIu64 " notifications in %" PRIu64 " ms to domain "
           "%lld, %u ports (%s)\n", sent, (now_ns() - start) / 1000000,
           domid, nr_ports, multicall ? "multicalls" : "xenevtchn_notify");
    batch_close(&b);
    for ( unsigned int i = 0; i < nr_ports; i++ )
        xenevtchn_unbind(xce, local[i]);
    xenevtchn_close(xce);
    return rc;
}
