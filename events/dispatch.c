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
 * Budget: a port is delivered at most EVENT_BUDGET times per turn of the
 * main loop. The delivery that uses the budget up masks the port and
 * holds it; the main loop, after its turn, calls evtchn_end_turn(), which
 * unmasks every held port (evtchn_unmask() raises one that became pending
 * meanwhile, so no event is lost) and gives each port its budget again.
 * Handlers only set flags, so serving a port again before the main loop
 * has acted on the flag gains nothing.
 *
 * Why the main loop then always gets its turn, however fast a peer sends:
 * Xen enters the callback only for an event on an unmasked port (or one
 * the main loop raises when it unmasks). Between two turns each bound port
 * is delivered at most EVENT_BUDGET times, and a port with no handler once,
 * before it is masked; a masked port's events only set its pending bit.
 * So the upcalls between two turns do bounded work, and then there is
 * nothing left to deliver and the interrupted code runs. Leaving the port
 * unmasked and the upcall flag raised is not enough: on PV,
 * HYPERVISOR_iret unmasks upcalls and Xen, seeing the flag, enters the
 * callback again at once, so a peer that sends once per pass would hold
 * the vCPU in here for good. (On PVH the flag is seen only at the next
 * exit to Xen; the masking bounds it there too.)
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
    uint64_t holds;         /* times it used its budget up */
    uint32_t turn;          /* the main loop's turn `used` counts in */
    uint32_t used;          /* deliveries in that turn */
};

/* Deliveries per port per turn of the main loop (see above). */
#define EVENT_BUDGET    4

static struct port_binding bindings[NR_EVENT_PORTS];
static uint64_t upcalls;
static uint64_t unhandled;

/*
 * The held ports: masked by the dispatcher, to be unmasked by the main
 * loop. One bit per port, and a summary bit per word, like Xen's own.
 * Set by the upcall, read and cleared by the main loop with upcalls
 * masked: one vCPU needs no locked operations for them.
 */
static xen_ulong_t held[BITS_PER_EVTCHN_WORD];
static xen_ulong_t held_sel;
static uint32_t turn;

/*
 * The ports with a handler, as a list: what the PVH idle names to Xen's
 * SCHEDOP_poll (arch/x86/pvh/upcall.c), which takes at most
 * EVTCHN_POLL_MAX. Order does not matter: an unbind moves the last one
 * into the gap.
 */
static evtchn_port_t bound[EVTCHN_POLL_MAX];
static unsigned int nr_bound;

static xen_ulong_t port_bit(evtchn_port_t port)
{
    return (xen_ulong_t)1 << (port % BITS_PER_EVTCHN_WORD);
}

/*
 * Forget that the dispatcher held a port (it is bound anew or unbound).
 * Masked: an upcall may hold another port of the same word meanwhile.
 */
static void release(evtchn_port_t port)
{
    unsigned long flags = upcall_save_and_mask();

    held[port / BITS_PER_EVTCHN_WORD] &= ~port_bit(port);
    upcall_restore(flags);
}

static void forget_bound(evtchn_port_t port)
{
    for ( unsigned int i = 0; i < nr_bound; i++ )
        if ( bound[i] == port )
        {
            bound[i] = bound[--nr_bound];
            return;
        }
}

int evtchn_bind_handler(evtchn_port_t port, evtchn_handler_t handler,
                        void *ctx, const char *name)
{
    if ( port >= NR_EVENT_PORTS || bindings[port].handler ||
         nr_bound == EVTCHN_POLL_MAX )
        return -1;
    bound[nr_bound++] = port;
    bindings[port] = (struct port_binding){
        .handler = handler, .ctx = ctx, .name = name, .turn = turn,
    };
    release(port);
    evtchn_unmask(port);
    return 0;
}

void evtchn_unbind_handler(evtchn_port_t port)
{
    if ( port >= NR_EVENT_PORTS )
        return;
    evtchn_mask(port);
    release(port);
    if ( bindings[port].handler )
        forget_bound(port);
    bindings[port].handler = NULL;
}

