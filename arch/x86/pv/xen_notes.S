/*
 * xen_notes.S: how Xen learns to load tinypv (the modern way).
 *
 * Xen's ELF loader (libelf) reads notes of owner "Xen" from the image's
 * PT_NOTE segment before loading anything. Each note is a (type, value)
 * pair; the types are defined in Xen's public <xen/elfnote.h>.
 *
 * When these notes are present Xen ignores any legacy __xen_guest string,
 * so this object and xen_guest_legacy.S are never linked together.
 */
#include <arch/xen_elfnote.h>   /* the note types and xen_note_str/_num */

        .section .note.Xen, "a", @note

        /* Who we are; Xen only prints these. */
        xen_note_str XEN_ELFNOTE_GUEST_OS, "tinypv"
        xen_note_str XEN_ELFNOTE_GUEST_VERSION, TINYPV_VERSION

        /* The PV ABI we speak: "xen-3.0" is the only one there ever was. */
        xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"

        /* Load the ELF as it is (the only loader Xen offers non-Linux guests). */
        xen_note_str XEN_ELFNOTE_LOADER, "generic"

        /*
         * 64-bit Xen runs 32-bit PV guests only with PAE paging. In a note
         * "yes" also tells Xen our top-level page table (the PAE L3) may sit
         * above 4 GiB of machine memory ("extended-cr3").
         */
        xen_note_str XEN_ELFNOTE_PAE_MODE, "yes"

        /*
         * Addresses. The image is linked with physical == virtual addresses
         * (linker.ld), so PADDR_OFFSET equals VIRT_BASE and Xen computes a
         * zero displacement between the two.
         */
        xen_note_num XEN_ELFNOTE_VIRT_BASE, VIRT_BASE
        xen_note_num XEN_ELFNOTE_PADDR_OFFSET, VIRT_BASE
        xen_note_num XEN_ELFNOTE_ENTRY, _start
        xen_note_num XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page

        /*
         * No FEATURES note: tinypv needs none of the optional PV features
         * (writable page tables, auto-translated physmap, ...), and the
         * PAE note above already covers "pae_pgdir_above_4gb".
         */

        .section .rodata
        .globl  xen_metadata_kind
xen_metadata_kind:
        .asciz  "ELF notes"
