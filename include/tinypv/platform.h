/*
 * platform.h: what each platform (arch/x86/pv, arch/x86/pvh, ...) provides.
 *
 * start_kernel() calls the numbered functions in order (9 through
 * mem_init()), and nothing above
 * them knows the platform; the rest say who calls them. docs/09-porting.md
 * has the whole list a port implements.
 */
#ifndef TINYPV_PLATFORM_H
#define TINYPV_PLATFORM_H

#include <tinypv/types.h>
#include <tinypv/boot_info.h>
#include <tinypv/page_alloc.h>

/* The trampoline's C entry hands over here, with the platform's raw data kept. */
void start_kernel(void) __noreturn;

/* --- called by start_kernel(), in this order ------------------------------ */

/* 1. Make hypercalls work (or stop the domain with a message). */
void arch_init_hypercalls(void);

/*
 * 2. The address space C is meant to run in: paging on where the platform
 * starts without it (PVH), and page 0 and the stack's guard page
 * (boot_stack_guard) unmapped, so that a NULL pointer or a stack overflow
 * faults. Says on the console if the guard could not be set.
 */
void arch_early_init(void);

/*
 * 3. Check the platform's boot record (or stop the domain as crashed) and
 * fill in what it says: bi->platform, loaded_via, cmdline, cmdline_max,
 * nr_pages (and whatever the platform keeps of it for later steps).
 */
void arch_read_boot_record(struct boot_info *bi);

/*
 * 4. Map shared_info and set the pointer to it (<tinypv/hypervisor.h>),
 * or stop the domain as crashed.
 */
void arch_map_shared_info(void);

/*
 * 5. Leave in shared_info what the toolstack reads to save or migrate a
 * running domain (PV: the P2M frame list; PVH: nothing). Says on the
 * console if it cannot: the domain then runs on, but cannot be saved.
 * arch_suspend() does it again in a new domain.
 */
void arch_prepare_save(void);

/* 6. Find the console and xenstore pages and their event channels. */
void arch_find_rings(struct boot_info *bi);

/* 7. Route exceptions to arch/x86/traps.c and event upcalls to events/. */
void arch_init_traps(void);

/* 8. For the banner, and for `info`: the platform's own boot data. */
void arch_print_boot_info(void);

/*
 * 9. Memory (mm/mem.c's mem_init() asks): make every RAM frame of the
 * domain reachable (PV: map it; PVH: the identity map already does) and
 * describe the frames in *layout. Says on the console what it could not
 * map.
 */
struct arch_mem_region {
    unsigned long first, count; /* frames [first, first + count) */
    enum page_owner owner;      /* who has them (taken regions) */
};
#define ARCH_MEM_MAX_RAM    32
#define ARCH_MEM_MAX_TAKEN  16
struct arch_mem_layout {
    unsigned long nr_frames;    /* frame numbers 0 .. nr_frames-1 */
    size_t nr_ram;              /* RAM the pool may use, mapped, lowest */
    struct arch_mem_region ram[ARCH_MEM_MAX_RAM];       /* first (no owner) */
    size_t nr_taken;            /* RAM in use before the allocator: the */
    struct arch_mem_region taken[ARCH_MEM_MAX_TAKEN];   /* image, tables... */
    unsigned long not_mapped;   /* RAM frames left out: could not be mapped */
};
void arch_mem_init(struct arch_mem_layout *layout);

/* Where a frame is mapped (NULL: it is not); valid from step 9 on. */
void *arch_pfn_to_virt(unsigned long pfn);

/* --- called from elsewhere ------------------------------------------------- */

/*
 * Output that does not need the console ring: printk() before it is found
 * and after it was abandoned as corrupt (console/console.c), and
 * early_printk() (kernel/printk.c). Where it goes depends on the platform
 * (and on the Xen build): see its implementation. It must work as soon as
 * step 1 has returned.
 */
void arch_early_write(const char *s, size_t n);

