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
#include <tinypv/printk.h>
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
 * Sleep until one of our ports fires, with interrupts off all along.
 *
 * SCHEDOP_poll blocks the vCPU until a port in the list becomes pending,
 * and returns at once if one is pending already. Xen looks at the pending
 * bits only, not at IF, and with IF clear the callback cannot run and clear
 * one of them behind our back: an event that came after has_work() said
 * "nothing" is still pending when Xen checks the list, so the poll returns
 * at once. The list is every port with a handler (the timer's VIRQ among
 * them, so a timer deadline wakes us too); a port that used its budget up
 * is masked, but then evtchn_ports_held() is work and we never get here.
 */
static void poll_bound_ports(void)
{
    static bool said;
    const evtchn_port_t *ports;
    struct sched_poll poll = { .timeout = 0 };     /* no deadline */
    long rc;

    poll.nr_ports = evtchn_bound_ports(&ports);
    set_xen_guest_handle(poll.ports, (evtchn_port_t *)ports);
    rc = HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    if ( rc < 0 )
    {
        /* A bad list; spinning would be worse than the old idle. */
        if ( !said )
            printk("events: SCHEDOP_poll refused (%ld); idling with hlt\n", rc);
        said = true;
        asm volatile ( "sti; hlt; cli" ::: "memory" );
    }
}

/*
 * The idle step: check for work with interrupts off, then poll; then let
 * the callback run (sti), which serves the event that woke us, and mask
 * again if the caller had.
 *
 * Why not `sti; hlt`, the bare-metal idiom (and what this did first): it
 * leans on the one-instruction interrupt shadow of sti, so that an
 * interrupt that is already waiting is taken only once hlt has begun, and
 * wakes it. The test bed's emulated CPU (QEMU 7.2's SVM, under Xen) loses
 * that shadow when Xen exits and re-enters the guest between the two
 * instructions: the callback then runs before hlt, sets its flag, and hlt
 * sleeps with the work it announced undone, until some later event. That
 * was seen, not guessed: netfront's RX ring sat full of frames for minutes
 * during a flood (netback: "Guest Rx stalled"), with its port not pending,
 * its flag set, and the vCPU blocked in that hlt (docs/08-pvh.md, "Idle").
 * The poll needs no shadow. (Why not SCHEDOP_block, as on PV: it needs IF
 * set to see an event as deliverable, which brings the race back.)
 */
void events_wait_for_work(bool (*has_work)(void))
{
    unsigned long flags = upcall_save_and_mask();

    if ( !has_work() )
        poll_bound_ports();
    upcall_restore(X86_EFLAGS_IF);
    if ( !flags )
        upcall_save_and_mask();
}
