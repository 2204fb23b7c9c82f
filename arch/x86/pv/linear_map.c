/*
 * linear_map.c: every frame of the PV domain at _text + pfn pages, built
 * through Xen (direct paging), and the walk of a virtual address.
 *
 * Xen's bootstrap mapping covers the image and the boot elements up to a
 * 4 MiB boundary (memory.c). The rest of nr_pages needs L1 tables of our
 * own, one per 2 MiB, hooked into the L2 that maps 0xC0000000 up (the
 * bootstrap one, L3 slot 3). Xen validates every page-table page it is
 * shown, so each new table is built in this order:
 *
 *   1. take a free, mapped frame (the first after the bootstrap page
 *      tables, then the next ...) and fill it while it is still writable:
 *      entry i = MFN of frame (first + i) from the P2M, present, writable;
 *   2. make its only mapping (the linear map's own entry) read-only:
 *      Xen refuses a page as a page table while a writable mapping of it
 *      exists, and refuses a writable mapping of a page table later;
 *   3. pin it (MMUEXT_PIN_L1_TABLE): Xen validates it once, here, and it
 *      stays validated and marked pinned, which the save stream records
 *      and the restore repeats;
 *   4. hook it into the L2 with MMU_NORMAL_PT_UPDATE.
 *
 * Steps 2 to 4 are batched: one hypercall for up to MMU_BATCH requests,
 * and Xen's success count says where it stopped if it refused one
 * (pagetable.c's batch_run()); the refused request is reported with its
 * ptr, val and Xen's error, and mapping stops at the frames it would have
 * covered. Each round's tables come from frames already mapped; if the
 * bootstrap mapping's padding is too small for all of them, the next
 * round takes its tables from the frames the last one mapped.
 *
 * Frames the domain may grow into (past nr_pages, up to maxmem: memory.c's
 * arch_balloon_room()) get tables the same way, later, from frames the
 * allocator gives (pv_linear_map_extend()), with every entry empty: no
 * memory is behind them until the balloon fills one and maps it. Tables
 * only ever come from frames that have memory.
 *
 * The P2M and M2P are Xen's builder's, consistent at boot; each frame's
 * M2P entry is checked against the P2M before it is mapped and put right
 * with MMU_MACHPHYS_UPDATE if it is not (Xen accepts that only for a
 * frame the domain owns). No MFN is kept here: a restore changes them
 * all, and the toolstack rewrites every page-table entry (save: MFN ->
 * PFN; restore: PFN -> the new MFN), so everything is looked up again.
 */
#include <tinypv/platform.h>
#include <tinypv/printk.h>
#include <tinypv/clock.h>
#include <tinypv/sections.h>
#include <tinypv/shutdown.h>
#include <tinypv/hypercall.h>
#include <arch/hypercall.h>
#include <lib/string.h>
#include <lib/div64.h>
#include "mm.h"
#include "pagetable.h"
#include "pv.h"

#define MMU_BATCH       256     /* requests per hypercall: 4 KiB of them */
#define L2_SLOT_FRAMES  PAE_ENTRIES

static struct mmu_update mmu_reqs[MMU_BATCH];
static struct mmuext_op ext_ops[MMU_BATCH];

static struct linear_map_info info;

/* --- the hypercalls, counted ----------------------------------------------- */

static long mmu_update(struct mmu_update *reqs, unsigned int count,
                       unsigned int *done)
{
    long rc;

    *done = 0;
    rc = HYPERVISOR_mmu_update(reqs, count, done, DOMID_SELF);
    mmu_counters.mmu_update_calls++;
    mmu_counters.mmu_update_entries += *done < count ? *done : count;
    return rc;
}

static long mmuext_op(struct mmuext_op *ops, unsigned int count,
                      unsigned int *done)
{
    long rc;

    *done = 0;
    rc = HYPERVISOR_mmuext_op(ops, count, done, DOMID_SELF);
    mmu_counters.mmuext_calls++;
    mmu_counters.mmuext_ops += *done < count ? *done : count;
    return rc;
}