void evtchn_forget_all(void)
{
    for ( evtchn_port_t port = 0; port < NR_EVENT_PORTS; port++ )
        bindings[port].handler = NULL;
    for ( unsigned int w = 0; w < BITS_PER_EVTCHN_WORD; w++ )
        held[w] = 0;
    held_sel = 0;
    nr_bound = 0;
}

unsigned int evtchn_bound_ports(const evtchn_port_t **ports)
{
    *ports = bound;
    return nr_bound;
}

uint64_t evtchn_event_count(evtchn_port_t port)
{
    return port < NR_EVENT_PORTS ? bindings[port].count : 0;
}

uint64_t evtchn_hold_count(evtchn_port_t port)
{
    return port < NR_EVENT_PORTS ? bindings[port].holds : 0;
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

bool evtchn_ports_held(void)
{
    return read_once(&held_sel) != 0;
}

/*
 * The main loop's turn is over: start a new turn, in which every port has
 * its whole budget, and unmask the held ports. evtchn_unmask() raises a
 * held port whose event came while it was masked; the upcall that serves
 * it comes when upcalls are unmasked again, at the end of this function.
 */
void evtchn_end_turn(void)
{
    unsigned long flags = upcall_save_and_mask();
    xen_ulong_t ports;
    unsigned int w;

    turn++;
    while ( held_sel )
    {
        w = __builtin_ctzl(held_sel);
        held_sel &= held_sel - 1;
        for ( ports = held[w], held[w] = 0; ports; ports &= ports - 1 )
            evtchn_unmask(w * BITS_PER_EVTCHN_WORD + __builtin_ctzl(ports));
    }
    upcall_restore(flags);
}

/* Mask a port until the main loop's turn ends (evtchn_end_turn). */
static void hold(evtchn_port_t port, struct port_binding *b)
{
    evtchn_mask(port);
    held[port / BITS_PER_EVTCHN_WORD] |= port_bit(port);
    held_sel |= (xen_ulong_t)1 << (port / BITS_PER_EVTCHN_WORD);
    b->holds++;
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
    if ( b->turn != turn )
    {
        b->turn = turn;
        b->used = 0;
    }
    b->count++;
    if ( ++b->used >= EVENT_BUDGET )
        hold(port, b);
    b->handler(port, b->ctx);
}

/* LAB events BEGIN: the two-level scan, pending and not masked, clear before handling */
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
 * Called from the event callback (PV: entry.S; PVH: the callback vector)
 * with upcalls masked. The loop ends: every pass that finds the flag
 * raised again follows a delivery, and deliveries are bounded (above).
 */
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
#if 0 /* LAB events STUB */
/*
 * LAB events: from the upcall to each port's handler. Xen has raised
 * this vCPU's evtchn_upcall_pending (the coarsest of the three flags in
 * the comment at the top of this file); write the scan:
 *  - while evtchn_upcall_pending is set: clear it, then take the whole
 *    selector evtchn_pending_sel and zero it in one locked step
 *    (__atomic_exchange_n): Xen sets its bits concurrently;
 *  - for each selector bit w, lowest first: the ports of word w that are
 *    pending in shared_info->evtchn_pending[w] and not masked in
 *    shared_info->evtchn_mask[w] (read each word once, read_once());
 *  - for each such port, lowest first: clear its pending bit FIRST
 *    (evtchn_test_and_clear_pending()), then call dispatch_port(port):
 *    an event that comes during the handler sets the bit again and is
 *    seen on the next pass, never lost.
 * A port that fires again during the pass waits for the next pass (do
 * not re-read the word after each port): a busy low port must not starve
 * a higher one. Count each call in `upcalls` (the `stats` command).
 */
void do_hypervisor_callback(void)
{
    upcalls++;
    (void)dispatch_port;            /* yours to call, once per ready port */
    /*
     * Given, so that the tree runs: without it Xen enters the callback
     * again at once, and for ever. Your loop clears it too.
     */
    write_once(&this_vcpu()->evtchn_upcall_pending, 0);
}
#endif /* LAB events END */
