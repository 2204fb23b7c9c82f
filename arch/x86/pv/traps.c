/*
 * traps.c: telling Xen where the PV guest's handlers are.
 *
 * A PV guest has no IDT of its own: it gives Xen a table of handlers
 * (HYPERVISOR_set_trap_table), and Xen bounces each exception to the right
 * one in ring 1. Events arrive through a callback registered the same way,
 * and so does the failsafe callback Xen uses when it cannot return to us.
 */
#include <arch/traps.h>
#include <tinypv/hypercall.h>
#include <tinypv/platform.h>
#include <tinypv/hypervisor.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>
#include <tinypv/events.h>
#include <tinypv/clock.h>
#include <lib/string.h>
#include "mm.h"

/* Entry points in entry.S. */
void hypervisor_callback(void);
void failsafe_callback(void);

/* The frame Xen builds for the failsafe callback (see entry.S). */
struct failsafe_frame {
    uint32_t ds, es, fs, gs;    /* the selectors Xen failed to reload */
    uint32_t eip, cs, eflags;
};

/* Called from entry.S. */
void do_failsafe_callback(const struct failsafe_frame *f) __noreturn;

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

static void register_callback(unsigned int type, void (*fn)(void),
                              uint16_t flags)
{
    struct callback_register cb = {
        .type = type,
        .flags = flags,
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
    /* Xen always masks events when it enters the event callback. */
    register_callback(CALLBACKTYPE_event, hypervisor_callback, 0);
    /* The failsafe one must ask for it: see entry.S. */
    register_callback(CALLBACKTYPE_failsafe, failsafe_callback,
                      CALLBACKF_mask_events);
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

#define read_segment(seg) ({                                          \
    uint16_t sel_;                                                      \
    asm volatile ( "movw %%" #seg ", %0" : "=r" (sel_) );               \
    sel_;                                                               \
})

void do_failsafe_callback(const struct failsafe_frame *f)
{
    /* Xen masked events as it entered (CALLBACKF_mask_events); keep it so. */
    upcall_save_and_mask();
    printk("\n*** failsafe callback: Xen could not reload our segment "
           "registers\n");
    printk("  the selectors it tried: ds 0x%04x  es 0x%04x  fs 0x%04x  "
           "gs 0x%04x\n", f->ds & 0xffff, f->es & 0xffff, f->fs & 0xffff,
           f->gs & 0xffff);
    printk("  at eip 0x%08x  cs 0x%04x  eflags 0x%08x  (event mask saved by "
           "Xen: %u)\n", f->eip, f->cs & 0xffff, f->eflags,
           (f->cs >> 16) & 0xff);
    /*
     * What entry.S loaded: Xen left NUL in the register it failed on.
     * (QEMU's emulation does not fault on a NUL %ds, real CPUs do: this
     * line is how the test bed sees that the entry code did its job.)
     */
    printk("  the entry code reloaded: ds 0x%04x  es 0x%04x  fs 0x%04x  "
           "gs 0x%04x\n", read_segment(ds), read_segment(es),
           read_segment(fs), read_segment(gs));
    printk("tinypv: stopping after a failsafe callback (shutdown reason: "
           "crash)\n");
    shutdown(SHUTDOWN_crash);
}

/* --- the failsafe callback on purpose: `crash failsafe` ------------------ */

/*
 * Xen reloads %ds only when it switches our vCPU back in after another vCPU
 * ran on that CPU (see entry.S). So: load %ds from an LDT, take the LDT
 * away (the register keeps the descriptor it loaded, and everything goes
 * on working), and sleep in short polls, printing, so that dom0's
 * xenconsoled gets to run, until Xen's reload fails. The test pins the
 * domain to dom0's CPU to make that quick.
 */
#define LDT_SELECTOR_RPL1(index)  (((index) << 3) | 4 | 1)
#define FLAT_DATA_DPL1_DESC       0x00cfb3000000ffffULL  /* base 0, 4 GiB, RW */
#define FAILSAFE_WAIT_NS          (20 * NSEC_PER_SEC)

static uint64_t ldt_page[PAGE_SIZE / 8] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");

static long set_ldt(void *va, unsigned int entries)
{
    struct mmuext_op op = {
        .cmd = MMUEXT_SET_LDT,
        .arg1.linear_addr = (unsigned long)va,
        .arg2.nr_ents = entries,
    };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void load_ds(uint32_t selector)
{
    asm volatile ( "movl %0, %%ds" :: "r" (selector) : "memory" );
}

/* Sleep until deadline with events masked (SCHEDOP_poll insists). */
static void poll_until(uint64_t deadline)
{
    struct sched_poll poll = { .nr_ports = 0, .timeout = deadline };

    set_xen_guest_handle(poll.ports, NULL);
    HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

static void provoke_failsafe(void)
{
    unsigned long flags;
    uint64_t deadline;
    long rc;

    ldt_page[0] = FLAT_DATA_DPL1_DESC;
    /* Xen takes a page as an LDT only if no writable mapping of it exists. */
    rc = mm_protect_own_page(ldt_page, false);
    if ( rc == 0 )
        rc = set_ldt(ldt_page, 1);
    if ( rc )
    {
        printk("crash failsafe: cannot set up an LDT (error %ld)\n", rc);
        mm_protect_own_page(ldt_page, true);
        return;
    }
    load_ds(LDT_SELECTOR_RPL1(0));
    set_ldt(NULL, 0);
    printk("crash failsafe: %%ds is 0x%x, from an LDT that is gone; waiting "
           "for Xen to reload it\n", LDT_SELECTOR_RPL1(0));

    flags = upcall_save_and_mask();
    deadline = monotonic_ns() + FAILSAFE_WAIT_NS;
    while ( monotonic_ns() < deadline )
    {
        printk(".");
        poll_until(monotonic_ns() + 20 * NSEC_PER_MSEC);
    }
    load_ds(FLAT_KERNEL_DS);
    upcall_restore(flags);
    mm_protect_own_page(ldt_page, true);
    printk("\ncrash failsafe: Xen did not reload our segments within %u s\n",
           (unsigned int)(FAILSAFE_WAIT_NS / NSEC_PER_SEC));
}

/* The platform's own kinds for trigger_fault() (arch/x86/traps.c). */
const char arch_fault_kinds[] = ", failsafe, pt-writable";

bool arch_trigger_fault(const char *kind)
{
    if ( strcmp(kind, "failsafe") == 0 )
        provoke_failsafe();
    else if ( strcmp(kind, "pt-writable") == 0 )
        pv_try_pt_writable();       /* Xen refuses: reported, we go on */
    else
        return false;
    return true;
}