/* --- reading the page tables (read-only to us) ------------------------------ */

static void *frame_va(unsigned long pfn)
{
    return _text + pfn * PAGE_SIZE;
}

/* Our mapping of the page-table page at machine frame mfn; NULL: none. */
static const uint64_t *table_va(uint64_t mfn, unsigned long *pfn)
{
    long p = mfn > ~0UL ? -1 : mm_mfn_to_pfn((xen_pfn_t)mfn);

    *pfn = p < 0 ? ~0UL : (unsigned long)p;
    if ( p < 0 || !arch_pfn_to_virt((unsigned long)p) )
        return NULL;
    return arch_pfn_to_virt((unsigned long)p);
}

/*
 * The L2 that maps the kernel window (L3 slot 3). The L3 is the first of
 * the bootstrap page tables (pt_base, where cr3 points); its entry must
 * name a frame of those tables.
 */
static uint64_t *find_l2(const start_info_t *si, uint64_t *l2_mfn)
{
    const uint64_t *l3 = (const uint64_t *)si->pt_base;
    uint64_t e = l3[pae_l3_index((uint32_t)(unsigned long)_text)];
    unsigned long pfn, pt_first = (si->pt_base - (unsigned long)_text) /
                                  PAGE_SIZE;
    const uint64_t *l2;

    if ( !pae_present(e) )
        return NULL;
    *l2_mfn = pae_entry_mfn(e);
    l2 = table_va(*l2_mfn, &pfn);
    if ( !l2 || pfn < pt_first || pfn - pt_first >= si->nr_pt_frames )
        return NULL;
    return (uint64_t *)l2;
}

/* --- the walk ------------------------------------------------------------------- */

/*
 * Walk va: fills w as far as it gets. Every table page is found through
 * the checked M2P (mm_mfn_to_pfn()) and must be one the linear map
 * reaches; a frame that is not ours stops the walk with why.
 */
struct walk {
    uint64_t e[3];              /* L3, L2, L1 entries read */
    uint64_t mfn[3];            /* the frame each names */
    unsigned long pfn[3];       /* ... and its pfn (~0: not ours) */
    int levels;                 /* entries read */
    const char *stop;           /* why the walk ended early (NULL: it did not) */
};

static void walk(uint32_t va, struct walk *w)
{
    const start_info_t *si = pv_start_info();
    const uint64_t *table = (const uint64_t *)si->pt_base;
    unsigned int index[3] = { pae_l3_index(va), pae_l2_index(va),
                              pae_l1_index(va) };

    w->levels = 0;
    w->stop = NULL;
    for ( int level = 0; level < 3; level++ )
    {
        uint64_t e = table[index[level]];

        w->e[level] = e;
        w->mfn[level] = pae_entry_mfn(e);
        w->pfn[level] = ~0UL;
        w->levels = level + 1;
        if ( !pae_present(e) )
        {
            w->stop = "not present: nothing is mapped there";
            return;
        }
        if ( level == 1 && (e & PTE_PSE) )
        {
            w->stop = "a 2 MiB page (Xen gives a PV guest none)";
            return;
        }
        if ( level == 2 )
        {
            long p = w->mfn[2] > ~0UL ? -1
                                      : mm_mfn_to_pfn((xen_pfn_t)w->mfn[2]);

            w->pfn[2] = p < 0 ? ~0UL : (unsigned long)p;
            if ( p < 0 )
                w->stop = "the frame is not one of ours (M2P and P2M "
                          "disagree, or it is Xen's or another domain's)";
            return;
        }
        table = table_va(w->mfn[level], &w->pfn[level]);
        if ( !table )
        {
            w->stop = "the table's frame is not one of ours or not mapped";
            return;
        }
    }
}

static const char *const level_name[3] = { "L3", "L2", "L1" };

