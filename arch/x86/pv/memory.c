/*
 * memory.c: the PV domain's frames, for the allocator (start_kernel()'s
 * step 9, arch_mem_init()).
 *
 * A PV domain's pseudo-physical frames are 0 .. nr_pages-1, with no holes
 * at boot, and frame n is reached at _text + n pages as far as Xen's
 * bootstrap mapping goes (<xen/xen.h>, "Start-of-day memory layout"):
 * the image, the P2M list, start_info, the xenstore and console pages, the
 * boot page tables, Xen's boot stack, then at least 512 KiB of padding.
 * Everything in it up to the padding is in use (taken); the padding is
 * free. Frames past the bootstrap mapping are RAM too, but not mapped
 * here: they are counted as not mapped.
 */
#include <tinypv/platform.h>
#include <tinypv/boot_info.h>
#include <tinypv/sections.h>
#include "pv.h"

/* The padding Xen maps after the last bootstrap element, at least. */
#define BOOTSTRAP_PADDING   (512 * 1024)

extern char boot_stack_guard[];

static unsigned long mapped_frames;

static unsigned long va_to_pfn(unsigned long va)
{
    return (va - (unsigned long)_text) / PAGE_SIZE;
}

static void add_taken(struct arch_mem_layout *l, unsigned long first_va,
                      unsigned long bytes, enum page_owner owner)
{
    struct arch_mem_region *t;

    if ( l->nr_taken == ARCH_MEM_MAX_TAKEN || !bytes )
        return;
    t = &l->taken[l->nr_taken++];
    t->first = va_to_pfn(first_va);
    t->count = va_to_pfn(first_va + bytes - 1) - t->first + 1;
    t->owner = owner;
}

void arch_mem_init(struct arch_mem_layout *l)
{
    const start_info_t *si = pv_start_info();
    unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;

    mapped_frames = va_to_pfn(pt_end) + BOOTSTRAP_PADDING / PAGE_SIZE;
    if ( mapped_frames > si->nr_pages )
        mapped_frames = si->nr_pages;

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
        l->taken[l->nr_taken++] = (struct arch_mem_region){
            boot_info->xenstore.pfn, 1, PAGE_OWNER_RING };
    if ( boot_info->console.present && boot_info->console.pfn != ~0UL )
        l->taken[l->nr_taken++] = (struct arch_mem_region){
            boot_info->console.pfn, 1, PAGE_OWNER_RING };
    add_taken(l, si->pt_base, si->nr_pt_frames * PAGE_SIZE,
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
