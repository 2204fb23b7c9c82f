/*
 * boot.S: the first instructions tinypv runs.
 *
 * Xen's domain builder has already done what a bootloader and early boot
 * code would do on bare metal: the image is loaded at its link address,
 * paging is on (Xen built the bootstrap page tables), segments are flat,
 * and event delivery is masked. Xen enters here in ring 1 with:
 *
 *     %esi = virtual address of the start_info page
 *     %esp = a bootstrap stack inside Xen's initial mapping
 *
 * All that is left is a stack of our own and a jump into C.
 */
#include <arch/asm_macros.h>

        .section .text.head, "ax"
        .code32

ENTRY(_start)
        cld                             /* the C ABI expects DF clear */
        movl    $boot_stack_top, %esp
        xorl    %ebp, %ebp              /* ends stack back-traces here */
        pushl   %esi                    /* pv_entry(start_info) */
        call    pv_entry

        /* pv_entry never returns; if it did, fault loudly. */
1:      ud2
        jmp     1b
END(_start)