void arch_print_walk(unsigned long va)
{
    struct walk w;
    unsigned int index[3] = { pae_l3_index(va), pae_l2_index(va),
                              pae_l1_index(va) };

    walk((uint32_t)va, &w);
    printk("walk 0x%08lx: L3 slot %u, L2 index %u, L1 index %u, offset "
           "0x%03lx\n", va, index[0], index[1], index[2], va % PAGE_SIZE);
    for ( int i = 0; i < w.levels; i++ )
    {
        printk("  %s[%3u] = 0x%016llx", level_name[i], index[i],
               (unsigned long long)w.e[i]);
        if ( !pae_present(w.e[i]) )
        {
            printk("  not present\n");
            break;
        }
        printk("  -> mfn 0x%llx", (unsigned long long)w.mfn[i]);
        if ( w.pfn[i] != ~0UL )
            printk(" (pfn 0x%lx)", w.pfn[i]);
        if ( i == 2 )
            printk(", %s", (w.e[i] & PTE_RW) ? "writable" : "read-only");
        printk("\n");
    }
    if ( w.stop )
    {
        printk("walk: 0x%08lx: %s\n", va, w.stop);
        return;
    }
    printk("walk: 0x%08lx is pfn 0x%lx + 0x%03lx (mfn 0x%llx; M2P checked "
           "against the P2M)\n", va, w.pfn[2], va % PAGE_SIZE,
           (unsigned long long)w.mfn[2]);
}

/* --- building ------------------------------------------------------------------- */

/* What one batch works on: which round, which request kind. */
struct round {
    unsigned long first_table;  /* pfn of the round's first L1 page */
    unsigned long first_frame;  /* the first frame its tables map */
    unsigned long populated;    /* frames from here on get empty entries */
    uint64_t *l2;
    uint64_t l2_mfn;
};

static xen_pfn_t table_mfn(const struct round *r, size_t i)
{
    return mm_pfn_to_mfn(r->first_table + i);
}

/* The machine address of the L1 entry that maps frame pfn (mapped). */
static uint64_t pte_maddr(const struct round *r, unsigned long pfn)
{
    uint32_t va = (uint32_t)(unsigned long)frame_va(pfn);

    return (pae_entry_mfn(r->l2[pae_l2_index(va)]) << L1_SHIFT) +
           pae_l1_index(va) * sizeof(uint64_t);
}

/* Step 2's requests: the table pages' entries, read-only. */
static long submit_readonly(void *ctx, size_t first, unsigned int count,
                            unsigned int *done)
{
    const struct round *r = ctx;

    for ( unsigned int i = 0; i < count; i++ )
    {
        mmu_reqs[i].ptr = pte_maddr(r, r->first_table + first + i) |
                          MMU_NORMAL_PT_UPDATE;
        mmu_reqs[i].val = pae_entry(table_mfn(r, first + i), PTE_KERNEL_RO);
    }
    return mmu_update(mmu_reqs, count, done);
}

/*
 * Step 3's: the TLB flushed first (the old writable entries must go:
 * request 0), then one pin per table.
 */
static long submit_pin(void *ctx, size_t first, unsigned int count,
                       unsigned int *done)
{
    const struct round *r = ctx;

    for ( unsigned int i = 0; i < count; i++ )
    {
        if ( first + i == 0 )
            ext_ops[i].cmd = MMUEXT_TLB_FLUSH_LOCAL;
        else
        {
            ext_ops[i].cmd = MMUEXT_PIN_L1_TABLE;
            ext_ops[i].arg1.mfn = table_mfn(r, first + i - 1);
        }
    }
    return mmuext_op(ext_ops, count, done);
}

/* The L2 slot of the table that maps frame pfn. */
static unsigned int l2_slot(unsigned long pfn)
{
    return pae_l2_index((uint32_t)(unsigned long)frame_va(pfn));
}

