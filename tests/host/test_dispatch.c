/*
 * test_dispatch.c: the event dispatcher (events/dispatch.c) against a
 * shared_info page played by the test, with a peer that never stops.
 *
 * The peer's "send" does what Xen does (evtchn_2l_set_pending): pending
 * bit, and for an unmasked port the selector bit and upcall flag. A
 * storming handler sends again on its own port each time it runs. Xen's
 * side of the upcall is played by xen_return(): like HYPERVISOR_iret on
 * PV, it enters the callback again for as long as the upcall flag is up.
 * Before issue 15 the dispatcher left a storming port raised when its
 * per-upcall budget was spent, so that loop went on until the peer tired
 * (here: the test's safety limit) and the main loop never ran. Now a port
 * that used its budget up is masked until the main loop's turn ends
 * (evtchn_end_turn), which unmasks it without losing its event.
 */
#include <stdarg.h>
#include <tinypv/events.h>
#include <tinypv/hypervisor.h>
#include "check.h"

static shared_info_t page;
shared_info_t *shared_info = &page;

#define STORM_LIMIT 1000u       /* the peer gives up here: a test must end */
#define ENTRY_LIMIT 1000u       /* xen_return() gives up here */

void do_hypervisor_callback(void);

/* --- what dispatch.c needs from the rest of the kernel -------------------- */

static xen_ulong_t bit(evtchn_port_t port)
{
    return (xen_ulong_t)1 << (port % BITS_PER_EVTCHN_WORD);
}

static xen_ulong_t *pending_word(evtchn_port_t port)
{
    return &page.evtchn_pending[port / BITS_PER_EVTCHN_WORD];
}

static xen_ulong_t *mask_word(evtchn_port_t port)
{
    return &page.evtchn_mask[port / BITS_PER_EVTCHN_WORD];
}

bool evtchn_test_and_clear_pending(evtchn_port_t port)
{
    bool was = *pending_word(port) & bit(port);

    *pending_word(port) &= ~bit(port);
    return was;
}

void evtchn_mask(evtchn_port_t port)
{
    *mask_word(port) |= bit(port);
}

/* As events/evtchn.c does: a port pending while masked is raised now. */
void evtchn_unmask(evtchn_port_t port)
{
    *mask_word(port) &= ~bit(port);
    if ( *pending_word(port) & bit(port) )
    {
        page.vcpu_info[0].evtchn_pending_sel |=
            (xen_ulong_t)1 << (port / BITS_PER_EVTCHN_WORD);
        page.vcpu_info[0].evtchn_upcall_pending = 1;
    }
}

void printk(const char *fmt, ...)
{
}

/* Upcall masking is not what this test is about. */
unsigned long upcall_save_and_mask(void)
{
    return 1;
}

void upcall_restore(unsigned long saved)
{
}

/* --- Xen and the peer ------------------------------------------------------- */

static void send(evtchn_port_t port)
{
    xen_ulong_t *w = pending_word(port);

    if ( *w & bit(port) )
        return;                 /* no edge, nothing raised */
    *w |= bit(port);
    if ( *mask_word(port) & bit(port) )
        return;
    page.vcpu_info[0].evtchn_pending_sel |=
        (xen_ulong_t)1 << (port / BITS_PER_EVTCHN_WORD);
    page.vcpu_info[0].evtchn_upcall_pending = 1;
}

/*
 * Xen on its way back into the guest: while the upcall flag is up (and
 * upcalls unmasked, as HYPERVISOR_iret leaves them), enter the callback.
 * Returns how many times it did; the main loop runs only after this.
 */
static unsigned int xen_return(void)
{
    unsigned int entries = 0;

    while ( page.vcpu_info[0].evtchn_upcall_pending && entries < ENTRY_LIMIT )
    {
        do_hypervisor_callback();
        entries++;
    }
    return entries;
}

static bool storming;
static unsigned int storm_calls, quiet_calls;

static void storm_handler(evtchn_port_t port, void *ctx)
{
    if ( storming && ++storm_calls < STORM_LIMIT )
        send(port);             /* fires again at once */
}

static void quiet_handler(evtchn_port_t port, void *ctx)
{
    quiet_calls++;
}

static const evtchn_port_t storm = 3, quiet = BITS_PER_EVTCHN_WORD + 5;

/* --- the cases --------------------------------------------------------------- */

