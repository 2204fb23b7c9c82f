/*
 * hypercall.c: making hypercalls work on PVH.
 *
 * A PV guest finds its hypercall page filled by the domain builder. A PVH
 * (or HVM) guest asks for it at run time, the way Xen's docs/misc/pvh.pandoc
 * and public/arch-x86/cpuid.h describe:
 *
 *   1. find Xen's CPUID leaves: a block of leaves at 0x40000000 + n * 0x100
 *      whose first leaf says "XenVMMXenVMM" (another hypervisor's leaves,
 *      such as Viridian's, may come first);
 *   2. leaf base + 2 gives the number of hypercall pages (1 is all there
 *      is) and, in %ebx, the MSR to write;
 *   3. write the page's guest-physical address to that MSR: Xen fills the
 *      page with stubs (vmcall on Intel, vmmcall on AMD) at once.
 *
 * From here on the wrappers in <tinypv/hypercall.h> are the same as on PV:
 * same page layout (32 bytes per hypercall), same registers.
 *
 * The check afterwards is PV's: the page was built full of int3 bytes
 * (hypercall_page.S), so if Xen did not fill it the slot still reads 0xcc
 * and we stop with a message instead of running into a breakpoint.
 */
#include <tinypv/types.h>
#include <arch/hypercall.h>
#include <arch/processor.h>
#include <xen/arch-x86/cpuid.h>
#include "pvh.h"

#define HYPERCALL_PAGE_FILL 0xcc        /* int3, see hypercall_page.S */
#define XEN_CPUID_LAST_BASE 0x40010000  /* where Xen stops placing them */

/* The base of Xen's CPUID leaves, or 0 if there are none. */
static uint32_t xen_cpuid_base(void)
{
    struct cpuid_leaf r;
    uint32_t base;

    for ( base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_LAST_BASE;
          base += 0x100 )
    {
        cpuid(base, &r);
        if ( r.ebx == XEN_CPUID_SIGNATURE_EBX &&
             r.ecx == XEN_CPUID_SIGNATURE_ECX &&
             r.edx == XEN_CPUID_SIGNATURE_EDX &&
             r.eax - base >= 2 )        /* it has the leaf we need */
            return base;
    }
    return 0;
}

void pvh_hypercall_init(void)
{
    struct cpuid_leaf r;
    uint32_t base = xen_cpuid_base();

    if ( !base )
        pvh_early_stop("tinypv: no Xen CPUID leaves: this is not a Xen "
                       "PVH domain. Stopping.\n");
    cpuid(base + 2, &r);
    if ( r.eax < 1 )
        pvh_early_stop("tinypv: Xen offers no hypercall page. Stopping.\n");
    wrmsr(r.ebx, (unsigned long)hypercall_page);

    if ( hypercall_page[__HYPERVISOR_xen_version * 32] == HYPERCALL_PAGE_FILL )
        pvh_early_stop("tinypv: Xen did not fill the hypercall page after "
                       "the MSR write. Stopping.\n");
}