/* LAB memory BEGIN: hooking a new L1 table into the L2 with mmu_update */
/* Step 4's: each table into its L2 slot. */
static long submit_hook(void *ctx, size_t first, unsigned int count,
                        unsigned int *done)
{
    const struct round *r = ctx;

    for ( unsigned int i = 0; i < count; i++ )
    {
        unsigned long frame = r->first_frame + (first + i) * L2_SLOT_FRAMES;

        mmu_reqs[i].ptr = ((r->l2_mfn << L1_SHIFT) +
                           l2_slot(frame) * sizeof(uint64_t)) |
                          MMU_NORMAL_PT_UPDATE;
        mmu_reqs[i].val = pae_entry(table_mfn(r, first + i), PTE_TABLE);
    }
    return mmu_update(mmu_reqs, count, done);
}
#if 0 /* LAB memory STUB */
/*
 * LAB memory: step 4, for the tables [first, first + count) of round r
 * (table t maps frames r->first_frame + t * L2_SLOT_FRAMES on): one
 * request per table in mmu_reqs[0 .. count), then one mmu_update() for
 * all of them. A request names the machine address of the entry to write
 * (the L2's frame, r->l2_mfn, plus the slot's byte offset: l2_slot() of
 * the table's first frame, 8 bytes an entry) with the request type in its
 * low bits (MMU_NORMAL_PT_UPDATE), and the new entry: the table's machine
 * frame (table_mfn()) with PTE_TABLE (pae_entry()). This stub asks
 * nothing and answers -ENOSYS (38): the tables are pinned but never
 * hooked, and the frames past Xen's bootstrap mapping stay unmapped.
 */
static long submit_hook(void *ctx, size_t first, unsigned int count,
                        unsigned int *done)
{
    (void)ctx;
    (void)first;
    (void)count;
    *done = 0;
    return -38;                         /* -ENOSYS: not written yet */
}
#endif /* LAB memory END */

/*
 * Report a refused request: which one, what it asked, what Xen said. The
 * buffers still hold the call that failed (batch_run() stops there), and
 * its requests start on a multiple of MMU_BATCH.
 */
static void report_refusal(const char *what, bool ext,
                           const struct batch_result *res, size_t n,
                           unsigned long unmapped_from)
{
    size_t i = res->failed_index;
    size_t slot = i % MMU_BATCH;

    if ( ext )
        printk("pv: linear map: %s refused op %zu of %zu (cmd %u, mfn 0x%lx): "
               "error %ld\n", what, i, n, ext_ops[slot].cmd,
               (unsigned long)ext_ops[slot].arg1.mfn, res->rc);
    else
        printk("pv: linear map: %s refused entry %zu of %zu (ptr 0x%llx, val "
               "0x%llx): error %ld\n", what, i, n,
               (unsigned long long)mmu_reqs[slot].ptr,
               (unsigned long long)mmu_reqs[slot].val, res->rc);
    printk("pv: linear map: frames from 0x%lx on stay unmapped\n",
           unmapped_from);
}

/*
 * Step 1: fill n tables for frames [first_frame, target); frames from
 * r->populated on have no memory yet (the balloon's, up to Xen's
 * maximum): their entries stay empty, the balloon maps them when it
 * fills them.
 */
static void fill_tables(const struct round *r, unsigned long n,
                        unsigned long target)
{
    if ( target > r->populated )
        target = r->populated;
    for ( unsigned long t = 0; t < n; t++ )
    {
        uint64_t *l1 = frame_va(r->first_table + t);

        for ( unsigned int i = 0; i < PAE_ENTRIES; i++ )
        {
            unsigned long pfn = r->first_frame + t * PAE_ENTRIES + i;

            l1[i] = pfn < target ? pae_entry(mm_pfn_to_mfn(pfn),
                                             PTE_KERNEL_RW) : 0;
        }
    }
}

/*
 * One round: n tables at frames [first_table, ...) for frames
 * [first_frame, target). Returns how many tables are in place (hooked);
 * fewer than n only after a refusal, reported.
 */
