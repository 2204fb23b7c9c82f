/*
 * traps.h: processor exceptions. Every one is fatal: arch/x86/traps.c
 * reports it the same way on every platform; the entry differs (PV: a trap
 * table given to Xen; PVH: an IDT). docs/04-events.md, docs/oops.md.
 */
#ifndef TINYPV_ARCH_TRAPS_H
#define TINYPV_ARCH_TRAPS_H

#include <tinypv/types.h>
#include <tinypv/crash.h>

/* The stack as arch/x86/exceptions.S leaves it for do_trap(). */
struct cpu_regs {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;    /* pushal */
    uint32_t vector;
    uint32_t error_code;
    uint32_t eip, cs, eflags;                           /* pushed on entry */
};

/* One exception vector and its stub in exceptions.S. */
struct exception_entry {
    uint8_t vector;
    uint8_t dpl;                /* lowest ring allowed to raise it by `int` */
    void (*stub)(void);
};
extern const struct exception_entry exception_entries[];
extern const unsigned int nr_exception_entries;

/* The stubs (exceptions.S). */
void trap_divide_error(void), trap_debug(void), trap_int3(void);
void trap_overflow(void), trap_bounds(void), trap_invalid_op(void);
void trap_device_not_available(void), trap_coprocessor_overrun(void);
void trap_invalid_tss(void), trap_segment_not_present(void);
void trap_stack_segment(void), trap_general_protection(void);
void trap_page_fault(void), trap_coprocessor_error(void);
void trap_alignment_check(void), trap_machine_check(void);
void trap_simd_error(void);

/* Provided by the platform: anything it adds to the cs/eflags line. */
void arch_describe_trap_frame(const struct cpu_regs *regs);

/* Provided by the platform: the address of the last page fault (cr2). */
unsigned long arch_fault_address(void);

/*
 * The platform's part of trigger_fault() (<tinypv/crash.h>): its own kinds,
 * listed in arch_fault_kinds, tried after the architecture's. Returns
 * false for a kind it does not know.
 */
bool arch_trigger_fault(const char *kind);

#endif /* TINYPV_ARCH_TRAPS_H */
