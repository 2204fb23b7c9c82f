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
 *
 * A domain created below its maximum (xl's maxmem above memory) may grow
 * later, but Xen's builder knew only nr_pages frames: its P2M list has
 * nr_pages entries, and no frame past them exists for us. So when
 * XENMEM_maximum_reservation (less libxl's 1 MiB of slack) is above
 * nr_pages, frames nr_pages .. that maximum - 1 are made to exist,
 * without memory:
 *
 *   - the linear map gives them L1 tables with empty entries (the
 *     balloon's update_va_mapping needs a table to write into);
 *   - a P2M list long enough for them replaces the builder's (frames
 *     right after the linear map's tables; the old entries copied, the
 *     new ones INVALID_P2M_ENTRY, a hole to the save code) and is
 *     published again, so that shared_info's max_pfn is the new length;
 *   - they are reported away: the allocator manages them, never hands
 *     them out, and the balloon fills them with populate_physmap.
 *
 * The builder's list stays taken (a few pages; start_info still names
 * it). After a restore the toolstack writes the new domain's P2M into
 * our list and sets nr_pages to its length; mm_init() keeps using it.
 */
#include <tinypv/platform.h>
#include <tinypv/boot_info.h>
#include <tinypv/sections.h>
#include <tinypv/shutdown.h>
#include <tinypv/printk.h>
#include <tinypv/hypervisor.h>
#include <tinypv/hypercall.h>
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

/*
 * libxl sets Xen's maximum to maxmem plus 1 MiB (LIBXL_MAXMEM_CONSTANT):
 * slack for the toolstack, not memory the domain was promised. The room
 * made for growing stops short of it, so a domain at its maxmem cannot
 * creep 1 MiB past it on a target above.
 */
#define TOOLSTACK_SLACK_FRAMES  ((1024 * 1024) / PAGE_SIZE)

/* The frames the domain may grow to: Xen's maximum less the slack. */
static unsigned long maximum_frames(unsigned long nr_pages)
{
    domid_t self = DOMID_SELF;
    long max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);

    if ( max < 0 )
        printk("pv: Xen does not tell the domain's maximum (error %ld); the "
               "balloon grows no higher than the boot size\n", max);
    if ( max <= 0 || (unsigned long)max <= nr_pages + TOOLSTACK_SLACK_FRAMES )
        return nr_pages;
    return (unsigned long)max - TOOLSTACK_SLACK_FRAMES;
}

/*
 * Frames [nr_pages, tables_end) have tables but no memory: give them P2M
 * entries in a list at frame next_free (mapped, with memory: below
 * populated), and report them away. Returns the frames that exist now:
 * tables_end, or nr_pages if the list could not be made (said why).
 */
static unsigned long grow_p2m(struct arch_mem_layout *l, unsigned long nr_pages,
                              unsigned long next_free, unsigned long populated,
                              unsigned long tables_end)
{
    unsigned long pages = (tables_end * sizeof(xen_pfn_t) + PAGE_SIZE - 1) /
                          PAGE_SIZE;
    const char *problem;

    if ( tables_end <= nr_pages || populated < nr_pages )
        return nr_pages;
    if ( next_free + pages > populated )
        problem = "no room for the longer P2M list after the page tables";
    else
        problem = mm_p2m_grow((xen_pfn_t *)arch_pfn_to_virt(next_free),
                              tables_end);
    if ( problem )
    {
        printk("pv: the P2M cannot grow to %lu entries (%s); the balloon "
               "grows no higher than the boot size\n", tables_end, problem);
        return nr_pages;
    }
    add_taken_frames(l, next_free, pages, PAGE_OWNER_P2M);
    problem = mm_publish_p2m(shared_info);
    if ( problem )
        printk("mm: the P2M is not published (%s); xl save and xl migrate "
               "will not work\n", problem);
    l->away[0] = (struct arch_mem_region){ nr_pages, tables_end - nr_pages,
                                           PAGE_OWNER_NONE };
    l->nr_away = 1;
    printk("pv: P2M list grown to %lu entries (Xen's maximum) in %lu pages "
           "at frame 0x%lx; frames 0x%lx-0x%lx have no memory yet\n",
           tables_end, pages, next_free, nr_pages, tables_end - 1);
    return tables_end;
}

void arch_mem_init(struct arch_mem_layout *l)
{
    const start_info_t *si = pv_start_info();
    unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
    unsigned long bootstrap = bootstrap_frames(va_to_pfn(pt_end),
                                               si->nr_pages);
    unsigned long tables_end, frames;
    struct linear_map_info lm;

    mapped_frames = bootstrap;
    tables_end = pv_linear_map_build(bootstrap, va_to_pfn(pt_end),
                                     si->nr_pages,
                                     maximum_frames(si->nr_pages));
    pv_linear_map_info(&lm);
    /* Frames with memory are mapped up to here; reachable up to frames. */
    mapped_frames = lm.populated_frames;
    frames = grow_p2m(l, si->nr_pages,
                      va_to_pfn(pt_end) + pv_linear_map_tables(),
                      lm.populated_frames, tables_end);
    if ( frames > si->nr_pages )
        mapped_frames = frames;

    l->nr_frames = frames;
    l->nr_ram = 1;
    l->ram[0] = (struct arch_mem_region){ 0, lm.populated_frames,
                                          PAGE_OWNER_NONE };
    l->not_mapped = si->nr_pages - lm.populated_frames;

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
