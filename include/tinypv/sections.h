/*
 * sections.h: the image's boundaries, as linker.ld defines them.
 */
#ifndef TINYPV_SECTIONS_H
#define TINYPV_SECTIONS_H

extern char _text[], _etext[], _edata[], _bss_start[], _end[];

/* The one kernel stack, set up by the platform's trampoline. */
extern char boot_stack[], boot_stack_top[];

#endif /* TINYPV_SECTIONS_H */
