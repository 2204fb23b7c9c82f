/*
 * hypercall.h: calling Xen, the x86 way: a call into the hypercall page at
 * 32 * number, arguments in %ebx..%edi, result in %eax. Generic code uses
 * the wrappers of <tinypv/hypercall.h>. docs/01-boot.md explains the ABI
 * and why all five argument registers are in/out and "memory" clobbered.
 */
#ifndef TINYPV_ARCH_HYPERCALL_H
#define TINYPV_ARCH_HYPERCALL_H

#include <tinypv/types.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/callback.h>

extern uint8_t hypercall_page[PAGE_SIZE];

#define _hypercall5(nr, a1, a2, a3, a4, a5)                              \
    ({                                                                   \
        long res_;                                                       \
        unsigned long b_ = (unsigned long)(a1), c_ = (unsigned long)(a2),\
                      d_ = (unsigned long)(a3), S_ = (unsigned long)(a4),\
                      D_ = (unsigned long)(a5);                          \
        asm volatile ( "call hypercall_page + %c[offset]"                \
                       : "=a" (res_), "+b" (b_), "+c" (c_), "+d" (d_),   \
                         "+S" (S_), "+D" (D_)                            \
                       : [offset] "i" ((nr) * 32)                        \
                       : "memory" );                                     \
        res_;                                                            \
    })

#define _hypercall1(nr, a1)         _hypercall5(nr, a1, 0, 0, 0, 0)
#define _hypercall2(nr, a1, a2)     _hypercall5(nr, a1, a2, 0, 0, 0)
#define _hypercall3(nr, a1, a2, a3) _hypercall5(nr, a1, a2, a3, 0, 0)
#define _hypercall4(nr, a1, a2, a3, a4) _hypercall5(nr, a1, a2, a3, a4, 0)

/* A 64-bit argument in a 32-bit guest: two registers, low half first. */
#define _hypercall1_u64(nr, a1)                                          \
    _hypercall2(nr, (uint32_t)(a1), (uint32_t)((uint64_t)(a1) >> 32))

/* The hypercalls only the x86 platforms make. */

/*
 * SCHEDOP_shutdown with SHUTDOWN_suspend takes one more argument (Xen's
 * public sched.h): for a PV guest the MFN of its start_info page, which
 * stays in %edx while the domain is suspended, where the toolstack reads
 * it (PVH guests pass nothing there). Returns 0 when resumed in a new
 * domain, 1 when the suspend was cancelled (same domain), or -errno.
 */
static inline long HYPERVISOR_suspend(struct sched_shutdown *request,
                                      unsigned long extra)
{
    return _hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, request,
                       extra);
}

/*
 * Replace the page-table entry that maps one virtual address. Page tables
 * of a PV guest are read-only to it; Xen validates and writes the entry.
 * A PAE entry is 64 bits wide, so it travels in two registers.
 */
static inline long HYPERVISOR_update_va_mapping(unsigned long va,
                                                uint64_t pte,
                                                unsigned long flags)
{
    return _hypercall4(__HYPERVISOR_update_va_mapping, va,
                       (uint32_t)pte, (uint32_t)(pte >> 32), flags);
}

/* Register the event and failsafe callbacks (struct callback_register). */
static inline long HYPERVISOR_callback_op(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_callback_op, cmd, arg);
}

/* Install the table of exception handlers (trap_info_t[], 0-terminated). */
static inline long HYPERVISOR_set_trap_table(const void *table)
{
    return _hypercall1(__HYPERVISOR_set_trap_table, table);
}

/*
 * Page-table and M2P updates (struct mmu_update[]): Xen checks and applies
 * them in order and stops at the first it refuses; *done (may be NULL)
 * says how many it applied. A PV guest's page tables are read-only to
 * it: this and update_va_mapping are how they change.
 */
static inline long HYPERVISOR_mmu_update(void *reqs, unsigned int count,
                                         unsigned int *done, domid_t domid)
{
    return _hypercall4(__HYPERVISOR_mmu_update, reqs, count, done, domid);
}

/* Extended MMU operations (struct mmuext_op[]): pinning, TLB, the LDT. */
static inline long HYPERVISOR_mmuext_op(void *ops, unsigned int count,
                                        unsigned int *done, domid_t domid)
{
    return _hypercall4(__HYPERVISOR_mmuext_op, ops, count, done, domid);
}

/*
 * Several hypercalls in one trip (multicall_entry_t[]): each entry's
 * result holds its own return value. The call itself fails only if Xen
 * cannot read the list.
 */
static inline long HYPERVISOR_multicall(void *calls, unsigned int count)
{
    return _hypercall2(__HYPERVISOR_multicall, calls, count);
}

#endif /* TINYPV_ARCH_HYPERCALL_H */
