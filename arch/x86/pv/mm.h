/*
 * mm.h: the few memory-management services the PV platform needs.
 *
 * tinypv starts in the bootstrap mapping Xen made (the image, start_info,
 * the page-frame list, the console and xenstore pages, the page tables
 * themselves), changes single entries with HYPERVISOR_update_va_mapping
 * when it must map a page Xen gave it by machine frame number, and maps
 * the rest of its frames with L1 tables of its own (linear_map.c).
 */
#ifndef TINYPV_ARCH_PV_MM_H
#define TINYPV_ARCH_PV_MM_H

#include <tinypv/types.h>
#include <tinypv/sections.h>
#include <xen/xen.h>

/* How a machine frame of ours was found in our address space. */
struct page_lookup {
    xen_pfn_t mfn;          /* machine frame number, as Xen gave it */
    unsigned long pfn;      /* pseudo-physical frame, from the M2P table */
    void *va;               /* where we can reach it */
    bool remapped;          /* true: not in the bootstrap mapping, remapped */
};

/* Learn where Xen put the machine-to-phys table (XENMEM_machphys_mapping). */
void mm_init(const start_info_t *si);

/*
 * Map the shared_info page at a reserved page of the image, and point
 * shared_info (<tinypv/hypervisor.h>) at it; stops the domain if Xen
 * refuses.
 */
void map_shared_info(unsigned long machine_addr);

/*
 * Find one of our own pages named by machine frame number (console ring,
 * xenstore ring): M2P gives the pseudo-physical frame, the p2m list in
 * start_info confirms it, and the bootstrap mapping gives its address. If
 * any step disagrees, map the frame at spare_page instead. Returns false
 * only if even that failed.
 */
bool find_own_page(xen_pfn_t mfn, void *spare_page, struct page_lookup *out);

/*
 * Change the mapping of one page of the image (in the bootstrap mapping):
 * read-only (writable = false) or writable again; or no mapping at all.
 * 0 or Xen's error.
 */
long mm_protect_own_page(void *va, bool writable);
long mm_unmap_own_page(void *va);

/*
 * Map machine frame mfn (not necessarily ours: Xen's grant-table frames)
 * writable at the page va of the image, in place of its own page. 0 or
 * Xen's error; mm_unmap_own_page() undoes it.
 */
long mm_map_frame(void *va, xen_pfn_t mfn);

/* Undo map_shared_info(): the page-table entry empty, shared_info NULL. */
void unmap_shared_info(void);

/* Our pseudo-physical frame of a machine frame (M2P, checked); -1: not ours. */
long mm_mfn_to_pfn(xen_pfn_t mfn);

/*
 * The machine frame of a page of ours, from the P2M list mm_init()
 * accepted; 0: not one of ours, or the list was refused.
 */
xen_pfn_t mm_virt_to_mfn(const void *va);

/*
 * The balloon's access to the P2M list mm_init() accepted: an entry
 * (INVALID_P2M_ENTRY for a hole, a frame past nr_pages or a refused
 * list), and a new value for it (false: no list, or pfn past nr_pages).
 */
xen_pfn_t mm_p2m_get(unsigned long pfn);
bool mm_p2m_set(unsigned long pfn, xen_pfn_t mfn);

/* The page-table entry that maps machine frame mfn writable for the kernel. */
uint64_t mm_kernel_pte(xen_pfn_t mfn);

/*
 * Publish our P2M for the toolstack's save code: build the frame list
 * (the MFNs of the P2M's pages) and the frame list list (the MFN of that
 * list), and store it and the number of entries in shared_info->arch.
 * Needed before any save starts (a live migration reads it while the
 * domain still runs) and again after a restore, where every MFN is new.
 * Returns NULL, or why it was not published (the list was refused by
 * mm_init(), ...): shared_info is then untouched, and the caller says so.
 */
const char *mm_publish_p2m(shared_info_t *s);

/*
 * The frame behind pseudo-physical frame pfn, from the checked P2M list;
 * 0 if pfn is past nr_pages or the list was refused. (Not checked
 * further: the caller decides what an INVALID_P2M_ENTRY means to it.)
 */
xen_pfn_t mm_pfn_to_mfn(unsigned long pfn);

/*
 * m2p[mfn], if that entry lies inside Xen's table (XENMEM_machphys_mapping);
 * false otherwise. Only for frames of ours: the table has holes.
 */
bool mm_m2p_read(xen_pfn_t mfn, unsigned long *pfn);

/* HYPERVISOR_update_va_mapping, counted (every PV caller goes through it). */
long mm_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags);

/*
 * What the PV platform asked of Xen's MMU, for `stats`: hypercalls, and
 * the requests in them that Xen completed.
 */
struct mmu_counters {
    unsigned long mmu_update_calls, mmu_update_entries;
    unsigned long mmuext_calls, mmuext_ops;
    unsigned long update_va_mapping;
};
extern struct mmu_counters mmu_counters;

/*
 * linear_map.c: map frames [mapped, nr_pages) (as far as the kernel
 * window goes) at _text + pfn pages, with L1 tables taken from the frames
 * at next_free on (free, mapped, below mapped). Returns the frames mapped
 * now, from 0: at least mapped. pv_linear_map_tables() says how many
 * frames from next_free on became page tables (whether or not all could
 * be hooked in: they are not free either way). Says on the console what
 * it could not map and why.
 */
unsigned long pv_linear_map_build(unsigned long mapped, unsigned long next_free,
                                  unsigned long nr_pages);
unsigned long pv_linear_map_tables(void);

/* What the build did, for `stats` and `mem`. */
struct linear_map_info {
    unsigned long bootstrap_frames;     /* mapped by Xen's builder */
    unsigned long mapped_frames;        /* mapped now, from 0 */
    unsigned long window_frames;        /* what the kernel window holds */
    unsigned long first_table, tables;  /* new L1 pages: first pfn, count */
    unsigned long rounds;
    unsigned long mmu_update_calls;     /* the build's own hypercalls */
    unsigned long mmuext_calls;
    unsigned long m2p_fixed;            /* M2P entries put right */
    uint64_t build_ns;
};
void pv_linear_map_info(struct linear_map_info *out);

/* Whether the page tables map frame pfn at _text + pfn pages (a walk). */
bool pv_frame_mapped(unsigned long pfn);

/* `crash pt-writable`: ask Xen to map an L1 page writable; report. */
void pv_try_pt_writable(void);

/* Describe the M2P table's location for the `info` command. */
void mm_describe_m2p(unsigned long *start, unsigned long *end,
                     unsigned long *max_mfn);

#endif /* TINYPV_ARCH_PV_MM_H */
