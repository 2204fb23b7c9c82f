/*
 * suspend.c: the PVH platform's half of xl save, xl restore and xl migrate.
 *
 * A PVH guest has much less to do than a PV one (arch/x86/pv/suspend.c):
 * it knows no machine frames. Its physical address space is restored as it
 * was, page tables and all, so there is no P2M to publish, no start_info to
 * rewrite and nothing to unmap. It suspends with the same scheduler
 * operation, without the start_info argument, and the toolstack saves its
 * vCPU state (registers, IDT, interrupt flag) with the HVM context.
 *
 * What a new domain does not inherit is what the guest asked of Xen at run
 * time, outside its own memory:
 *
 *   - shared_info: Xen's page for the new domain is in nobody's physmap
 *     yet; the frame we used holds a copy of the old page's contents, now
 *     plain RAM. XENMEM_add_to_physmap puts the new one there again.
 *   - the event callback vector (HVM_PARAM_CALLBACK_IRQ): set again.
 *   - the hypercall page: written again through Xen's MSR, in case the new
 *     host's CPU wants the other instruction (vmcall / vmmcall).
 *   - the rings' event channels: new; HVM_PARAM_*_EVTCHN say which (the
 *     pages' frames, HVM_PARAM_*_PFN, are the same frames as before).
 *
 * The hypercall returns 0 in a new domain and 1 when cancelled (xl save -c,
 * a checkpoint, a failed save): then nothing changed at all.
 *
 * Nothing here may printk in a new domain: the console driver still holds
 * the old domain's event channel until kernel/suspend.c calls
 * console_resume(), so a printk would write the ring and notify a port
 * that is no longer the console's. What pvh_find_rings() says (the new
 * ports, or a refused ring) goes to port 0xe9 instead (early_printk).
 *
 * A PVH guest prepares nothing that could fail, so there is nothing to
 * check before the request is acknowledged (arch_suspend_check()).
 */
#include <tinypv/platform.h>
#include <arch/hypercall.h>
#include "pvh.h"

int arch_suspend_check(struct boot_info *bi)
{
    return 0;
}

int arch_suspend(struct boot_info *bi)
{
    struct sched_shutdown request = { .reason = SHUTDOWN_suspend };
    long rc = HYPERVISOR_suspend(&request, 0);

    if ( rc == 0 )
    {
        pvh_hypercall_init();
        pvh_map_shared_info();
        pvh_register_callback_vector();
        pvh_find_rings(bi);
        return SUSPEND_NEW_DOMAIN;
    }
    return rc == 1 ? SUSPEND_CANCELLED : (int)rc;
}
