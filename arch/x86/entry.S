/*
 * entry.S: where Xen enters tinypv after boot: event upcalls, the
 * failsafe callback, and processor exceptions.
 *
 * tinypv runs only in ring 1 (the PV kernel ring), so every entry arrives
 * on the current stack with the frame Xen built for us:
 *
 *     [error code]   exceptions that have one (8, 10-14, 17)
 *     eip
 *     cs             bits 16-23: the event mask saved by Xen
 *     eflags         IF: the inverse of that saved mask
 */
#include <asm_macros.h>
#include <xen/xen.h>

/* ------------------------------------------------------------------------ */
/* Event upcall                                                             */
/* ------------------------------------------------------------------------ */

/*
 * Xen masks events (evtchn_upcall_mask = 1) when it enters the callback, so
 * the handler never nests. The way back is the hazard: unmask first and
 * another event could enter before we have left, nesting one more frame
 * each time; return first and an event that arrived meanwhile sits
 * unnoticed until the next one.
 *
 * HYPERVISOR_iret removes the hazard instead of patching around it (the
 * other classic answer is a "critical region" fix-up that recognises an
 * upcall landing between the unmask and the iret). Xen pops the frame,
 * restores the event mask from the saved eflags.IF in the same step, and
 * on its own way out delivers any event still pending, on a fresh frame at
 * the same stack depth. Nothing is lost and the stack never grows.
 *
 * Its stub in the hypercall page pushes %eax itself (it needs %eax for the
 * hypercall number) and Xen restores it from there, so we jump to it with
 * every register, %eax included, already restored.
 */
ENTRY(hypervisor_callback)
        pushl   %eax
        pushl   %ecx
        pushl   %edx
        cld
        call    do_hypervisor_callback  /* C preserves ebx, esi, edi, ebp */
        popl    %edx
        popl    %ecx
        popl    %eax
        jmp     hypercall_page + (__HYPERVISOR_iret * 32)
END(hypervisor_callback)

/*
 * Xen calls this if it could not load our segment registers while returning
 * to us. tinypv never changes them, so this means something is badly wrong.
 */
ENTRY(failsafe_callback)
        cld
        call    do_failsafe_callback    /* does not return */
1:      ud2
        jmp     1b
END(failsafe_callback)

/* ------------------------------------------------------------------------ */
/* Exceptions                                                               */
/* ------------------------------------------------------------------------ */

/*
 * Every stub leaves the same layout, so one C function can print it: an
 * error code (0 if the CPU gives none), the vector, then pushal's eight
 * registers. See struct cpu_regs in include/traps.h.
 */
.macro trap_no_errcode name, vector
ENTRY(\name)
        pushl   $0
        pushl   $\vector
        jmp     trap_common
END(\name)
.endm

.macro trap_with_errcode name, vector
ENTRY(\name)
        pushl   $\vector
        jmp     trap_common
END(\name)
.endm

trap_no_errcode     trap_divide_error,          0
trap_no_errcode     trap_debug,                 1
trap_no_errcode     trap_int3,                  3
trap_no_errcode     trap_overflow,              4
trap_no_errcode     trap_bounds,                5
trap_no_errcode     trap_invalid_op,            6
trap_no_errcode     trap_device_not_available,  7
trap_no_errcode     trap_coprocessor_overrun,   9
trap_with_errcode   trap_invalid_tss,           10
trap_with_errcode   trap_segment_not_present,   11
trap_with_errcode   trap_stack_segment,         12
trap_with_errcode   trap_general_protection,    13
trap_with_errcode   trap_page_fault,            14
trap_no_errcode     trap_coprocessor_error,     16
trap_with_errcode   trap_alignment_check,       17
trap_no_errcode     trap_machine_check,         18
trap_no_errcode     trap_simd_error,            19

trap_common:
        pushal
        cld
        pushl   %esp                    /* struct cpu_regs * */
        call    do_trap                 /* reports and shuts down */
1:      ud2
        jmp     1b
