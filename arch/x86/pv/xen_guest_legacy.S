/*
 * xen_guest_legacy.S: how Xen learned to load a kernel before ELF notes.
 *
 * Old kernels carried one comma-separated string in a section named
 * __xen_guest. Xen still reads it, but only when the image has no Xen ELF
 * notes at all, so the legacy image (make XEN_METADATA=legacy) links this
 * object instead of xen_notes.S.
 *
 * The string's quirks, compared with the notes:
 *  - HYPERCALL_PAGE is a page NUMBER counted from VIRT_BASE, not an
 *    address: linker.ld pins the hypercall page at VIRT_BASE + 0x1000,
 *    hence 0x1.
 *  - PAE=yes alone promises that the top-level page table stays below
 *    4 GiB of machine memory, which a 64-bit Xen cannot guarantee: its
 *    domain builder then fails with "cannot move L3 below 4G". The
 *    [extended-cr3] suffix lifts that promise.
 *  - ELF_PADDR_OFFSET would default to VIRT_BASE here (the notes default
 *    to 0); we state it anyway, as in the notes.
 *  - The entry point is the ELF header's e_entry (_start).
 */
        .section __xen_guest, "", @progbits
        .ascii  "GUEST_OS=tinypv"
        .ascii  ",GUEST_VER=", TINYPV_VERSION
        .ascii  ",XEN_VER=xen-3.0"
        .ascii  ",LOADER=generic"
        .ascii  ",VIRT_BASE=0xC0000000"
        .ascii  ",ELF_PADDR_OFFSET=0xC0000000"
        .ascii  ",HYPERCALL_PAGE=0x1"
        .ascii  ",PAE=yes[extended-cr3]"
        .byte   0

        .section .rodata
        .globl  xen_metadata_kind
xen_metadata_kind:
        .asciz  "legacy __xen_guest string"
