/*
 * hypercall.h: the hypercalls the generic kernel makes, on every platform.
 *
 * Each wrapper only names a hypercall and gives it C types, on top of the
 * architecture's _hypercall1() .. _hypercall5() and _hypercall1_u64()
 * (<arch/hypercall.h>), which also keeps the calls only a platform makes.
 * docs/01-boot.md and docs/09-porting.md.
 */
#ifndef TINYPV_HYPERCALL_H
#define TINYPV_HYPERCALL_H

#include <tinypv/types.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/grant_table.h>
#include <xen/errno.h>           /* XEN_ENOSYS, for the lab stub */
#include <arch/hypercall.h>

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

/* Memory: the physmap (PVH's shared_info), the M2P table's location (PV). */
static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

/*
 * Grant tables: count operations of kind cmd at uop (GNTTABOP_query_size,
 * GNTTABOP_setup_table). The call's own result says whether Xen could read
 * them; each operation's status field says how it went.
 */
static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop,
                                             unsigned int count)
{
    return _hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

/* One-shot timer: VIRQ_TIMER fires at this system time (ns); 0 cancels. */
static inline long HYPERVISOR_set_timer_op(uint64_t deadline)
{
    return _hypercall1_u64(__HYPERVISOR_set_timer_op, deadline);
}

/* Per-vCPU operations (the periodic timer). */
static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return _hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

/*
 * HVM operations: read and write HVM parameters (HVMOP_get_param,
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
/* LAB hypercall BEGIN: the guest's call of the lab hypercall */
    return _hypercall2(__HYPERVISOR_lab_print, text, len);
#if 0 /* LAB hypercall STUB */
    /*
     * LAB hypercall: make hypercall __HYPERVISOR_lab_print with its two
     * arguments (see the other wrappers above) and return what Xen said.
     */
    return -XEN_ENOSYS;
#endif /* LAB hypercall END */
}

#endif /* TINYPV_HYPERCALL_H */
