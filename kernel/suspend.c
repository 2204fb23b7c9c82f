/*
 * suspend.c: the generic half of suspend and resume.
 *
 *   check       before the request is acknowledged (suspend_check(), from
 *               kernel/control.c): no xenstore request in flight, and what
 *               the platform needs (arch_suspend_check()). A request that
 *               fails here is left unacknowledged: the toolstack's refusal.
 *   quiesce     the console drained, upcalls masked: nothing half-done may
 *               be copied, and nothing may arrive that the copy would lose
 *               (a watch function runs between xenstore requests, and the
 *               check found none in flight)
 *   clocks      note the kernel's clock and the wall clock
 *   grants      gnttab_suspend(): the platform drops what the save cannot
 *               carry (PV: its mappings of Xen's grant-table frames)
 *   platform    arch_suspend(): make the image portable, suspend, and
 *               return with shared_info mapped again (the platform sets
 *               the shared_info pointer: NULL while a PV guest has it
 *               unmapped)
 *   clocks      continue the kernel's clock from where it stopped
 *   reconnect   new domain: every event channel is new and closed, so bind
 *               VIRQ_TIMER again, re-arm the timers, take the console and
 *               xenstore rings at their new ports, set every watch again
 *               (xenstored forgot them with the old domain), and learn the
 *               new domid; map the grant table again (a new, empty one:
 *               active grants are gone, docs/12-grants.md). Same domain:
 *               all of that still holds; only the timer is programmed
 *               again, and the grant table mapped again where the platform
 *               dropped it.
 *   report      one line: what happened and how long the domain was away
 *
 * After the acknowledgement only Xen can refuse: SCHEDOP_shutdown fails
 * only if it cannot read its argument, or (under a PV shim) if the host
 * below refused. libxl, told the request was taken, then waits only for
 * the domain to shut down with reason suspend, and nothing the guest
 * could write would end that wait early: it ends after 60 s with "guest
 * did not suspend, timed out". The console says so at once.
 */
#include <tinypv/suspend.h>
#include <tinypv/platform.h>
#include <tinypv/events.h>
#include <tinypv/console.h>
#include <tinypv/xenstore.h>
#include <tinypv/xenbus.h>
#include <tinypv/gnttab.h>
#include <tinypv/clock.h>
#include <tinypv/printk.h>

static struct suspend_stats stats;

void suspend_get_stats(struct suspend_stats *st)
{
    *st = stats;
}

/* The new domain: every connection to Xen and dom0 made again. */
static void reconnect_new_domain(struct boot_info *bi)
{
    evtchn_forget_all();
    console_resume(&bi->console, true);     /* first: printk needs it */
    timers_resume(true);
    xenstore_resume(&bi->xenstore, true);
    gnttab_resume(true);
    xenbus_resume(true);        /* the new domain's devices: probed again */
}

/* The same domain: ports, watches and rings are as they were. */
static void reconnect_same_domain(struct boot_info *bi)
{
    console_resume(&bi->console, false);
    timers_resume(false);
    xenstore_resume(&bi->xenstore, false);
    gnttab_resume(false);
}

static void report(int rc, uint64_t away_ns)
{
    uint32_t ms;
    uint64_t s = div_u64_rem(away_ns, (uint32_t)NSEC_PER_SEC, &ms);

    ms /= 1000000;
    if ( rc == SUSPEND_NEW_DOMAIN )
        printk("resume: restored in a new domain (domid %d) after %llu.%03u s "
               "away\n", xs_domid(), (unsigned long long)s, ms);
    else if ( rc == SUSPEND_CANCELLED )
        printk("resume: checkpoint resumed in the same domain (domid %d) "
               "after %llu.%03u s away\n", xs_domid(), (unsigned long long)s,
               ms);
    else
        printk("suspend: Xen refused to suspend the domain (error %d); "
               "carrying on. The toolstack was told the request was taken: "
               "it gives up after its own wait (libxl: 60 s)\n", rc);
}

int suspend_check(void)
{
    int rc = 0;

    if ( !xenstore_idle() )
    {
        printk("suspend: a xenstore request is in flight; cannot suspend\n");
        rc = -EBUSY;
    }
    if ( rc == 0 )
        rc = arch_suspend_check(boot_info_writable());
    if ( rc )
        stats.refused++;
    return rc;
}

int suspend_domain(void)
{
    struct boot_info *bi = boot_info_writable();
    unsigned long flags;
    uint64_t away;
    int rc;

    printk("suspend: the toolstack asked to suspend; suspending\n");
    /*
     * Drained, so that no byte is left for the old backend to read after
     * the memory was copied (it would then appear twice after a migration).
     */
    if ( !console_flush() )
        console_debug_write("suspend: the console did not drain; output may "
                            "be repeated after the restore\n");

    flags = upcall_save_and_mask();
    time_suspend();
    gnttab_suspend();
    rc = arch_suspend(bi);     /* < 0: Xen refused the hypercall */
    away = time_resume();
    if ( rc == SUSPEND_NEW_DOMAIN )
    {
        reconnect_new_domain(bi);
        stats.suspends++;
        stats.restored++;
    }
    else
    {
        reconnect_same_domain(bi);
        if ( rc == SUSPEND_CANCELLED )
        {
            stats.suspends++;
            stats.cancelled++;
        }
        else
            stats.refused++;
    }
    stats.last_away_ns = away;
    upcall_restore(flags);
    report(rc, away);
    return rc;
}
