/*
 * mm.c: reaching the pages Xen names by machine frame number.
 *
 * A PV guest sees two kinds of frame numbers. Machine frames (MFNs) are the
 * host's real page frames; pseudo-physical frames (PFNs) are the guest's own
 * 0..nr_pages-1 numbering. Xen offers two tables to go between them:
 *
 *   the P2M list   start_info->mfn_list[pfn] = mfn  (guest memory, ours)
 *   the M2P table  m2p[mfn] = pfn                   (Xen's, mapped read-only
 *                                                    into every PV guest)
 *
 * In the bootstrap mapping, pfn N sits at virtual address VIRT_BASE + N * 4K.
 */
#include "mm.h"
#include <arch/hypercall.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>

/* Page table entry bits (x86 PAE). */
#define PTE_PRESENT     (1ULL << 0)
#define PTE_RW          (1ULL << 1)
#define PTE_ACCESSED    (1ULL << 5)
#define PTE_DIRTY       (1ULL << 6)
#define PTE_KERNEL_RW   (PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY)

/* A page of the image whose mapping is replaced by shared_info. */
static uint8_t shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");

static const start_info_t *boot_si;
static const unsigned long *m2p;        /* Xen's machine-to-phys table */
static unsigned long m2p_end, m2p_max_mfn;

void mm_init(const start_info_t *si)
{
    struct xen_machphys_mapping mapping;

    boot_si = si;
    if ( HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mapping) == 0 )
    {
        m2p = (const unsigned long *)mapping.v_start;
        m2p_end = mapping.v_end;
        m2p_max_mfn = mapping.max_mfn;
    }
    /* Without it, find_own_page() falls back to remapping. */
}

void mm_describe_m2p(unsigned long *start, unsigned long *end,
                     unsigned long *max_mfn)
{
    *start = (unsigned long)m2p;
    *end = m2p_end;
    *max_mfn = m2p_max_mfn;
}

/* Point the page-table entry for va at machine address maddr. */
static long map_machine_page(void *va, uint64_t maddr)
{
    return HYPERVISOR_update_va_mapping((unsigned long)va,
                                        maddr | PTE_KERNEL_RW, UVMF_INVLPG);
}

shared_info_t *map_shared_info(unsigned long machine_addr)
{
    long rc = map_machine_page(shared_info_page, machine_addr);

    if ( rc )
        panic("cannot map shared_info at machine address 0x%lx: error %ld",
              machine_addr, rc);
    return (shared_info_t *)shared_info_page;
}

/*
 * The last address the bootstrap mapping is sure to cover: Xen maps the
 * bootstrap page tables themselves, and everything it placed before them
 * (including the console and xenstore pages of a domU).
 */
static unsigned long bootstrap_mapped_end(void)
{
    return boot_si->pt_base + boot_si->nr_pt_frames * PAGE_SIZE;
}

/* mfn -> pfn via the M2P, confirmed by our own P2M list; -1 if unsure. */
static long mfn_to_pfn_checked(xen_pfn_t mfn)
{
    const xen_pfn_t *p2m = (const xen_pfn_t *)boot_si->mfn_list;
    unsigned long pfn;

    if ( !m2p || mfn > m2p_max_mfn )
        return -1;
    pfn = m2p[mfn];
    if ( pfn >= boot_si->nr_pages || p2m[pfn] != mfn )
        return -1;
    return (long)pfn;
}

bool find_own_page(xen_pfn_t mfn, void *spare_page, struct page_lookup *out)
{
    long pfn = mfn_to_pfn_checked(mfn);
    unsigned long va;

    out->mfn = mfn;
    out->pfn = pfn < 0 ? ~0UL : (unsigned long)pfn;
    out->remapped = false;
    if ( pfn >= 0 )
    {
        va = (unsigned long)_text + (unsigned long)pfn * PAGE_SIZE;
        if ( va >= (unsigned long)_text && va < bootstrap_mapped_end() )
        {
            out->va = (void *)va;
            return true;
        }
    }

    /* Not where the PV boot protocol says it should be: map it ourselves. */
    out->remapped = true;
    out->va = spare_page;
    return map_machine_page(spare_page, (uint64_t)mfn << PAGE_SHIFT) == 0;
}
