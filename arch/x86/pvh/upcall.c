/*
 * upcall.c: "interrupts off" and idle, the PVH way.
 *
 * On PVH the event callback is a real interrupt (traps.c), so masking it is
 * what it is on bare metal: EFLAGS.IF, with cli and sti. Xen ignores
 * vcpu_info's evtchn_upcall_mask for HVM-type vCPUs; it injects the vector
 * whenever evtchn_upcall_pending is set and IF is 1. So, unlike PV, an
 * event that became pending while we were masked needs no help: the sti
 * that unmasks lets Xen inject it at once.
 */
#include <tinypv/events.h>
#include <arch/processor.h>

unsigned long upcall_save_and_mask(void)
{
    unsigned long flags = read_eflags();

    asm volatile ( "cli" ::: "memory" );
    return flags & X86_EFLAGS_IF;
}

void upcall_restore(unsigned long saved)
{
    if ( saved )
        asm volatile ( "sti" ::: "memory" );
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