static void test_storm_returns_to_main_loop(void)
{
    unsigned int before;

    CHECK(evtchn_bind_handler(storm, storm_handler, NULL, "storm") == 0);
    CHECK(evtchn_bind_handler(quiet, quiet_handler, NULL, "quiet") == 0);
    storming = true;
    send(storm);
    send(quiet);

    /* Xen stops entering the callback after a few deliveries. */
    CHECK(xen_return() <= 2);
    CHECK_EQ(page.vcpu_info[0].evtchn_upcall_pending, 0);
    CHECK(storm_calls >= 1 && storm_calls <= 8);
    CHECK_EQ(quiet_calls, 1);
    /* The storming port is held: masked, its event kept, the loop told. */
    CHECK(*mask_word(storm) & bit(storm));
    CHECK(*pending_word(storm) & bit(storm));
    CHECK(evtchn_ports_held());
    CHECK_EQ(evtchn_hold_count(storm), 1);
    CHECK_EQ(evtchn_hold_count(quiet), 0);
    CHECK(!(*mask_word(quiet) & bit(quiet)));

    /* Each turn of the main loop lets it through again, a few times. */
    for ( unsigned int turn = 0; turn < 10; turn++ )
    {
        before = storm_calls;
        evtchn_end_turn();
        CHECK(!(*mask_word(storm) & bit(storm)));
        CHECK_EQ(page.vcpu_info[0].evtchn_upcall_pending, 1);  /* raised */
        CHECK(xen_return() <= 2);
        CHECK(storm_calls > before && storm_calls - before <= 8);
        CHECK(evtchn_ports_held());
    }
    CHECK_EQ(evtchn_hold_count(storm), 11);

    /* The peer stops: its last event is still delivered, then all quiet. */
    storming = false;
    before = (unsigned int)evtchn_event_count(storm);
    evtchn_end_turn();
    xen_return();
    CHECK_EQ(evtchn_event_count(storm), before + 1);
    CHECK(!evtchn_ports_held());
    CHECK(!(*mask_word(storm) & bit(storm)));
    CHECK(!(*pending_word(storm) & bit(storm)));
    CHECK_EQ(page.vcpu_info[0].evtchn_upcall_pending, 0);
    CHECK_EQ(quiet_calls, 1);
    CHECK_EQ(evtchn_event_count(quiet), 1);
}

/* A busy port under its budget in every turn is never masked. */
static void test_budget_is_per_turn(void)
{
    for ( unsigned int turn = 0; turn < 5; turn++ )
    {
        for ( unsigned int i = 0; i < 3; i++ )
        {
            send(quiet);
            xen_return();
        }
        CHECK(!evtchn_ports_held());
        CHECK(!(*mask_word(quiet) & bit(quiet)));
        evtchn_end_turn();
    }
    CHECK_EQ(evtchn_hold_count(quiet), 0);
    CHECK_EQ(quiet_calls, 1 + 15);
}

/* A held port that is unbound stays masked: the turn's end leaves it. */
static void test_unbound_while_held(void)
{
    const evtchn_port_t other = 40;
    unsigned int i;

    CHECK(evtchn_bind_handler(other, quiet_handler, NULL, "other") == 0);
    for ( i = 0; i < 16 && !evtchn_ports_held(); i++ )
    {
        send(other);
        xen_return();
    }
    CHECK(evtchn_ports_held());
    send(other);
    evtchn_unbind_handler(other);
    evtchn_end_turn();
    CHECK(*mask_word(other) & bit(other));
    CHECK_EQ(page.vcpu_info[0].evtchn_upcall_pending, 0);
    CHECK_EQ(xen_return(), 0);
}

/* An ordinary event: served once, every level cleared. */
static void test_single_event(void)
{
    memset(&page, 0, sizeof(page));
    quiet_calls = 0;
    send(quiet);
    CHECK_EQ(xen_return(), 1);
    CHECK_EQ(quiet_calls, 1);
    CHECK_EQ(page.vcpu_info[0].evtchn_upcall_pending, 0);
    CHECK_EQ(page.vcpu_info[0].evtchn_pending_sel, 0);
    CHECK_EQ(page.evtchn_pending[1], 0);
}

/* Is port in the list the PVH idle polls? */
static bool polled(evtchn_port_t port)
{
    const evtchn_port_t *ports;
    unsigned int n = evtchn_bound_ports(&ports);

    for ( unsigned int i = 0; i < n; i++ )
        if ( ports[i] == port )
            return true;
    return false;
}

/*
 * The list the PVH idle names to SCHEDOP_poll: exactly the ports with a
 * handler, through binds, unbinds (also of a port never bound) and a
 * restore; no more than Xen's EVTCHN_POLL_MAX.
 */
static void test_bound_ports(void)
{
    const evtchn_port_t *ports;
    unsigned int before = evtchn_bound_ports(&ports), i;

    CHECK(polled(storm) && polled(quiet));
    CHECK(evtchn_bind_handler(7, quiet_handler, NULL, "seven") == 0);
    CHECK(evtchn_bind_handler(7, quiet_handler, NULL, "again") < 0);
    CHECK_EQ(evtchn_bound_ports(&ports), before + 1);
    CHECK(polled(7));
    evtchn_unbind_handler(storm);
    evtchn_unbind_handler(storm);       /* twice: no harm */
    evtchn_unbind_handler(600);         /* never bound */
    CHECK(!polled(storm) && polled(7) && polled(quiet));
    CHECK_EQ(evtchn_bound_ports(&ports), before);

    evtchn_forget_all();
    CHECK_EQ(evtchn_bound_ports(&ports), 0);
    for ( i = 0; i < EVTCHN_POLL_MAX; i++ )
        CHECK(evtchn_bind_handler(i + 1, quiet_handler, NULL, "many") == 0);
    CHECK(evtchn_bind_handler(EVTCHN_POLL_MAX + 1, quiet_handler, NULL,
                              "one too many") < 0);
    CHECK(!polled(EVTCHN_POLL_MAX + 1));
    evtchn_unbind_handler(5);
    CHECK(!polled(5) && polled(EVTCHN_POLL_MAX));
    CHECK(evtchn_bind_handler(EVTCHN_POLL_MAX + 1, quiet_handler, NULL,
                              "room again") == 0);
    CHECK_EQ(evtchn_bound_ports(&ports), EVTCHN_POLL_MAX);
    evtchn_forget_all();
}

int main(void)
{
    test_storm_returns_to_main_loop();
    test_budget_is_per_turn();
    test_unbound_while_held();
    test_single_event();
    test_bound_ports();
    return check_summary("dispatch");
}
