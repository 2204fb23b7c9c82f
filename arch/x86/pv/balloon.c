/*
 * balloon.c: the PV half of the balloon (<tinypv/platform.h>,
 * arch_balloon_give/arch_balloon_reclaim; mm/balloon.c is the rest).
 *
 * A PV guest names its memory to Xen by machine frame, and keeps the
 * pseudo-physical view itself, so giving a page back is three things,
 * in this order:
 *
 *   1. unmap it: a page-table entry that still points at the machine
 *      frame would keep a reference (Xen frees the page only when the last
 *      one goes), and the save code refuses a page table that points at a
 *      frame outside the P2M ("Bad mfn for L1")
 *   2. mark its P2M entry invalid (INVALID_P2M_ENTRY, ~0): the save code
 *      reads that as a ballooned page and sends no data for it; the restore
 *      leaves the entry invalid in the new domain
 *   3. XENMEM_decrease_reservation with the machine frames
 *
 * and taking one back is the same backwards: XENMEM_populate_physmap with
 * the frame numbers (Xen answers with new machine frames), the M2P entries
 * (MMU_MACHPHYS_UPDATE; Xen's populate_physmap records them for a PV guest
 * too, but the public header promises no more than "also updates", so we
 * say what we mean, in one mmu_update for the batch), the P2M entries,
 * then the mappings again.
 *
 * Every step is batched: one multicall of update_va_mapping for the
 * mappings, one memory_op for all the extents, one mmu_update for the M2P.
 * Each can stop part-way; the frames done are kept in front of the array,
 * the others are put back as they were, and the first one Xen refused is
 * said with its frame number and Xen's error.
 *
 * Only frames the platform maps (arch_pfn_to_virt()) are ever in the pool,
 * so only those are given back.
 */
#include <tinypv/platform.h>
#include <tinypv/balloon.h>
#include <tinypv/hypercall.h>
#include <tinypv/printk.h>
#include <arch/hypercall.h>
#include "mm.h"
#include "start_info_check.h"

static xen_pfn_t mfns[BALLOON_BATCH];
static multicall_entry_t calls[BALLOON_BATCH];
static mmu_update_t m2p_updates[BALLOON_BATCH];

/* Frame i and frame j trade places, with their machine frames. */
static void swap(unsigned long *pfns, unsigned long i, unsigned long j)
{
    unsigned long p = pfns[i];
    xen_pfn_t m = mfns[i];

    pfns[i] = pfns[j];
    mfns[i] = mfns[j];
    pfns[j] = p;
    mfns[j] = m;
}

/*
 * Map frames pfns[from..to) at their addresses to their mfns[] (map), or
 * unmap them, in one multicall. The result for frame from + k is left in
 * calls[k].result.
 */
static void set_mappings(const unsigned long *pfns, unsigned long from,
                         unsigned long to, bool map, struct balloon_stats *st)
{
    unsigned long n = to - from;
    long rc;

    if ( n == 0 )
        return;
    for ( unsigned long k = 0; k < n; k++ )
    {
        uint64_t pte = map ? mm_kernel_pte(mfns[from + k]) : 0;

        calls[k].op = __HYPERVISOR_update_va_mapping;
        calls[k].result = 0;
        calls[k].args[0] = (unsigned long)arch_pfn_to_virt(pfns[from + k]);
        calls[k].args[1] = (uint32_t)pte;
        calls[k].args[2] = (uint32_t)(pte >> 32);
        calls[k].args[3] = UVMF_INVLPG;
    }
    rc = HYPERVISOR_multicall(calls, (unsigned int)n);
    st->va_multicalls++;
    if ( rc )
        for ( unsigned long k = 0; k < n; k++ )
            calls[k].result = (unsigned long)rc;
}

/*
 * Keep in front the frames whose call in calls[] succeeded; say the first
 * that failed. Returns how many succeeded. Stable enough: a frame is only
 * ever swapped with one at or before it, so calls[i] still belongs to the
 * frame that was at i when it is read.
 */
static unsigned long keep_succeeded(unsigned long *pfns, unsigned long n,
                                    const char *what,
                                    struct balloon_stats *st)
{
    unsigned long good = 0;
    bool said = false;

    for ( unsigned long i = 0; i < n; i++ )
    {
        long rc = (long)calls[i].result;

        if ( rc == 0 )
        {
            swap(pfns, i, good++);
            continue;
        }
        st->errors++;
        if ( !said )
            printk("\nballoon: Xen refused to %s frame 0x%lx (mfn 0x%lx): "
                   "error %ld\n", what, pfns[i], (unsigned long)mfns[i], rc);
        said = true;
    }
    return good;
}

/* One memory_op over mfns[0..n) (decrease) or pfns turned mfns (populate). */
static unsigned long reservation(unsigned int cmd, xen_pfn_t *extents,
                                 unsigned long n, long *err)
{
    struct xen_memory_reservation r = {
        .nr_extents = n,
        .extent_order = 0,
        .mem_flags = 0,
        .domid = DOMID_SELF,
    };
    long rc;

    *err = 0;
    if ( n == 0 )
        return 0;
    set_xen_guest_handle(r.extent_start, extents);
    rc = HYPERVISOR_memory_op(cmd, &r);
    *err = rc < 0 ? rc : 0;
    if ( rc < 0 )
        return 0;
    return (unsigned long)rc < n ? (unsigned long)rc : n;
}

