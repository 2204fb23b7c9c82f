/*
 * hypercall_page.S: one page that Xen fills with hypercall stubs.
 *
 * A PV guest asks Xen for a service by calling into this page: hypercall
 * number N lives at offset N * 32. The domain builder writes the stubs while
 * it loads the image (the ELF notes or the legacy __xen_guest string tell it
 * where the page is), so the guest never needs to know how the current Xen
 * enters the hypervisor.
 *
 * We fill the page with int3 (0xCC) at build time. If Xen did not fill it
 * (metadata wrong or ignored), the first byte of every slot is still 0xCC:
 * hypercall_page_check() in arch/x86/pv/hypercall_check.c tests for that and stops
 * with a message instead of running into a breakpoint.
 */
#include <arch/asm_macros.h>

        .section .text.hypercall_page, "ax"
        .balign PAGE_SIZE
GLOBAL(hypercall_page)
        .fill   PAGE_SIZE, 1, 0xcc
        .type   hypercall_page, @object
        .size   hypercall_page, PAGE_SIZE
