/*
 * exceptions.S: the first instructions of every processor exception.
 *
 * On every platform tinypv runs in its kernel ring with no stack switch
 * (ring 1 under PV, ring 0 under PVH), so an exception arrives on the
 * current stack with the frame the CPU (or Xen, for PV) pushed:
 *
 *     [error code]   exceptions that have one (8, 10-14, 17)
 *     eip
 *     cs
 *     eflags
 */
#include <arch/asm_macros.h>

/*
 * Every stub leaves the same layout, so one C function can print it: an
 * error code (0 if the CPU gives none), the vector, then pushal's eight
 * registers. See struct cpu_regs in <arch/traps.h>.
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
