/*
 * asm_macros.h: small helpers shared by the assembly files.
 */
#ifndef TINYPV_ASM_MACROS_H
#define TINYPV_ASM_MACROS_H

#ifdef __ASSEMBLY__

#define PAGE_SIZE       0x1000
#define BOOT_STACK_SIZE 0x4000          /* 16 KiB: the only kernel stack */

/* A global symbol. */
#define GLOBAL(name)    \
        .globl name;    \
name:

/* A global function, with type and size for the debugger and `nm`. */
#define ENTRY(name)             \
        .globl name;            \
        .type name, @function;  \
name:

#define END(name)       \
        .size name, . - name

#endif /* __ASSEMBLY__ */

#endif /* TINYPV_ASM_MACROS_H */
