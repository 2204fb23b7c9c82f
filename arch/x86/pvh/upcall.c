/*
 * upcall.c: "interrupts off" and idle, the PVH way.
 *
 * On PVH the event callback is a real interrupt (traps.c), so masking it is
 * what it is on bare metal: EFLAGS.IF, with cli and sti. Xen ignores
 * vcpu_info's evtchn_upcall_mask for HVM-type vCPUs; it injects the vector
 * whenever evtchn_upcall_pending is set and IF is 1. So, unlike PV, an
 * event that Xen raised while we were masked needs no help: Xen saw it and
 * waits for the sti that unmasks to inject it at once.
 *
 * One that we raised ourselves does (evtchn_unmask() sets the flag by hand
 * when a port it unmasks is pending, as the main loop does for the ports
 * the dispatcher held back): Xen reads the flag only when it gets control,
 * and neither the store nor sti gives it control. So upcall_restore()
 * makes a cheap hypercall when the flag is up, as PV's does; Xen injects
 * the vector on its way back.
 */
#include <tinypv/events.h>
#include <tinypv/hypervisor.h>
#include <tinypv/barrier.h>
#include <tinypv/hypercall.h>
#include <arch/processor.h>

unsigned long upcall_save_and_mask(void)
{
    unsigned long flags = read_eflags();

    asm volatile ( "cli" ::: "memory" );
    return flags & X86_EFLAGS_IF;
}

void upcall_restore(unsigned long saved)
{
    if ( !saved )
        return;
    asm volatile ( "sti" ::: "memory" );
    /* A flag Xen raised was injected by now; one we raised needs Xen. */
    if ( shared_info && read_once(&this_vcpu()->evtchn_upcall_pending) )
        HYPERVISOR_xen_version(XENVER_version, NULL);
}

void upcall_enable(void)
{
    asm volatile ( "sti" ::: "memory" );
}

/*
 * Check for work with interrupts off, then sleep with `sti; hlt`. The pair
 * is atomic with respect to interrupts: sti takes effect only after the
 * next instruction, so an interrupt that is already pending (an event that
 * came after the check) is taken after hlt has begun, and wakes it. Xen
 * intercepts the hlt and blocks the vCPU only if no interrupt is
 * deliverable; the event then unblocks it, the callback runs, and hlt
 * returns here. No wake-up is lost and no CPU is burnt while idle.
 *
 * Why not SCHEDOP_block, as on PV: for an HVM vCPU Xen counts an event as
 * deliverable only if IF is 1, so blocking with IF clear would sleep
 * through an event that arrived between the check and the block.
 */
void events_wait_for_work(bool (*has_work)(void))
{
    unsigned long flags = upcall_save_and_mask();

    if ( !has_work() )
        asm volatile ( "sti; hlt; cli" ::: "memory" );
    upcall_restore(flags);
}