static unsigned long build_round(struct round *r, unsigned long n,
                                 unsigned long target)
{
    struct batch_result res;

    fill_tables(r, n, target);

    batch_run(n, MMU_BATCH, submit_readonly, r, &res);
    info.mmu_update_calls += res.hypercalls;
    if ( res.failed )
    {
        report_refusal("mmu_update (read-only)", false, &res, n,
                       r->first_frame);
        return 0;
    }
    batch_run(n + 1, MMU_BATCH, submit_pin, r, &res);
    info.mmuext_calls += res.hypercalls;
    if ( res.failed )
    {
        report_refusal("mmuext_op (pin)", true, &res, n + 1, r->first_frame);
        return 0;
    }
    batch_run(n, MMU_BATCH, submit_hook, r, &res);
    info.mmu_update_calls += res.hypercalls;
    if ( res.failed )
        report_refusal("mmu_update (hook)", false, &res, n,
                       r->first_frame + res.done * L2_SLOT_FRAMES);
    return res.done;
}

/*
 * The last frame to map, at most target: where the P2M stops naming a
 * frame of ours. The builder's P2M and M2P agree; if an entry of the M2P
 * does not, it is put right (one request: never seen in practice).
 */
static unsigned long check_frames(unsigned long first, unsigned long target)
{
    for ( unsigned long pfn = first; pfn < target; pfn++ )
    {
        xen_pfn_t mfn = mm_pfn_to_mfn(pfn);
        unsigned long m2p_pfn;
        struct mmu_update fix;
        unsigned int done;
        long rc;

        if ( mfn == 0 || mfn == ~(xen_pfn_t)0 )
        {
            printk("pv: linear map: the P2M has no frame for pfn 0x%lx "
                   "(0x%lx); mapping stops there\n", pfn, (unsigned long)mfn);
            return pfn;
        }
        if ( !mm_m2p_read(mfn, &m2p_pfn) || m2p_pfn == pfn )
            continue;       /* beyond Xen's table: Xen checks the entry */
        fix.ptr = ((uint64_t)mfn << L1_SHIFT) | MMU_MACHPHYS_UPDATE;
        fix.val = pfn;
        rc = mmu_update(&fix, 1, &done);
        info.m2p_fixed++;
        printk("pv: linear map: the M2P said mfn 0x%lx is pfn 0x%lx, the P2M "
               "pfn 0x%lx: MMU_MACHPHYS_UPDATE %s (error %ld)\n",
               (unsigned long)mfn, m2p_pfn, pfn, rc ? "refused" : "done", rc);
        if ( rc )
            return pfn;
    }
    return target;
}

/* L2 slots the new tables go into must be empty: never replace a table. */
static unsigned long check_slots(const uint64_t *l2, unsigned long first,
                                 unsigned long target)
{
    for ( unsigned long pfn = first; pfn < target; pfn += L2_SLOT_FRAMES )
        if ( pae_present(l2[l2_slot(pfn)]) )
        {
            printk("pv: linear map: L2 slot %u (frame 0x%lx) is already in "
                   "use; mapping stops there\n", l2_slot(pfn), pfn);
            return pfn;
        }
    return target;
}

