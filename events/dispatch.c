/*
 * dispatch.c: from Xen's upcall to the handler of each port that fired.
 *
 * Xen records an event in three places, from fine to coarse:
 *
 *     evtchn_pending[w] bit b     port w * 32 + b has an event
 *     evtchn_pending_sel bit w    word w of evtchn_pending may have one
 *     evtchn_upcall_pending       this vCPU has something to look at
 *
 * The dispatcher clears them from coarse to fine, each BEFORE acting on
 * what it read: an event that arrives while we work sets the flag again and
 * is seen on the next pass (or the next upcall), never lost.
 */
#include <tinypv/events.h>
#include <tinypv/hypervisor.h>
#include <tinypv/barrier.h>
#include <tinypv/printk.h>

struct port_binding {
    evtchn_handler_t handler;
    void *ctx;
    const char *name;
    uint64_t count;
};

static struct port_binding bindings[NR_EVENT_PORTS];
static uint64_t upcalls;
static uint64_t unhandled;

int evtchn_bind_handler(evtchn_port_t port, evtchn_handler_t handler,
                        void *ctx, const char *name)
{
    if ( port >= NR_EVENT_PORTS || bindings[port].handler )
        return -1;
    bindings[port] = (struct port_binding){ handler, ctx, name, 0 };
    evtchn_unmask(port);
    return 0;
}

void evtchn_unbind_handler(evtchn_port_t port)
{
    if ( port >= NR_EVENT_PORTS )
        return;
    evtchn_mask(port);
    bindings[port].handler = NULL;
}

void evtchn_forget_all(void)
{
    for ( evtchn_port_t port = 0; port < NR_EVENT_PORTS; port++ )
        bindings[port].handler = NULL;
}

uint64_t evtchn_event_count(evtchn_port_t port)
{
    return port < NR_EVENT_PORTS ? bindings[port].count : 0;
}

void evtchn_for_each_bound(evtchn_visit_fn fn, void *ctx)
{
    for ( evtchn_port_t port = 0; port < NR_EVENT_PORTS; port++ )
        if ( bindings[port].handler )
            fn(port, bindings[port].name, bindings[port].count, ctx);
}

uint64_t upcall_count(void)
{
    return upcalls;
}

static void dispatch_port(evtchn_port_t port)
{
    struct port_binding *b = &bindings[port];

    if ( !b->handler )
    {
        /* Nobody asked for it: mask it so it cannot storm. Say so once. */
        if ( unhandled++ == 0 )
            printk("events: event on unbound port %u, masking it\n", port);
        evtchn_mask(port);
        return;
    }
    b->count++;
    b->handler(port, b->ctx);
}

/*
 * Handle the ports of one word that are pending and not masked. Each pass
 * serves every port that was ready when it began, lowest first, so a busy
 * low port cannot starve a higher one.
 */
static void dispatch_word(unsigned int w)
{
    xen_ulong_t ready;
    evtchn_port_t port;

    while ( (ready = read_once(&shared_info->evtchn_pending[w]) &
                     ~read_once(&shared_info->evtchn_mask[w])) != 0 )
    {
        while ( ready )
        {
            port = w * BITS_PER_EVTCHN_WORD + __builtin_ctzl(ready);
            ready &= ready - 1;
            /* Clear first: a new event during the handler is seen again. */
            evtchn_test_and_clear_pending(port);
            dispatch_port(port);
        }
    }
}

/* Called from hypervisor_callback (entry.S) with upcalls masked. */
void do_hypervisor_callback(void)
{
    struct vcpu_info *v = this_vcpu();
    xen_ulong_t sel;
    unsigned int w;

    upcalls++;
    while ( read_once(&v->evtchn_upcall_pending) )
    {
        write_once(&v->evtchn_upcall_pending, 0);
        sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while ( sel )
        {
            w = __builtin_ctzl(sel);
            sel &= sel - 1;
            dispatch_word(w);
        }
    }
}
