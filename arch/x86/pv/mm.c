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
 *
 * What this file says goes to the early console (early_printk): it runs at
 * boot, before the console ring is set up, and after a restore, before
 * console_resume() (the console driver still holds the old domain's port).
 */
#include "mm.h"
#include "pagetable.h"
#include "start_info_check.h"
#include <tinypv/hypercall.h>
#include <tinypv/hypervisor.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>

/* A page of the image whose mapping is replaced by shared_info. */
static uint8_t shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");

/* start_info_check.c reads P2M entries as unsigned long. */
_Static_assert(sizeof(xen_pfn_t) == sizeof(unsigned long),
               "a P2M entry is a guest word");

static const start_info_t *boot_si;
static const unsigned long *m2p;        /* Xen's machine-to-phys table */
static unsigned long m2p_end, m2p_max_mfn;
/*
 * start_info's list, once p2m_list_ok() accepted it; NULL: refused, and
 * then never read. Every P2M read in this file goes through this pointer,
 * never through start_info->mfn_list.
 */
static xen_pfn_t *p2m;

static unsigned long bootstrap_mapped_end(void);

struct mmu_counters mmu_counters;

/*
 * At boot, and again after a restore (a new M2P, maybe a new nr_pages): so
 * everything is forgotten first, and a list refused now stays refused.
 */
void mm_init(const start_info_t *si)
{
    struct xen_machphys_mapping mapping;

    boot_si = si;
    m2p = NULL;
    m2p_end = m2p_max_mfn = 0;
    p2m = NULL;
    if ( HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mapping) == 0 )
    {
        m2p = (const unsigned long *)mapping.v_start;
        m2p_end = mapping.v_end;
        m2p_max_mfn = mapping.max_mfn;
    }
    /* The P2M list must lie in the bootstrap mapping, all nr_pages of it. */
    if ( p2m_list_ok(si->mfn_list, si->nr_pages, sizeof(xen_pfn_t),
                     (unsigned long)_text, bootstrap_mapped_end()) )
        p2m = (xen_pfn_t *)si->mfn_list;
    else
        early_printk("mm: start_info's page-frame list (0x%lx, %lu pages) is "
                     "not inside the bootstrap mapping; not used\n",
                     si->mfn_list, si->nr_pages);
    /* Without them, find_own_page() falls back to remapping. */
}

void mm_describe_m2p(unsigned long *start, unsigned long *end,
                     unsigned long *max_mfn)
{
    *start = (unsigned long)m2p;
    *end = m2p_end;
    *max_mfn = m2p_max_mfn;
}

/* Every update_va_mapping of the PV platform, counted for `stats`. */
long mm_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{
    mmu_counters.update_va_mapping++;
    return HYPERVISOR_update_va_mapping(va, pte, flags);
}

/* Point the page-table entry for va at machine address maddr. */
static long map_machine_page(void *va, uint64_t maddr)
{
    return mm_update_va_mapping((unsigned long)va, maddr | PTE_KERNEL_RW,
                                UVMF_INVLPG);
}

long mm_map_frame(void *va, xen_pfn_t mfn)
{
    return map_machine_page(va, (uint64_t)mfn << PAGE_SHIFT);
}

void map_shared_info(unsigned long machine_addr)
{
    long rc = map_machine_page(shared_info_page, machine_addr);

    if ( rc )
        panic("cannot map shared_info at machine address 0x%lx: error %ld",
              machine_addr, rc);
    shared_info = (shared_info_t *)shared_info_page;
}