/*
 * Frames [from, n) have memory and P2M entries but no mapping, and must
 * go: back to Xen, P2M invalid. Returns how many Xen would not take: they
 * stay away, unmapped and unused (said on the console).
 */
static unsigned long discard(unsigned long *pfns, unsigned long from,
                             unsigned long n, struct balloon_stats *st)
{
    unsigned long done;
    long err;

    for ( unsigned long i = from; i < n; i++ )
        mm_p2m_set(pfns[i], INVALID_P2M_ENTRY);
    done = reservation(XENMEM_decrease_reservation, mfns + from, n - from,
                       &err);
    st->decrease_calls++;
    if ( from + done < n )
        printk("\nballoon: %lu frames from 0x%lx on stay away unused: Xen "
               "would not take their memory back (error %ld)\n",
               n - from - done, pfns[from + done], err);
    return n - from - done;
}

unsigned long arch_balloon_give(unsigned long *pfns, unsigned long n,
                                struct balloon_stats *st)
{
    unsigned long ready = 0, unmapped, done, base;
    long err;

    if ( n > BALLOON_BATCH )
        n = BALLOON_BATCH;

    /* Only frames we map and whose machine frame we know can go. */
    for ( unsigned long i = 0; i < n; i++ )
    {
        mfns[i] = mm_p2m_get(pfns[i]);
        if ( arch_pfn_to_virt(pfns[i]) && mfns[i] != INVALID_P2M_ENTRY )
            swap(pfns, i, ready++);
        else
        {
            st->errors++;
            printk("\nballoon: frame 0x%lx is not mapped or not in the P2M; "
                   "kept\n", pfns[i]);
        }
    }

    set_mappings(pfns, 0, ready, false, st);
    unmapped = keep_succeeded(pfns, ready, "unmap", st);

    for ( unsigned long i = 0; i < unmapped; i++ )
        mm_p2m_set(pfns[i], INVALID_P2M_ENTRY);
    done = reservation(XENMEM_decrease_reservation, mfns, unmapped, &err);
    if ( unmapped )
        st->decrease_calls++;
    if ( done == unmapped )
        return done;

    /* Xen kept some: they are ours again, as they were. */
    st->errors++;
    printk("\nballoon: Xen took back %lu of %lu frames; frame 0x%lx (mfn "
           "0x%lx) refused (%s%ld)\n", done, unmapped, pfns[done],
           (unsigned long)mfns[done], err ? "error " : "no error, count ",
           err ? err : (long)done);
    for ( unsigned long i = done; i < unmapped; i++ )
        mm_p2m_set(pfns[i], mfns[i]);
    base = done;
    set_mappings(pfns, base, unmapped, true, st);
    /*
     * One that cannot even be mapped again must not return to the pool:
     * it counts as gone (it stays away), and its memory goes back to Xen.
     * The frame swapped to i from done was read already (done <= i).
     */
    for ( unsigned long i = base; i < unmapped; i++ )
        if ( calls[i - base].result != 0 )
        {
            swap(pfns, i, done);
            st->errors++;
            printk("\nballoon: frame 0x%lx could not be mapped again (error "
                   "%ld); it stays away\n", pfns[done],
                   (long)calls[i - base].result);
            discard(pfns, done, done + 1, st);
            done++;
        }
    return done;
}

unsigned long arch_balloon_reclaim(unsigned long *pfns, unsigned long n,
                                   struct balloon_stats *st)
{
    unsigned long got, m2p_done = 0, mapped;
    unsigned int done_updates = 0;
    long err, rc;

    if ( n > BALLOON_BATCH )
        n = BALLOON_BATCH;

    /* In: the frame numbers. Out: the machine frames Xen chose. */
    for ( unsigned long i = 0; i < n; i++ )
        mfns[i] = pfns[i];
    if ( n == 0 )
        return 0;
    got = reservation(XENMEM_populate_physmap, mfns, n, &err);
    st->populate_calls++;
    if ( got < n )
    {
        st->errors++;
        printk("\nballoon: Xen gave memory for %lu of %lu frames; frame "
               "0x%lx got none (%s%ld)\n", got, n, pfns[got],
               err ? "error " : "Xen out of memory? count ",
               err ? err : (long)got);
    }

    for ( unsigned long i = 0; i < got; i++ )
    {
        m2p_updates[i].ptr = ((uint64_t)mfns[i] << PAGE_SHIFT) |
                             MMU_MACHPHYS_UPDATE;
        m2p_updates[i].val = pfns[i];
    }
    if ( got )
    {
        rc = HYPERVISOR_mmu_update(m2p_updates, (unsigned int)got,
                                   &done_updates, DOMID_SELF);
        st->mmu_update_calls++;
        m2p_done = rc == 0 ? got : done_updates;
        if ( m2p_done > got )
            m2p_done = 0;               /* nonsense from Xen: trust none */
        if ( m2p_done < got )
        {
            st->errors++;
            printk("\nballoon: the M2P entry of frame 0x%lx (mfn 0x%lx) "
                   "was refused: error %ld\n", pfns[m2p_done],
                   (unsigned long)mfns[m2p_done], rc);
        }
    }

    for ( unsigned long i = 0; i < m2p_done; i++ )
        mm_p2m_set(pfns[i], mfns[i]);
    set_mappings(pfns, 0, m2p_done, true, st);
    mapped = keep_succeeded(pfns, m2p_done, "map", st);

    /* Populated but unusable: the memory goes back, the frames stay away. */
    if ( mapped < got )
        discard(pfns, mapped, got, st);
    return mapped;
}
