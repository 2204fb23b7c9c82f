/*
 * upcall.c: "interrupts off" and idle, the PV way.
 *
 * A PV guest has no interrupt flag it may use: it runs in ring 1, where
 * cli/sti are not allowed. Instead each vCPU has a byte in shared_info,
 * evtchn_upcall_mask, which Xen reads before it enters the event callback.
 * Setting it is the PV guest's cli; clearing it is its sti, with one
 * twist: an event that became pending while masked is not delivered by the
 * clearing alone (see upcall_restore).
 */
#include <tinypv/events.h>
#include <tinypv/hypervisor.h>
#include <tinypv/barrier.h>
#include <tinypv/hypercall.h>

unsigned long upcall_save_and_mask(void)
{
    struct vcpu_info *v;
    unsigned long saved;

    if ( !shared_info )
        return 1;               /* too early: Xen masks upcalls at boot */
    v = this_vcpu();
    saved = v->evtchn_upcall_mask;
    v->evtchn_upcall_mask = 1;
    barrier();
    return saved;
}

void upcall_restore(unsigned long saved)
{
    struct vcpu_info *v;

    if ( !shared_info )
        return;
    v = this_vcpu();
    barrier();
    v->evtchn_upcall_mask = saved;
    if ( saved )
        return;
    /*
     * Unmasking does not by itself make Xen deliver an upcall that became
     * pending meanwhile. Any hypercall does: Xen checks for pending events
     * on its way back to the guest. xen_version(0) is the cheapest one.
     */
    smp_mb();
    if ( read_once(&v->evtchn_upcall_pending) )
        HYPERVISOR_xen_version(XENVER_version, NULL);
}

void upcall_enable(void)
{
    upcall_restore(0);
}

/*
 * Check for work with upcalls masked, so that an event cannot slip in
 * between the check and the block: SCHEDOP_block unmasks and blocks in one
 * step, and returns at once if an event is already pending.
 */
void events_wait_for_work(bool (*has_work)(void))
{
    unsigned long flags = upcall_save_and_mask();

    if ( !has_work() )
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);   /* returns unmasked */
    upcall_restore(flags);
}
