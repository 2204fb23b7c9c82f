/*
 * traps.c: the PVH guest's IDT: exceptions and the event callback vector.
 *
 * A PVH guest runs in ring 0 of a hardware-virtualised vCPU, so unlike a PV
 * guest it owns a real IDT: exceptions come straight from the CPU, without
 * Xen bouncing them. The stubs and the report are the shared ones
 * (arch/x86/exceptions.S, arch/x86/traps.c); this file only points the
 * vectors at them, with interrupt gates so that IF is clear in a handler.
 *
 * Events: how Xen interrupts a PVH guest.
 *
 * Xen offers two ways to turn "this vCPU has an event" into an interrupt
 * on a vector of the guest's choosing:
 *
 *   - HVM_PARAM_CALLBACK_IRQ with HVM_PARAM_CALLBACK_TYPE_VECTOR in its
 *     top byte: one vector number for the whole domain, injected by Xen
 *     directly, bypassing the virtual local APIC: no EOI. Xen injects it
 *     into any vCPU whose own evtchn_upcall_pending is set while its IF is
 *     1 (hvm_vcpu_has_pending_irq()), like a level-triggered line per vCPU
 *     that the dispatcher lowers by clearing the flag. (It is the other
 *     callback types, a GSI or a PCI INTx line, that only vCPU 0 gets.)
 *   - HVMOP_set_evtchn_upcall_vector: a vector per vCPU, delivered through
 *     the local APIC like any interrupt, so each one needs an EOI write to
 *     the APIC (an emulated MMIO or MSR access: a VM exit per event).
 *
 * tinypv uses the first. It runs on one vCPU, has no local APIC driver,
 * and the global vector keeps the entry code as small as PV's: save, call
 * the dispatcher, iret. An SMP kernel could keep it (each vCPU takes the
 * vector for its own events), as long as every vCPU installs the same
 * vector in its IDT; the per-vCPU vector is what Xen prefers for new
 * multi-vCPU guests, at the price of an APIC EOI in entry.S and one call
 * per vCPU here.
 */
#include <arch/traps.h>
#include <tinypv/hypercall.h>
#include <arch/processor.h>
#include <tinypv/platform.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>
#include <xen/hvm/params.h>
#include <lib/string.h>
#include <xen/hvm/hvm_op.h>
#include "pvh.h"
#include "pvh_segments.h"

/*
 * Any vector above the 32 the CPU reserves for exceptions would do; with no
 * APIC in use there is no priority to consider. 0xf3 is far from the
 * exceptions and easy to spot in a trace.
 */
#define PVH_CALLBACK_VECTOR 0xf3
#define NR_VECTORS          256

#define GATE_PRESENT        0x80
#define GATE_INTERRUPT_32   0x0e        /* clears IF on entry */

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;                  /* present, DPL, gate type */
    uint16_t offset_high;
} __attribute__((packed));

struct idt_descriptor {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static struct idt_gate idt[NR_VECTORS] __aligned(8);

uint8_t pvh_callback_vector_nr = PVH_CALLBACK_VECTOR;

/* entry.S */
void pvh_callback_vector(void);

static void set_gate(unsigned int vector, void (*fn)(void), unsigned int dpl)
{
    unsigned long addr = (unsigned long)fn;

    idt[vector] = (struct idt_gate){
        .offset_low = addr & 0xffff,
        .selector = PVH_KERNEL_CS,
        .type_attr = GATE_PRESENT | (dpl << 5) | GATE_INTERRUPT_32,
        .offset_high = addr >> 16,
    };
}

void pvh_register_callback_vector(void)
{
    struct xen_hvm_param p = {
        .domid = DOMID_SELF,
        .index = HVM_PARAM_CALLBACK_IRQ,
        .value = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) |
                 PVH_CALLBACK_VECTOR,
    };
    long rc = HYPERVISOR_hvm_op(HVMOP_set_param, &p);

    if ( rc )
        panic("cannot set the event callback vector "
              "(HVM_PARAM_CALLBACK_IRQ: error %ld)", rc);
}

void arch_init_traps(void)
{
    struct idt_descriptor desc = {
        .limit = sizeof(idt) - 1,
        .base = (unsigned long)idt,
    };

    for ( unsigned int i = 0; i < nr_exception_entries; i++ )
        set_gate(exception_entries[i].vector, exception_entries[i].stub,
                 exception_entries[i].dpl);
    set_gate(PVH_CALLBACK_VECTOR, pvh_callback_vector, 0);
    asm volatile ( "lidt %0" :: "m" (desc) );

    /* IF is still clear: the first event waits for upcall_enable(). */
    pvh_register_callback_vector();
}

/* Ring 0, and whether interrupts (event delivery) were on. */
void arch_describe_trap_frame(const struct cpu_regs *regs)
{
    printk("  (ring %u, interrupts %s)", regs->cs & 3,
           regs->eflags & X86_EFLAGS_IF ? "on" : "off");
}

/* In ring 0 the faulting address is ours to read. */
unsigned long arch_fault_address(void)
{
    return read_cr2();
}

/*
 * The platform's own kinds for trigger_fault() (arch/x86/traps.c). PV's
 * pt-writable asks Xen to map a page table writable; here there is nothing
 * to ask: Xen does not see our page tables, so the kind only says so.
 */
const char arch_fault_kinds[] = ", pt-writable (PV only)";

bool arch_trigger_fault(const char *kind)
{
    if ( strcmp(kind, "pt-writable") != 0 )
        return false;
    printk("crash pt-writable: does not apply on PVH: Xen never sees our page "
           "tables (they are plain memory; its own nested page tables map "
           "our frames), so there is no read-only rule to break\n");
    return true;
}