void unmap_shared_info(void)
{
    /* A zero entry: not present. Nothing may touch the page until remapped. */
    long rc = mm_update_va_mapping((unsigned long)shared_info_page, 0,
                                   UVMF_INVLPG);

    if ( rc )
        panic("cannot unmap shared_info: error %ld", rc);
    shared_info = NULL;
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

/* The pfn our own P2M list gives mfn, or -1 if it is not one of ours. */
static long p2m_find(xen_pfn_t mfn)
{
    if ( !p2m )
        return -1;
    /* A hole (a frame given back) is no frame: ~0 is never an answer. */
    if ( mfn == INVALID_P2M_ENTRY )
        return -1;
    for ( unsigned long pfn = 0; pfn < boot_si->nr_pages; pfn++ )
        if ( p2m[pfn] == mfn )
            return (long)pfn;
    return -1;
}

/*
 * mfn -> pfn, for a frame start_info named. The M2P is the classic answer,
 * but the frame number is not to be trusted: one past Xen's table, or in
 * one of its holes (the M2P is mapped only where the host has RAM), and
 * the read faults. So the frame must first be found in our own P2M list
 * (bounded by nr_pages, checked to be mapped): one of our pages has RAM
 * behind it, hence an M2P entry, and that entry is read only if it is
 * inside the table's bounds too. Then the two tables must agree. -1: not
 * ours, or unsure.
 */
static long mfn_to_pfn_checked(xen_pfn_t mfn)
{
    long pfn = p2m_find(mfn);

    if ( pfn < 0 )
        return -1;
    if ( !m2p_entry_ok(mfn, (unsigned long)m2p, m2p_end, m2p_max_mfn,
                       sizeof(*m2p)) )
        return -1;
    if ( m2p[mfn] != (unsigned long)pfn )
    {
        early_printk("mm: the M2P says mfn 0x%lx is pfn 0x%lx, our P2M says "
                     "0x%lx\n", (unsigned long)mfn, m2p[mfn],
                     (unsigned long)pfn);
        return -1;
    }
    return pfn;
}

long mm_mfn_to_pfn(xen_pfn_t mfn)
{
    return mfn_to_pfn_checked(mfn);
}

xen_pfn_t mm_pfn_to_mfn(unsigned long pfn)
{
    if ( !p2m || pfn >= boot_si->nr_pages )
        return 0;
    return p2m[pfn];
}

bool mm_m2p_read(xen_pfn_t mfn, unsigned long *pfn)
{
    if ( !m2p_entry_ok(mfn, (unsigned long)m2p, m2p_end, m2p_max_mfn,
                       sizeof(*m2p)) )
        return false;
    *pfn = m2p[mfn];
    return true;
}

xen_pfn_t mm_virt_to_mfn(const void *va)
{
    return p2m_lookup(p2m, boot_si->nr_pages, (unsigned long)_text,
                      (unsigned long)va);
}

/*
 * The 3-level P2M tree of the PV save ABI (libxenguest's map_p2m_tree):
 *
 *   shared_info->arch.pfn_to_mfn_frame_list_list = MFN of p2m_fll
 *   p2m_fll[i]  = MFN of the i-th frame list page (we need one: it covers
 *                 1024 * 1024 pages, 4 GiB, more than a 32-bit guest maps)
 *   p2m_fl[j]   = MFN of the j-th page of the P2M list itself
 *   shared_info->arch.max_pfn = the number of P2M entries (despite its name)
 *
 * Entries are guest words: 4 bytes for us, 1024 per page.
 */
#define P2M_PER_PAGE    (PAGE_SIZE / sizeof(xen_pfn_t))

static xen_pfn_t p2m_fll[P2M_PER_PAGE] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");
static xen_pfn_t p2m_fl[P2M_PER_PAGE] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");

const char *mm_publish_p2m(shared_info_t *s)
{
    const char *problem = p2m_frame_list(p2m, boot_si->nr_pages,
                                         (unsigned long)_text, p2m_fl,
                                         P2M_PER_PAGE);
    xen_pfn_t fll_mfn;

    if ( problem )
        return problem;
    p2m_fll[0] = mm_virt_to_mfn(p2m_fl);
    fll_mfn = mm_virt_to_mfn(p2m_fll);
    if ( !p2m_fll[0] || !fll_mfn )
        return "the frame list pages are not in the P2M";

    /* No virtually mapped linear P2M (p2m_cr3 = 0): the tree is used. */
    s->arch.p2m_cr3 = 0;
    s->arch.max_pfn = boot_si->nr_pages;
    s->arch.pfn_to_mfn_frame_list_list = fll_mfn;
    return NULL;
}

xen_pfn_t mm_p2m_get(unsigned long pfn)
{
    if ( !p2m || pfn >= boot_si->nr_pages )
        return INVALID_P2M_ENTRY;
    return p2m[pfn];
}

bool mm_p2m_set(unsigned long pfn, xen_pfn_t mfn)
{
    if ( !p2m || pfn >= boot_si->nr_pages )
        return false;
    /*
     * The list lies in the bootstrap mapping, writable (p2m_list_ok()
     * checked where). The save code reads it only while we are paused or
     * suspended, and the balloon writes it from the main loop: no race.
     */
    p2m[pfn] = mfn;
    return true;
}

uint64_t mm_kernel_pte(xen_pfn_t mfn)
{
    return ((uint64_t)mfn << PAGE_SHIFT) | PTE_KERNEL_RW;
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

/* The machine frame behind a page of the image, from our P2M list. */
static bool own_page_mfn(const void *va, xen_pfn_t *mfn)
{
    if ( (unsigned long)va % PAGE_SIZE )
        return false;
    *mfn = mm_virt_to_mfn(va);
    return *mfn != 0;
}

long mm_protect_own_page(void *va, bool writable)
{
    xen_pfn_t mfn;

    if ( !own_page_mfn(va, &mfn) )
        return -1;                  /* not a page of the image */
    return mm_update_va_mapping((unsigned long)va,
                                ((uint64_t)mfn << PAGE_SHIFT) |
                                (writable ? PTE_KERNEL_RW : PTE_KERNEL_RO),
                                UVMF_INVLPG);
}

long mm_unmap_own_page(void *va)
{
    return mm_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG);
}
