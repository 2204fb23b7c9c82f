/*
 * boot_stack.S: the kernel's one stack, and the guard page below it.
 *
 * Every platform's trampoline loads boot_stack_top into %esp. The page
 * below the stack is taken out of the address space at boot (PV:
 * arch/x86/pv/setup.c unmaps it; PVH: arch/x86/pvh/mm.c leaves it out of
 * the identity map), so a stack that outgrows BOOT_STACK_SIZE faults there
 * instead of overwriting whatever the linker put below it.
 */
#include <arch/asm_macros.h>

        .section .bss.page_aligned, "aw", @nobits
        .balign PAGE_SIZE
GLOBAL(boot_stack_guard)
        .skip   PAGE_SIZE
GLOBAL(boot_stack)
        .skip   BOOT_STACK_SIZE
GLOBAL(boot_stack_top)
