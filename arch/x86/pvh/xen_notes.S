/*
 * xen_notes.S: how Xen learns to boot tinypv as a PVH guest.
 *
 * For a PVH domain Xen's ELF loader (libelf) needs a single note,
 * XEN_ELFNOTE_PHYS32_ENTRY: its presence says "this kernel speaks the PVH
 * boot ABI" and its value is the physical address to start at. libelf then
 * skips the checks it makes of PV kernels (LOADER, XEN_VERSION), forces
 * VIRT_BASE and PADDR_OFFSET to 0 (paging is off at entry, so virtual and
 * physical addresses are one) and loads the segments at their physical
 * addresses. None of the PV notes (HYPERCALL_PAGE, PAE_MODE, ...) apply:
 * a PVH guest installs its hypercall page itself (hypercall.c).
 *
 * GUEST_OS and GUEST_VERSION are only informative (xl's log shows them).
 */
#include <arch/xen_elfnote.h>   /* the note types and xen_note_str/_num */

        .section .note.Xen, "a", @note

        xen_note_str XEN_ELFNOTE_GUEST_OS, "tinypv"
        xen_note_str XEN_ELFNOTE_GUEST_VERSION, TINYPV_VERSION

        /* The entry: a physical address, 32 bits, in flat protected mode. */
        xen_note_num XEN_ELFNOTE_PHYS32_ENTRY, _start
