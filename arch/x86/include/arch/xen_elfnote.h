/*
 * xen_elfnote.h: assembler macros that write one Xen ELF note each, for
 * the images' note files (arch/x86/pv/xen_notes.S, arch/x86/pvh/xen_notes.S).
 */
#ifndef TINYPV_ARCH_XEN_ELFNOTE_H
#define TINYPV_ARCH_XEN_ELFNOTE_H

#ifdef __ASSEMBLY__

#include <xen/elfnote.h>

/*
 * One ELF note: name size, descriptor size, type, then the name "Xen" and
 * the descriptor, each padded to 4 bytes (the ELF note layout). The
 * descriptor is a string (xen_note_str) or a 32-bit number (xen_note_num).
 */
.macro xen_note_header type
        .balign 4
        .long   2f - 1f                 /* name size, with its NUL */
        .long   4f - 3f                 /* descriptor size */
        .long   \type
1:      .asciz  "Xen"
2:      .balign 4
3:
.endm

.macro xen_note_str type, text
        xen_note_header \type
        .asciz  "\text"
4:      .balign 4
.endm

.macro xen_note_num type, value
        xen_note_header \type
        .long   \value
4:      .balign 4
.endm

#endif /* __ASSEMBLY__ */

#endif /* TINYPV_ARCH_XEN_ELFNOTE_H */
