/*
 * hypercall_check.c: making sure the hypercall page is usable.
 *
 * If Xen did not find or did not honour the HYPERCALL_PAGE metadata, the
 * page still holds the int3 bytes it was built with, and the first
 * hypercall would trap into a kernel that has no trap handlers yet. So
 * start_kernel() checks first (arch_init_hypercalls), and if the page is empty it stops the
 * domain with a message, using the one way into Xen that needs no
 * hypercall page: the 32-bit PV guest's direct hypercall vector, int $0x82.
 */
#include <arch/hypercall.h>
#include "pv.h"
#include <xen/sched.h>

#define HYPERCALL_PAGE_FILL 0xcc        /* int3, see hypercall_page.S */

/* A hypercall through the trap gate, with the same register rules. */
#define int82_hypercall3(nr, a1, a2, a3)                                 \
    ({                                                                   \
        long res_;                                                       \
        unsigned long b_ = (unsigned long)(a1), c_ = (unsigned long)(a2),\
                      d_ = (unsigned long)(a3), S_ = 0, D_ = 0;          \
        asm volatile ( "int $0x82"                                       \
                       : "=a" (res_), "+b" (b_), "+c" (c_), "+d" (d_),   \
                         "+S" (S_), "+D" (D_)                            \
                       : "0" (nr)                                        \
                       : "memory" );                                     \
        res_;                                                            \
    })

static bool hypercall_page_filled(void)
{
    /* Every slot is written by Xen, so look at one we are about to use. */
    return hypercall_page[__HYPERVISOR_xen_version * 32] != HYPERCALL_PAGE_FILL;
}

void hypercall_page_check(void)
{
    static const char msg[] =
        "tinypv: Xen did not fill the hypercall page; the image's Xen "
        "metadata is wrong or was ignored (check `readelf -n` and the "
        "__xen_guest section). Stopping.\n";
    struct sched_shutdown crash = { .reason = SHUTDOWN_crash };

    if ( hypercall_page_filled() )
        return;

    /* Xen's console: shown by debug builds of Xen only, but it is all we have. */
    int82_hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write,
                     sizeof(msg) - 1, msg);
    /* The toolstack reports a crashed domain, which is the truth. */
    for ( ;; )
        int82_hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &crash, 0);
}
