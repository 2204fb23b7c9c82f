/*
 * pvh_segments.h: the selectors of the PVH trampoline's GDT (boot.S),
 * shared by the assembly and the IDT code.
 */
#ifndef TINYPV_ARCH_PVH_SEGMENTS_H
#define TINYPV_ARCH_PVH_SEGMENTS_H

#define PVH_KERNEL_CS   0x08
#define PVH_KERNEL_DS   0x10

#endif /* TINYPV_ARCH_PVH_SEGMENTS_H */