unsigned long pv_linear_map_build(unsigned long mapped, unsigned long next_free,
                                  unsigned long nr_pages, unsigned long end)
{
    const start_info_t *si = pv_start_info();
    unsigned long m2p_start, m2p_end, m2p_max, window, target, pop, n;
    uint64_t t0 = monotonic_ns();
    struct round r;

    mm_describe_m2p(&m2p_start, &m2p_end, &m2p_max);
    window = pv_window_frames((unsigned long)_text, m2p_start);
    pop = nr_pages < window ? nr_pages : window;
    if ( end < nr_pages )
        end = nr_pages;
    target = end < window ? end : window;
    info.window_frames = window;
    info.first_table = next_free;
    info.bootstrap_frames = mapped;
    info.mapped_frames = mapped;
    info.populated_frames = mapped;
    if ( nr_pages > window )
        printk("pv: %lu frames (%lu MiB) lie past the kernel window "
               "(0x%08lx-0x%08lx, %lu MiB, up to Xen's hole) and are not "
               "mapped\n", nr_pages - window,
               (nr_pages - window) / (1024 * 1024 / PAGE_SIZE),
               (unsigned long)_text, (unsigned long)_text + window * PAGE_SIZE,
               window / (1024 * 1024 / PAGE_SIZE));
    if ( end > window && end > nr_pages )
        printk("pv: Xen's maximum (%lu frames) lies past the kernel window: "
               "the balloon can fill frames up to 0x%lx only\n", end,
               window - 1);
    if ( target <= mapped )
        return mapped;

    r.l2 = find_l2(si, &r.l2_mfn);
    if ( !r.l2 )
    {
        printk("pv: linear map: the L2 of the kernel window is not among the "
               "bootstrap page tables; only the bootstrap mapping is used\n");
        return mapped;
    }
    /* A frame the P2M does not name: no room beyond it either. */
    pop = check_frames(mapped, pop);
    if ( pop < nr_pages && target > pop )
        target = pop;
    target = check_slots(r.l2, mapped, target);
    if ( pop > target )
        pop = target;
    r.populated = pop;

    /* Tables come only from frames that have memory (below pop). */
    while ( (n = pv_map_round_usable(next_free, mapped,
                                     mapped < pop ? mapped : pop, target)) != 0 )
    {
        unsigned long hooked;

        r.first_table = next_free;
        r.first_frame = mapped;
        hooked = build_round(&r, n, target);
        next_free += n;         /* all n are page tables now, hooked or not */
        info.tables += n;
        info.rounds++;
        mapped += hooked * L2_SLOT_FRAMES;
        if ( mapped > target )
            mapped = target;
        if ( hooked < n )
            break;
    }
    info.mapped_frames = mapped;
    info.populated_frames = mapped < pop ? mapped : pop;
    info.build_ns = monotonic_ns() - t0;
    printk("pv: linear map: frames 0x%lx-0x%lx mapped by %lu L1 tables of "
           "ours (pinned) in %lu round%s: %lu mmu_update + %lu mmuext_op "
           "hypercalls\n", info.bootstrap_frames, mapped - 1, info.tables,
           info.rounds, info.rounds == 1 ? "" : "s", info.mmu_update_calls,
           info.mmuext_calls);
    if ( mapped > info.populated_frames )
        printk("pv: linear map: frames 0x%lx-0x%lx have table entries but "
               "no memory yet (up to Xen's maximum, for the balloon)\n",
               info.populated_frames, mapped - 1);
    return mapped;
}

unsigned long pv_linear_map_extend(unsigned long first_table, unsigned long n,
                                   unsigned long first_frame, unsigned long end)
{
    const start_info_t *si = pv_start_info();
    unsigned long hooked;
    struct round r;

    r.l2 = find_l2(si, &r.l2_mfn);
    if ( !r.l2 )
    {
        printk("pv: linear map: the L2 of the kernel window is not among the "
               "bootstrap page tables; no room to grow\n");
        return 0;
    }
    if ( end > info.window_frames )
        end = info.window_frames;
    if ( check_slots(r.l2, first_frame, end) < end )
        return 0;                           /* said which slot */
    r.first_table = first_table;
    r.first_frame = first_frame;
    r.populated = first_frame;              /* no entry has memory */
    hooked = build_round(&r, n, end);
    info.tables += n;
    info.rounds++;
    if ( hooked )
        info.mapped_frames = first_frame + hooked * L2_SLOT_FRAMES < end ?
                             first_frame + hooked * L2_SLOT_FRAMES : end;
    return hooked;
}

unsigned long pv_linear_map_tables(void)
{
    return info.tables;
}

void pv_linear_map_info(struct linear_map_info *out)
{
    *out = info;
}

/*
 * `crash pt-writable`: map one of the linear map's L1 pages writable, as a
 * guest that forgot the read-only rule would. Xen must refuse: a page that
 * is a page table can have no writable mapping, or the guest could write
 * any entry it likes and reach any frame of the machine.
 */
