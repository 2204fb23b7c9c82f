/*
 * boot.S: the first instructions a PVH tinypv runs.
 *
 * A PVH domain has no bootloader: Xen's domain builder loads the ELF
 * image at its physical addresses (1 MiB, see the Makefile's LOAD_BASE)
 * and starts vCPU 0 at the address in the XEN_ELFNOTE_PHYS32_ENTRY note
 * (xen_notes.S). The machine state is fixed by Xen's docs/misc/pvh.pandoc:
 *
 *     32-bit flat protected mode: CR0.PE only, paging off, CR4 = 0
 *     cs, ds, es, ss flat 4 GiB segments (selectors unspecified)
 *     EFLAGS.IF clear: no interrupts until we say so
 *     %ebx = the physical address of struct hvm_start_info
 *     everything else unspecified: no stack, no GDT we may rely on
 *
 * So unlike the PV trampoline, this one needs its own GDT before anything
 * touches a segment register, then a stack, then C. That is all it does:
 * paging is turned on (identity-mapped) in C, as start_kernel()'s step 2
 * (arch_early_init(); mm.c says why paging at all, pvh_entry() why C may
 * run before it).
 */
#include <arch/asm_macros.h>
#include "pvh_segments.h"

        .section .text.head, "ax"
        .code32

ENTRY(_start)
        /*
         * Xen's GDT is in memory we do not own and may overwrite: load
         * ours, then reload every segment register from it (a far jump for
         * cs) so that no hidden descriptor from Xen's table stays in use.
         */
        lgdt    boot_gdt_desc
        ljmp    $PVH_KERNEL_CS, $1f
1:      movl    $PVH_KERNEL_DS, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %ss
        movl    %eax, %fs
        movl    %eax, %gs

        movl    $boot_stack_top, %esp
        cld                             /* the C ABI expects DF clear */
        xorl    %ebp, %ebp              /* ends stack back-traces here */
        pushl   %ebx                    /* pvh_entry(hvm_start_info paddr) */
        call    pvh_entry

        /* pvh_entry never returns; if it did, fault loudly. */
2:      ud2
        jmp     2b
END(_start)

        /*
         * Flat 4 GiB segments, ring 0. The accessed bits are preset so
         * that the CPU never needs to write to this table.
         */
        .section .rodata
        .balign 8
boot_gdt:
        .quad   0                       /* the null descriptor */
        .quad   0x00cf9b000000ffff      /* PVH_KERNEL_CS: code, 32-bit, 4 KiB granular */
        .quad   0x00cf93000000ffff      /* PVH_KERNEL_DS: data, read/write */
boot_gdt_end:

boot_gdt_desc:
        .word   boot_gdt_end - boot_gdt - 1
        .long   boot_gdt
