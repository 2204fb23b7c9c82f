/*
 * hypercall.h: calling Xen.
 *
 * A hypercall is a call into the hypercall page (arch/x86/hypercall_page.S)
 * at offset 32 * number. The 32-bit PV ABI passes up to five arguments in
 * %ebx, %ecx, %edx, %esi and %edi and returns a value (0 or a negative Xen
 * errno) in %eax.
 *
 * Why every wrapper lists all five argument registers as in/out: debug
 * builds of Xen deliberately overwrite the argument registers on the way
 * back (the ones a hypercall used, and the ones it did not), to catch guests
 * that assume they survive. So after any hypercall all five are garbage as
 * far as the compiler is concerned. "memory" is clobbered because Xen reads
 * and writes guest memory through the pointers we pass.
 */
#ifndef TINYPV_HYPERCALL_H
#define TINYPV_HYPERCALL_H

#include <tinypv/types.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/callback.h>
#include <xen/vcpu.h>

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

/* Write to Xen's own console (honoured for a domU by debug builds only). */
static inline long HYPERVISOR_console_io(int cmd, unsigned int count,
                                         const char *buf)
{
    return _hypercall3(__HYPERVISOR_console_io, cmd, count, buf);
}

/* Scheduler: block, yield, poll, shutdown. */
static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

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

/* Event channels: bind, send, close, status, ... */
static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

/* Xen's version and build information. */
static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_xen_version, cmd, arg);
}

/* Memory reservation and the machine-to-phys table's location. */
static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_memory_op, cmd, arg);
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

/* One-shot timer: VIRQ_TIMER fires at this system time (ns); 0 cancels. */
static inline long HYPERVISOR_set_timer_op(uint64_t deadline)
{
    return _hypercall2(__HYPERVISOR_set_timer_op,
                       (uint32_t)deadline, (uint32_t)(deadline >> 32));
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

/* Extended MMU operations (struct mmuext_op[]): pinning, TLB, the LDT. */
static inline long HYPERVISOR_mmuext_op(void *ops, unsigned int count,
                                        unsigned int *done, domid_t domid)
{
    return _hypercall4(__HYPERVISOR_mmuext_op, ops, count, done, domid);
}

/* Per-vCPU operations. */
static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return _hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

/*
 * HVM operations (PVH): read and write HVM parameters (HVMOP_get_param,
 * HVMOP_set_param), which name a PVH guest's rings and its event callback.
 */
static inline long HYPERVISOR_hvm_op(int op, void *arg)
{
    return _hypercall2(__HYPERVISOR_hvm_op, op, arg);
}

/*
 * The teaching lab's hypercall (tools/testbed/lab/lab-hypercall.patch,
 * docs/lab-hypercall.md): Xen copies len bytes of text, prints them in its
 * log with our domain id and returns len; -E2BIG above LAB_PRINT_MAX bytes,
 * -EFAULT for a bad pointer. Only the lab build of Xen has it; any other
 * answers -ENOSYS. The number is the lab's own choice, so Xen's public
 * headers do not define it: it must equal the one in the patch.
 */
#define __HYPERVISOR_lab_print  63
#define LAB_PRINT_MAX           128

static inline long HYPERVISOR_lab_print(const char *text, unsigned int len)
{
    return _hypercall2(__HYPERVISOR_lab_print, text, len);
}

#endif /* TINYPV_HYPERCALL_H */