void pv_try_pt_writable(void)
{
    unsigned long last = info.mapped_frames ? info.mapped_frames - 1 : 0;
    uint32_t va = (uint32_t)(unsigned long)frame_va(last);
    const start_info_t *si = pv_start_info();
    uint64_t l2_mfn, l1_mfn;
    uint64_t *l2 = find_l2(si, &l2_mfn);
    unsigned long l1_pfn;
    long rc;

    if ( !l2 || !pae_present(l2[pae_l2_index(va)]) )
    {
        printk("crash pt-writable: no L1 table found to try\n");
        return;
    }
    l1_mfn = pae_entry_mfn(l2[pae_l2_index(va)]);
    if ( !table_va(l1_mfn, &l1_pfn) )
    {
        printk("crash pt-writable: the L1 table (mfn 0x%llx) is not one of "
               "ours\n", (unsigned long long)l1_mfn);
        return;
    }
    printk("crash pt-writable: the L1 table that maps 0x%08x is pfn 0x%lx "
           "(mfn 0x%llx) at %p; asking Xen to map it writable\n", va, l1_pfn,
           (unsigned long long)l1_mfn, frame_va(l1_pfn));
    rc = mm_update_va_mapping((unsigned long)frame_va(l1_pfn),
                              pae_entry(l1_mfn, PTE_KERNEL_RW), UVMF_INVLPG);
    if ( rc == 0 )
        panic("crash pt-writable: Xen accepted a writable mapping of a page "
              "table: the read-only rule is broken");
    printk("crash pt-writable: Xen refused (update_va_mapping: error %ld); "
           "the table stays read-only\n", rc);
}

bool pv_frame_mapped(unsigned long pfn)
{
    struct walk w;

    walk((uint32_t)(unsigned long)frame_va(pfn), &w);
    return !w.stop && w.pfn[2] == pfn && w.mfn[2] == mm_pfn_to_mfn(pfn);
}

/* `stats`: what was asked of Xen's MMU, and what the linear map cost. */
void arch_print_mm_stats(void)
{
    unsigned long new_frames = info.populated_frames > info.bootstrap_frames ?
                               info.populated_frames - info.bootstrap_frames
                               : 0;
    /* Per MiB, in thousandths: 256 frames a MiB (calls are few). */
    unsigned long milli = new_frames && info.mmu_update_calls < 16000 ?
        info.mmu_update_calls * 256000UL / new_frames : 0;
    uint32_t ns_rem;
    uint64_t us = div_u64_rem(info.build_ns, 1000, &ns_rem);

    printk("mmu: %lu mmu_update hypercalls (%lu entries), %lu mmuext_op "
           "(%lu ops), %lu update_va_mapping\n",
           mmu_counters.mmu_update_calls, mmu_counters.mmu_update_entries,
           mmu_counters.mmuext_calls, mmu_counters.mmuext_ops,
           mmu_counters.update_va_mapping);
    printk("linear map: frames 0x0-0x%lx mapped (%lu MiB; Xen's bootstrap "
           "mapping 0x%lx frames), %lu L1 tables of ours from pfn 0x%lx in "
           "%lu round%s, %lu mmu_update + %lu mmuext_op hypercalls, %lu.%03lu "
           "mmu_update per MiB mapped, %llu us\n",
           info.populated_frames ? info.populated_frames - 1 : 0,
           info.populated_frames / 256, info.bootstrap_frames, info.tables,
           info.first_table, info.rounds, info.rounds == 1 ? "" : "s",
           info.mmu_update_calls,
           info.mmuext_calls, milli / 1000, milli % 1000,
           (unsigned long long)us);
    if ( info.mapped_frames > info.populated_frames )
        printk("linear map: frames 0x%lx-0x%lx have tables, for the balloon "
               "(no memory at boot)\n", info.populated_frames,
               info.mapped_frames - 1);
}
