/*
 * traps.c: telling Xen where our exception and event handlers are, and
 * reporting an exception when one happens.
 */
#include <traps.h>
#include <hypercall.h>
#include <hypervisor.h>
#include <printk.h>
#include <shutdown.h>
#include <lib.h>

/* Entry points in entry.S. */
void hypervisor_callback(void);
void failsafe_callback(void);
void trap_divide_error(void), trap_debug(void), trap_int3(void);
void trap_overflow(void), trap_bounds(void), trap_invalid_op(void);
void trap_device_not_available(void), trap_coprocessor_overrun(void);
void trap_invalid_tss(void), trap_segment_not_present(void);
void trap_stack_segment(void), trap_general_protection(void);
void trap_page_fault(void), trap_coprocessor_error(void);
void trap_alignment_check(void), trap_machine_check(void);
void trap_simd_error(void);

/* Called from entry.S. */
void do_trap(struct cpu_regs *regs) __noreturn;
void do_failsafe_callback(void) __noreturn;

/*
 * flags: the privilege level that may raise the vector with `int N` (0:
 * nobody, 3: anyone) plus TRAP_MASK_EVENTS, which makes Xen mask event
 * upcalls on entry, like an x86 interrupt gate clears IF.
 */
#define TRAP_MASK_EVENTS 4

#define TRAP(vec, dpl, fn) \
    { (vec), (dpl) | TRAP_MASK_EVENTS, FLAT_KERNEL_CS, (unsigned long)(fn) }

static const struct trap_info trap_table[] = {
    TRAP(0,  0, trap_divide_error),
    TRAP(1,  0, trap_debug),
    TRAP(3,  3, trap_int3),
    TRAP(4,  3, trap_overflow),
    TRAP(5,  3, trap_bounds),
    TRAP(6,  0, trap_invalid_op),
    TRAP(7,  0, trap_device_not_available),
    TRAP(9,  0, trap_coprocessor_overrun),
    TRAP(10, 0, trap_invalid_tss),
    TRAP(11, 0, trap_segment_not_present),
    TRAP(12, 0, trap_stack_segment),
    TRAP(13, 0, trap_general_protection),
    TRAP(14, 0, trap_page_fault),
    TRAP(16, 0, trap_coprocessor_error),
    TRAP(17, 0, trap_alignment_check),
    TRAP(18, 0, trap_machine_check),
    TRAP(19, 0, trap_simd_error),
    { 0, 0, 0, 0 },                     /* end of table */
};

static const char *const exception_names[] = {
    [0]  = "divide error",          [1]  = "debug",
    [3]  = "breakpoint",            [4]  = "overflow",
    [5]  = "bound range exceeded",  [6]  = "invalid opcode",
    [7]  = "device not available",  [9]  = "coprocessor segment overrun",
    [10] = "invalid TSS",           [11] = "segment not present",
    [12] = "stack-segment fault",   [13] = "general protection fault",
    [14] = "page fault",            [16] = "x87 floating-point error",
    [17] = "alignment check",       [18] = "machine check",
    [19] = "SIMD floating-point error",
};

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

void traps_init(void)
{
    long rc = HYPERVISOR_set_trap_table(trap_table);

    if ( rc )
        panic("cannot install the trap table: error %ld", rc);
    register_callback(CALLBACKTYPE_event, hypervisor_callback);
    register_callback(CALLBACKTYPE_failsafe, failsafe_callback);
}

static const char *exception_name(uint32_t vector)
{
    if ( vector < ARRAY_SIZE(exception_names) && exception_names[vector] )
        return exception_names[vector];
    return "unknown exception";
}

/* What a page fault's error code says, in words. */
static void print_page_fault_cause(uint32_t error_code)
{
    printk("  cause: %s %s in %s mode%s\n",
           error_code & 1 ? "protection violation on" : "no page for",
           error_code & 2 ? "a write" : (error_code & 16 ? "an instruction fetch"
                                                         : "a read"),
           error_code & 4 ? "user" : "kernel",
           error_code & 8 ? " (reserved bit set)" : "");
}

void do_trap(struct cpu_regs *regs)
{
    static bool in_trap;
    struct sched_shutdown crash = { .reason = SHUTDOWN_crash };

    /* A fault while reporting a fault: stop without another word. */
    if ( in_trap )
        for ( ;; )
            HYPERVISOR_sched_op(SCHEDOP_shutdown, &crash);
    in_trap = true;

    printk("\n*** exception %u: %s at eip 0x%08x, error code 0x%x\n",
           regs->vector, exception_name(regs->vector), regs->eip,
           regs->error_code);
    if ( regs->vector == 14 )
    {
        printk("  cr2 0x%08lx (the address that faulted)\n",
               this_vcpu()->arch.cr2);
        print_page_fault_cause(regs->error_code);
    }
    printk("  eax 0x%08x  ebx 0x%08x  ecx 0x%08x  edx 0x%08x\n",
           regs->eax, regs->ebx, regs->ecx, regs->edx);
    printk("  esi 0x%08x  edi 0x%08x  ebp 0x%08x  esp 0x%08x\n",
           regs->esi, regs->edi, regs->ebp,
           (uint32_t)(unsigned long)(&regs->eflags + 1));
    printk("  cs  0x%04x  eflags 0x%08x  (event mask saved by Xen: %u)\n",
           regs->cs & 0xffff, regs->eflags, (regs->cs >> 16) & 0xff);
    printk("tinypv: stopping after an exception (shutdown reason: crash)\n");
    shutdown(SHUTDOWN_crash);
}

void do_failsafe_callback(void)
{
    panic("Xen's failsafe callback: it could not restore our segment "
          "registers");
}

/* --- faulting on purpose ------------------------------------------------- */

const char fault_kinds[] = "pagefault, divide, invalid, gp, panic";

static void fault_page(void)
{
    /* Nothing is mapped below VIRT_BASE; page 0 least of all. */
    unsigned long address = 16;

    asm ( "" : "+r" (address) );    /* hide the constant from the compiler */
    *(volatile uint32_t *)address = 0xdead;
}

static void fault_divide(void)
{
    asm volatile ( "xorl %%ecx, %%ecx; divl %%ecx" ::: "eax", "ecx", "edx" );
}

static void fault_invalid(void)
{
    asm volatile ( "ud2" );
}

static void fault_gp(void)
{
    /* Loading a selector that is not in the GDT raises #GP. */
    asm volatile ( "movl %0, %%ds" :: "r" (0x1234) : "memory" );
}

bool trigger_fault(const char *kind)
{
    if ( strcmp(kind, "pagefault") == 0 )
        fault_page();
    else if ( strcmp(kind, "divide") == 0 )
        fault_divide();
    else if ( strcmp(kind, "invalid") == 0 )
        fault_invalid();
    else if ( strcmp(kind, "gp") == 0 )
        fault_gp();
    else if ( strcmp(kind, "panic") == 0 )
        panic("crash requested");
    else
        return false;
    /* Not reached: every fault above ends in do_trap(). */
    panic("fault '%s' did not fault", kind);
}
