/*
 * traps.c: telling Xen where the PV guest's handlers are.
 *
 * A PV guest has no IDT of its own: it gives Xen a table of handlers
 * (HYPERVISOR_set_trap_table), and Xen bounces each exception to the right
 * one in ring 1. Events arrive through a callback registered the same way,
 * and so does the failsafe callback Xen uses when it cannot return to us.
 */
#include <arch/traps.h>
#include <arch/hypercall.h>
#include <tinypv/platform.h>
#include <tinypv/hypervisor.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>

/* Entry points in entry.S. */
void hypervisor_callback(void);
void failsafe_callback(void);

/* Called from entry.S. */
void do_failsafe_callback(void) __noreturn;

/*
 * flags: the privilege level allowed to raise the vector with `int N`,
 * plus TRAP_MASK_EVENTS, which makes Xen mask event upcalls on entry, like
 * an x86 interrupt gate clears IF. One more slot ends the table.
 */
#define TRAP_MASK_EVENTS 4
#define NR_TRAP_SLOTS    32

static struct trap_info trap_table[NR_TRAP_SLOTS + 1];

static void fill_trap_table(void)
{
    for ( unsigned int i = 0; i < nr_exception_entries && i < NR_TRAP_SLOTS; i++ )
    {
        const struct exception_entry *e = &exception_entries[i];

        trap_table[i] = (struct trap_info){
            .vector = e->vector,
            .flags = e->dpl | TRAP_MASK_EVENTS,
            .cs = FLAT_KERNEL_CS,
            .address = (unsigned long)e->stub,
        };
    }
    /* The rest stays zero: a zero address ends the table. */
}

static void register_callback(unsigned int type, void (*fn)(void))
{
    struct callback_register cb = {
        .type = type,
        .address = { .cs = FLAT_KERNEL_CS, .eip = (unsigned long)fn },
    };
    long rc = HYPERVISOR_callback_op(CALLBACKOP_register, &cb);

    if ( rc )
        panic("cannot register callback type %u: error %ld", type, rc);
}

void arch_init_traps(void)
{
    long rc;

    fill_trap_table();
    rc = HYPERVISOR_set_trap_table(trap_table);
    if ( rc )
        panic("cannot install the trap table: error %ld", rc);
    register_callback(CALLBACKTYPE_event, hypervisor_callback);
    register_callback(CALLBACKTYPE_failsafe, failsafe_callback);
}

/* Xen saves the event mask it found in bits 16-23 of the saved cs. */
void arch_describe_trap_frame(const struct cpu_regs *regs)
{
    printk("  (event mask saved by Xen: %u)", (regs->cs >> 16) & 0xff);
}

/* A PV guest cannot read cr2: Xen copies it into vcpu_info. */
unsigned long arch_fault_address(void)
{
    return this_vcpu()->arch.cr2;
}

void do_failsafe_callback(void)
{
    panic("Xen's failsafe callback: it could not restore our segment "
          "registers");
}
