/*
 * traps.c: what every x86 platform does with an exception: report it.
 *
 * The stubs in exceptions.S give every exception the same frame; the
 * platform routes the vectors to them (arch/x86/<platform>/traps.c), and
 * do_trap() below prints the report and stops the domain.
 */
#include <arch/traps.h>
#include <tinypv/hypercall.h>
#include <arch/backtrace.h>
#include <tinypv/symbols.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>
#include <tinypv/sections.h>
#include <tinypv/console.h>
#include <lib/string.h>

/* Called from the stubs in exceptions.S. */
void do_trap(struct cpu_regs *regs) __noreturn;

/*
 * The exceptions tinypv handles, with the privilege level that may raise
 * each with `int N` (0: nobody, 3: anyone, for int3/into/bound). Each
 * platform turns this list into what its CPU mode wants: a trap table for
 * Xen (PV), an IDT (PVH).
 */
const struct exception_entry exception_entries[] = {
    { 0,  0, trap_divide_error },
    { 1,  0, trap_debug },
    { 3,  3, trap_int3 },
    { 4,  3, trap_overflow },
    { 5,  3, trap_bounds },
    { 6,  0, trap_invalid_op },
    { 7,  0, trap_device_not_available },
    { 9,  0, trap_coprocessor_overrun },
    { 10, 0, trap_invalid_tss },
    { 11, 0, trap_segment_not_present },
    { 12, 0, trap_stack_segment },
    { 13, 0, trap_general_protection },
    { 14, 0, trap_page_fault },
    { 16, 0, trap_coprocessor_error },
    { 17, 0, trap_alignment_check },
    { 18, 0, trap_machine_check },
    { 19, 0, trap_simd_error },
};
const unsigned int nr_exception_entries = ARRAY_SIZE(exception_entries);

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

    printk("\n*** exception %u: %s at eip 0x%08x (", regs->vector,
           exception_name(regs->vector), regs->eip);
    print_symbol(regs->eip);
    printk("), error code 0x%x\n", regs->error_code);
    if ( regs->vector == 14 )
    {
        printk("  cr2 0x%08lx (the address that faulted)\n",
               arch_fault_address());
        print_page_fault_cause(regs->error_code);
    }
    printk("  eax 0x%08x  ebx 0x%08x  ecx 0x%08x  edx 0x%08x\n",
           regs->eax, regs->ebx, regs->ecx, regs->edx);
    printk("  esi 0x%08x  edi 0x%08x  ebp 0x%08x  esp 0x%08x\n",
           regs->esi, regs->edi, regs->ebp,
           (uint32_t)(unsigned long)(&regs->eflags + 1));
    printk("  cs  0x%04x  eflags 0x%08x", regs->cs & 0xffff, regs->eflags);
    arch_describe_trap_frame(regs);
    printk("\n");
    backtrace_print_trap(regs->eip, (unsigned long)(&regs->eflags + 1),
                         regs->ebp);
    printk("tinypv: stopping after an exception (shutdown reason: crash)\n");
    shutdown(SHUTDOWN_crash);
}

/* --- faulting on purpose ------------------------------------------------- */

const char fault_kinds[] = "pagefault, divide, invalid, gp, stack, panic";

/*
 * A platform with kinds of its own provides both (PV: "failsafe"). These
 * weak defaults stand in for a platform that has none.
 */
__attribute__((weak)) const char arch_fault_kinds[] = "";

__attribute__((weak)) bool arch_trigger_fault(const char *kind)
{
    return false;
}

/*
 * Each fault has a function of its own, never inlined, so that the crash
 * report names it: the system tests look for these names.
 */
#define __noinline __attribute__((noinline, noclone))

static void __noinline fault_page(void)
{
    /* Nothing is mapped below VIRT_BASE; page 0 least of all. */
    unsigned long address = 16;

    asm ( "" : "+r" (address) );    /* hide the constant from the compiler */
    *(volatile uint32_t *)address = 0xdead;
}

static void __noinline fault_divide(void)
{
    asm volatile ( "xorl %%ecx, %%ecx; divl %%ecx" ::: "eax", "ecx", "edx" );
}

static void __noinline fault_invalid(void)
{
    asm volatile ( "ud2" );
}

/*
 * Recurse until the stack runs out. The guard page below it (PV: unmapped
 * at boot) stops the overflow before it reaches the image. stop_depth is
 * never reached; it keeps the compiler from seeing endless recursion.
 */
static volatile unsigned int stop_depth = ~0u;

static unsigned int overflow_stack(unsigned int depth)
{
    volatile uint8_t frame[512];

    frame[0] = (uint8_t)depth;
    if ( depth == stop_depth )
        return frame[0];
    return overflow_stack(depth + 1) + frame[0];
}

static void __noinline fault_stack(void)
{
    unsigned long esp;

    asm volatile ( "movl %%esp, %0" : "=r" (esp) );
    printk("crash stack: recursing from esp 0x%08lx; the stack is "
           "0x%08lx-0x%08lx\n", esp, (unsigned long)boot_stack,
           (unsigned long)boot_stack_top);
    console_flush();
    overflow_stack(0);
}

static void __noinline fault_gp(void)
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
    else if ( strcmp(kind, "stack") == 0 )
        fault_stack();
    else if ( strcmp(kind, "panic") == 0 )
        panic("crash requested");
    else if ( arch_trigger_fault(kind) )
        return true;            /* it reported why it did not stop */
    else
        return false;
    /* Not reached: every fault above ends in do_trap(). */
    panic("fault '%s' did not fault", kind);
}