/*
 * Whether this platform can suspend the domain as it is: everything
 * arch_suspend() would otherwise find wrong after the request was
 * acknowledged. 0, or -errno after saying why on the console. Called
 * before the acknowledgement (kernel/suspend.c's suspend_check()), and
 * nothing it checks changes between then and arch_suspend().
 */
int arch_suspend_check(struct boot_info *bi);

/*
 * Suspend the domain for xl save / xl migrate (kernel/suspend.c calls it
 * after arch_suspend_check() said yes, with upcalls masked, the console
 * flushed and xenstore idle): do what the toolstack needs of this
 * platform, make the suspend hypercall, and on return have shared_info
 * mapped again (the pointer NULL while it is not) and, in a new domain,
 * bi's rings found again and arch_prepare_save()'s work redone. Returns
 * SUSPEND_NEW_DOMAIN (the hypercall's 0), SUSPEND_CANCELLED (its 1: the
 * same domain goes on), or Xen's -errno if it refused the hypercall:
 * nothing was suspended, the domain is as it was.
 */
#define SUSPEND_NEW_DOMAIN  0
#define SUSPEND_CANCELLED   1
int arch_suspend(struct boot_info *bi);

/*
 * Grant tables (grant/gnttab.c asks, after step 9): make frames 0 ..
 * nr_frames-1 of the domain's grant table reachable one after the other,
 * at an address returned in *table that stays the same for the domain's
 * life (PV: GNTTABOP_setup_table, the frames mapped at reserved pages;
 * PVH: XENMEM_add_to_physmap(XENMAPSPACE_grant_table) onto frames taken
 * from the allocator). 0, or -errno after saying on the console which
 * call failed and how.
 */
int arch_gnttab_map(unsigned int nr_frames, void **table);

/*
 * Before a suspend (kernel/suspend.c, upcalls masked): drop what the save
 * cannot carry (PV: the mappings of Xen's frames). After it, with the
 * console back: make the table reachable again at the same address (the
 * frames are new in a new domain; on PV they were unmapped in any case).
 * 0, or -errno after saying what failed.
 */
void arch_gnttab_suspend(void);
int arch_gnttab_resume(bool new_domain);

/* The frame a grant entry names for our page at va (PV: MFN; PVH: GFN); 0: none. */
unsigned long arch_gnttab_frame(const void *va);

/* For `gnttab`: where the table's frames are. */
void arch_gnttab_print(void);

/* For `info` (monitor/info.c): what the platform mapped where. */
void arch_print_mappings(void);

/*
 * The balloon (mm/balloon.c): frames between the domain and Xen.
 *
 * arch_balloon_give: frames pfns[0..n) are AWAY in the allocator (free
 * pages nobody holds); hand their memory back to Xen (PV: unmap each, mark
 * its P2M entry invalid, XENMEM_decrease_reservation by MFN; PVH: by GFN).
 * arch_balloon_reclaim: frames pfns[0..n) are AWAY; get memory for them
 * again (XENMEM_populate_physmap; PV: the M2P, the P2M and the mapping
 * too), so that they can go back to the pool.
 *
 * Both batch (n is up to a few hundred: one memory_op for all of them),
 * and both return how many were done: the frames done are moved to the
 * front of pfns, the others are as they were before the call. Each frame
 * Xen refused is said on the console with its number. Hypercalls and
 * errors are added to st.
 */
struct balloon_stats;
unsigned long arch_balloon_give(unsigned long *pfns, unsigned long n,
                                struct balloon_stats *st);
unsigned long arch_balloon_reclaim(unsigned long *pfns, unsigned long n,
                                   struct balloon_stats *st);

/*
 * For `walk ADDR`: how the page tables translate va, level by level (PV:
 * L3 -> L2 -> L1 -> MFN -> PFN; PVH: the page directory entry, then the
 * page table or the 4 MiB page -> GFN), ending in a line "walk: ADDR is
 * pfn|gfn 0xN + 0xOFFSET ..." or "walk: ADDR: why not".
 */
void arch_print_walk(unsigned long va);

/* For `stats`: what the platform asked of Xen's MMU (PV), or why nothing. */
void arch_print_mm_stats(void);

#endif /* TINYPV_PLATFORM_H */
