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
 *
 * Budget: one upcall makes at most EVENT_PASSES passes over the selector
 * (each pass serves every port that was ready once). A peer that sends
 * faster than we serve would otherwise keep us in here; handlers only set
 * flags, so serving a port again and again in one upcall gains nothing.
 * What is still pending when the budget is spent stays raised (selector
 * bit, upcall flag), so Xen enters the callback again on our way out and
 * nothing is lost; each entry is bounded work, and the flags the handlers
 * set are already up for the main loop, whose own passes are budgeted too
 * (console input, xenstore), so no source can hold the rest of the kernel.
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

/* Passes over the pending ports per upcall (see above). */
#define EVENT_PASSES    4

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

/* The ports of word w that are pending and not masked. */
static xen_ulong_t ready_ports(unsigned int w)
{
    return read_once(&shared_info->evtchn_pending[w]) &
           ~read_once(&shared_info->evtchn_mask[w]);
}

/*
 * Handle the ports of one word that were ready when the pass began, lowest
 * first; a port that fires again meanwhile waits for the next pass, so a
 * busy low port cannot starve a higher one.
 */
static void dispatch_word(unsigned int w)
{
    xen_ulong_t ready = ready_ports(w);
    evtchn_port_t port;

    while ( ready )
    {
        port = w * BITS_PER_EVTCHN_WORD + __builtin_ctzl(ready);
        ready &= ready - 1;
        /* Clear first: a new event during the handler is seen again. */
        evtchn_test_and_clear_pending(port);
        dispatch_port(port);
    }
}

/*
 * The budget is spent: make sure what is still pending is not forgotten.
 * Xen set the selector bits with the upcall flag for events after our
 * last pass; this re-asserts them for every word with a ready port, as
 * evtchn_unmask() does, so the next upcall cannot miss one.
 */
static void raise_leftovers(struct vcpu_info *v)
{
    xen_ulong_t sel = 0;

    for ( unsigned int w = 0; w < BITS_PER_EVTCHN_WORD; w++ )
        if ( ready_ports(w) )
            sel |= (xen_ulong_t)1 << w;
    if ( !sel )
        return;
    __atomic_fetch_or(&v->evtchn_pending_sel, sel, __ATOMIC_SEQ_CST);
    write_once(&v->evtchn_upcall_pending, 1);
}

/* Called from hypervisor_callback (entry.S) with upcalls masked. */
void do_hypervisor_callback(void)
{
    struct vcpu_info *v = this_vcpu();
    xen_ulong_t sel;
    unsigned int w, passes = 0;

    upcalls++;
    while ( read_once(&v->evtchn_upcall_pending) )
    {
        if ( passes++ == EVENT_PASSES )
        {
            raise_leftovers(v);
            return;
        }
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
