/*
 * test_dispatch.c: the event dispatcher (events/dispatch.c) against a
 * shared_info page played by the test, with a peer that never stops.
 *
 * The peer's "send" does what Xen does for an unmasked port: pending bit,
 * selector bit, upcall flag. A storming handler sends again on its own
 * port each time it runs. Before the dispatcher had a budget, one upcall
 * served such a port for as long as it kept firing (here: until the
 * test's safety limit), and nothing else the kernel had to do could run.
 */
#include <stdarg.h>
#include <tinypv/events.h>
#include <tinypv/hypervisor.h>
#include "check.h"

static shared_info_t page;
shared_info_t *shared_info = &page;

#define STORM_LIMIT 1000u       /* the peer gives up here: a test must end */

void do_hypervisor_callback(void);

/* --- what dispatch.c needs from the rest of the kernel -------------------- */

static xen_ulong_t bit(evtchn_port_t port)
{
    return (xen_ulong_t)1 << (port % BITS_PER_EVTCHN_WORD);
}

bool evtchn_test_and_clear_pending(evtchn_port_t port)
{
    xen_ulong_t *w = &page.evtchn_pending[port / BITS_PER_EVTCHN_WORD];
    bool was = *w & bit(port);

    *w &= ~bit(port);
    return was;
}

void evtchn_mask(evtchn_port_t port)
{
    page.evtchn_mask[port / BITS_PER_EVTCHN_WORD] |= bit(port);
}

void evtchn_unmask(evtchn_port_t port)
{
    page.evtchn_mask[port / BITS_PER_EVTCHN_WORD] &= ~bit(port);
}

void printk(const char *fmt, ...)
{
}

/* --- the peer -------------------------------------------------------------- */

static void send(evtchn_port_t port)
{
    page.evtchn_pending[port / BITS_PER_EVTCHN_WORD] |= bit(port);
    page.vcpu_info[0].evtchn_pending_sel |=
        (xen_ulong_t)1 << (port / BITS_PER_EVTCHN_WORD);
    page.vcpu_info[0].evtchn_upcall_pending = 1;
}

static unsigned int storm_calls, quiet_calls;

static void storm_handler(evtchn_port_t port, void *ctx)
{
    if ( ++storm_calls < STORM_LIMIT )
        send(port);             /* fires again at once */
}

static void quiet_handler(evtchn_port_t port, void *ctx)
{
    quiet_calls++;
}

static void test_storm_is_bounded(void)
{
    const evtchn_port_t storm = 3, quiet = BITS_PER_EVTCHN_WORD + 5;

    CHECK(evtchn_bind_handler(storm, storm_handler, NULL, "storm") == 0);
    CHECK(evtchn_bind_handler(quiet, quiet_handler, NULL, "quiet") == 0);
    send(storm);
    send(quiet);

    do_hypervisor_callback();
    /* A few passes, not until the peer tires. */
    CHECK(storm_calls >= 1 && storm_calls <= 8);
    CHECK_EQ(quiet_calls, 1);
    /* The rest stays raised for the next upcall: nothing is lost. */
    CHECK(page.evtchn_pending[0] & bit(storm));
    CHECK(page.vcpu_info[0].evtchn_pending_sel & 1);
    CHECK_EQ(page.vcpu_info[0].evtchn_upcall_pending, 1);

    /* The next upcall serves it again, and the quiet port stays served. */
    do_hypervisor_callback();
    CHECK(storm_calls >= 2 && storm_calls <= 16);
    CHECK_EQ(quiet_calls, 1);
    CHECK_EQ(evtchn_event_count(quiet), 1);
}

/* An ordinary event: served once, every level cleared. */
static void test_single_event(void)
{
    const evtchn_port_t quiet = BITS_PER_EVTCHN_WORD + 5;

    memset(&page, 0, sizeof(page));
    quiet_calls = 0;
    send(quiet);
    do_hypervisor_callback();
    CHECK_EQ(quiet_calls, 1);
    CHECK_EQ(page.vcpu_info[0].evtchn_upcall_pending, 0);
    CHECK_EQ(page.vcpu_info[0].evtchn_pending_sel, 0);
    CHECK_EQ(page.evtchn_pending[1], 0);
}

/* Upcall masking is not what this test is about. */
unsigned long upcall_save_and_mask(void)
{
    return 1;
}

void upcall_restore(unsigned long saved)
{
}

int main(void)
{
    test_storm_is_bounded();
    test_single_event();
    return check_summary("dispatch");
}
