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
 * nr_pages entries, and no frame past them exists for us. How far the
 * domain may grow is known only once xenstore is up (memory/static-max:
 * Xen's own maximum is the boot size plus libxl's slack until the first
 * xl mem-set). So the allocator is built with room (frame numbers up to
 * ten times the boot size, absent), and when the balloon has read the
 * maximum, arch_balloon_room() makes frames nr_pages .. maximum-1 exist,
 * without memory: L1 tables for them with empty entries (the balloon's
 * update_va_mapping needs a table to write into), a P2M list long enough
 * for them in place of the builder's (the new entries INVALID_P2M_ENTRY,
 * holes to the save code), published again, and the AWAY state in the
 * allocator, so that the balloon fills them with populate_physmap. The
 * builder's list stays taken (start_info still names it). After a
 * restore the toolstack writes the new domain's P2M into our list and
 * sets nr_pages to its length; mm_init() keeps using it.
 */
#include <tinypv/platform.h>
#include <tinypv/boot_info.h>
#include <tinypv/sections.h>
#include <tinypv/shutdown.h>
#include <tinypv/printk.h>
#include <tinypv/hypervisor.h>
#include <tinypv/mm.h>
#include "pv.h"
#include "pagetable.h"
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
 * How many frame numbers the allocator gets: the RAM, and room for the
 * domain to grow, which is known only later (xenstore's memory/static-max,
 * read by the balloon). Ten times the boot size (the ratio Linux allows
 * its PV extra memory too), within the kernel window: metadata of about
 * 1.25 bytes a frame, 50 KiB for a 16 MiB domain.
 */
#define ROOM_RATIO  10

static unsigned long room_frames(unsigned long nr_pages, unsigned long window,
                                 unsigned long populated)
{
    unsigned long room = nr_pages <= window / ROOM_RATIO ?
                         nr_pages * ROOM_RATIO : window;

    /* Some RAM is not mapped: the domain has all it can reach already. */
    if ( populated < nr_pages || room < nr_pages )
        return nr_pages;
    return room;
}

static unsigned long nr_room;       /* frame numbers the allocator has */
static unsigned long ram_tables_end; /* frames the boot's tables cover */

void arch_mem_init(struct arch_mem_layout *l)
{
    const start_info_t *si = pv_start_info();
    unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
    unsigned long bootstrap = bootstrap_frames(va_to_pfn(pt_end),
                                               si->nr_pages);
    struct linear_map_info lm;

    mapped_frames = bootstrap;
    mapped_frames = pv_linear_map_build(bootstrap, va_to_pfn(pt_end),
                                        si->nr_pages, si->nr_pages);
    pv_linear_map_info(&lm);
    ram_tables_end = mapped_frames;
    nr_room = room_frames(si->nr_pages, lm.window_frames, mapped_frames);

    l->nr_frames = nr_room;
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

/* The lowest run of n free frames (mapped RAM); false if none. */
static bool find_free_run(unsigned long n, unsigned long *first)
{
    struct page_alloc *pa = mem_allocator();
    unsigned long run = 0;

    for ( unsigned long pfn = 0; pfn < ram_tables_end; pfn++ )
    {
        run = page_alloc_state(pa, pfn, NULL) == PAGE_FREE ? run + 1 : 0;
        if ( run == n )
        {
            *first = pfn + 1 - n;
            return true;
        }
    }
    return false;
}

/*
 * Frames [nr_pages, want) come to exist, without memory: the linear
 * map's tables for them (empty entries: the balloon maps each frame it
 * fills), a P2M list long enough for them (the old entries copied, the
 * new ones holes, published again: shared_info's max_pfn is the new
 * length), and the allocator's AWAY state. The tables and the list take
 * one run of free frames.
 */
unsigned long arch_balloon_room(unsigned long want)
{
    const start_info_t *si = pv_start_info();
    unsigned long nr = mm_p2m_entries(), start, tables, list_pages, first;
    unsigned long hooked;
    const char *problem;

    if ( want <= nr || !mem_ready() )
        return nr;
    if ( nr != si->nr_pages )       /* grown already, or no P2M at all */
        return nr > si->nr_pages ? nr : si->nr_pages;
    if ( want > nr_room )
    {
        printk("pv: maxmem is %lu KiB, the allocator has frames for %lu KiB "
               "(%u times the boot size, within the kernel window): the "
               "balloon grows to that\n", want * (PAGE_SIZE / 1024),
               nr_room * (PAGE_SIZE / 1024), ROOM_RATIO);
        want = nr_room;
        if ( want <= nr )
            return nr;
    }
    /* The last table of the RAM covers up to its 2 MiB boundary. */
    start = (ram_tables_end + PAE_ENTRIES - 1) / PAE_ENTRIES * PAE_ENTRIES;
    tables = want > start ? pv_l1_tables_for(start, want) : 0;
    list_pages = (want * sizeof(xen_pfn_t) + PAGE_SIZE - 1) / PAGE_SIZE;
    if ( !find_free_run(tables + list_pages, &first) )
    {
        printk("pv: no %lu free pages in a row for the page tables and the "
               "P2M list of frames up to 0x%lx; the balloon grows no higher "
               "than the boot size\n", tables + list_pages, want - 1);
        return nr;
    }
    if ( tables )
        page_alloc_take(mem_allocator(), first, tables, PAGE_OWNER_PAGETABLE);
    page_alloc_take(mem_allocator(), first + tables, list_pages,
                    PAGE_OWNER_P2M);
    if ( tables )
    {
        hooked = pv_linear_map_extend(first, tables, start, want);
        if ( hooked < tables )
            want = start + hooked * PAE_ENTRIES;   /* said why */
        if ( want <= nr )
            return nr;
    }
    problem = mm_p2m_grow((xen_pfn_t *)arch_pfn_to_virt(first + tables), want);
    if ( problem )
    {
        printk("pv: the P2M cannot grow to %lu entries (%s); the balloon "
               "grows no higher than the boot size\n", want, problem);
        return nr;
    }
    problem = mm_publish_p2m(shared_info);
    if ( problem )
        printk("mm: the P2M is not published (%s); xl save and xl migrate "
               "will not work\n", problem);
    mapped_frames = want;
    page_alloc_add_away(mem_allocator(), nr, want - nr);
    printk("pv: room to grow: frames 0x%lx-0x%lx (%lu KiB) exist now with no "
           "memory (%lu L1 tables, a P2M list of %lu pages at frame 0x%lx)\n",
           nr, want - 1, (want - nr) * (PAGE_SIZE / 1024), tables,
           list_pages, first + tables);
    return want;
}
