/*
 * memory.c: the PV domain's frames, for the allocator (start_kernel()'s
 * step 9, arch_mem_init()).
 *
 * A PV domain's pseudo-physical frames are 0 .. nr_pages-1, with no holes
 * at boot, and frame n is reached at _text + n pages: as far as Xen's
 * bootstrap mapping goes (<xen/xen.h>, "Start-of-day memory layout"),
 * Xen's builder mapped it: the image, the P2M list, start_info, the
 * xenstore and console pages, the boot page tables, Xen's boot stack (not
 * ours: boot.S switched), then at least 512 KiB of padding, up to a 4 MiB
 * boundary. Everything in it up to the page tables is in use (taken); the
 * rest is free. linear_map.c maps the frames past it, up to the hypervisor
 * hole, with L1 tables taken from the first free frames (taken as page
 * tables here). Frames past the hole are counted as not mapped.
 */
#include <tinypv/platform.h>
#include <tinypv/boot_info.h>
#include <tinypv/sections.h>
#include <tinypv/shutdown.h>
#include <tinypv/printk.h>
#include "pv.h"
#include "mm.h"

/* The padding Xen maps after the last bootstrap element, at least. */
#define BOOTSTRAP_PADDING   (512 * 1024)

extern char boot_stack_guard[];

static unsigned long mapped_frames;

static unsigned long va_to_pfn(unsigned long va)
{
    return (va - (unsigned long)_text) / PAGE_SIZE;
}

/*
 * The list has room for every region this file names: running out is a
 * bug here, and a region left out would be handed out while in use.
 */
static void add_taken_frames(struct arch_mem_layout *l, unsigned long first,
                             unsigned long count, enum page_owner owner)
{
    if ( l->nr_taken == ARCH_MEM_MAX_TAKEN )
        panic("mem: more than %u taken regions (ARCH_MEM_MAX_TAKEN)",
              ARCH_MEM_MAX_TAKEN);
    l->taken[l->nr_taken++] = (struct arch_mem_region){ first, count, owner };
}

static void add_taken(struct arch_mem_layout *l, unsigned long first_va,
                      unsigned long bytes, enum page_owner owner)
{
    unsigned long first = va_to_pfn(first_va);

    if ( bytes )
        add_taken_frames(l, first, va_to_pfn(first_va + bytes - 1) - first + 1,
                         owner);
}

/* Frames per 4 MiB: the bootstrap mapping ends on such a boundary. */
#define BOOTSTRAP_ALIGN     ((4 * 1024 * 1024) / PAGE_SIZE)

/*
 * How far the bootstrap mapping goes, in frames: at least 512 KiB past
 * the page tables, and on a 4 MiB boundary, so at least up to the first
 * such boundary 512 KiB past them. That is checked (the walk of its last
 * frame must give that frame's MFN); if it does not hold, only the
 * guaranteed 512 KiB are used.
 */
static unsigned long bootstrap_frames(unsigned long pt_end_pfn,
                                      unsigned long nr_pages)
{
    unsigned long guaranteed = pt_end_pfn + BOOTSTRAP_PADDING / PAGE_SIZE;
    unsigned long end = (guaranteed + BOOTSTRAP_ALIGN - 1) /
                        BOOTSTRAP_ALIGN * BOOTSTRAP_ALIGN;

    if ( end > nr_pages )
        end = nr_pages;
    if ( guaranteed > nr_pages )
        guaranteed = nr_pages;
    /* The walk reads the page tables through arch_pfn_to_virt(). */
    mapped_frames = guaranteed;
    if ( end > guaranteed && !pv_frame_mapped(end - 1) )
    {
        printk("pv: the bootstrap mapping does not reach frame 0x%lx (a 4 "
               "MiB boundary); using the 512 KiB Xen guarantees\n", end - 1);
        return guaranteed;
    }
    return end;
}

void arch_mem_init(struct arch_mem_layout *l)
{
    const start_info_t *si = pv_start_info();
    unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
    unsigned long bootstrap = bootstrap_frames(va_to_pfn(pt_end),
                                               si->nr_pages);

    mapped_frames = bootstrap;
    mapped_frames = pv_linear_map_build(bootstrap, va_to_pfn(pt_end),
                                        si->nr_pages);

    l->nr_frames = si->nr_pages;
    l->nr_ram = 1;
    l->ram[0] = (struct arch_mem_region){ 0, mapped_frames, PAGE_OWNER_NONE };
    l->not_mapped = si->nr_pages - mapped_frames;

    /* The stack before the image: take_region() keeps the first owner. */
    add_taken(l, (unsigned long)boot_stack_guard,
              (unsigned long)boot_stack_top - (unsigned long)boot_stack_guard,
              PAGE_OWNER_STACK);
    add_taken(l, (unsigned long)_text,
              (unsigned long)_end - (unsigned long)_text, PAGE_OWNER_IMAGE);
    add_taken(l, si->mfn_list, si->nr_pages * sizeof(xen_pfn_t),
              PAGE_OWNER_P2M);
    add_taken(l, (unsigned long)si, PAGE_SIZE, PAGE_OWNER_BOOT);
    if ( boot_info->xenstore.present && boot_info->xenstore.pfn != ~0UL )
        add_taken_frames(l, boot_info->xenstore.pfn, 1, PAGE_OWNER_RING);
    if ( boot_info->console.present && boot_info->console.pfn != ~0UL )
        add_taken_frames(l, boot_info->console.pfn, 1, PAGE_OWNER_RING);
    add_taken(l, si->pt_base, si->nr_pt_frames * PAGE_SIZE,
              PAGE_OWNER_PAGETABLE);
    /* The linear map's own L1 tables, right after Xen's. */
    add_taken(l, pt_end, pv_linear_map_tables() * PAGE_SIZE,
              PAGE_OWNER_PAGETABLE);
    /* Whatever else lies between the image and the page tables' end. */
    add_taken(l, (unsigned long)_end, pt_end - (unsigned long)_end,
              PAGE_OWNER_BOOT);
}

void *arch_pfn_to_virt(unsigned long pfn)
{
    if ( pfn >= mapped_frames )
        return NULL;
    return _text + pfn * PAGE_SIZE;
}
