/*
 * pagetable.h: the pure arithmetic of PV direct paging (pagetable.c),
 * what arch/x86/pv/linear_map.c and the `walk` command build on.
 *
 * A 32-bit PV guest runs in PAE mode: a virtual address is split 2 + 9 + 9
 * + 12 bits (L3 slot, L2 index, L1 index, offset), every entry is 64 bits
 * wide and names a machine frame (MFN), never a guest frame. Xen checks
 * every entry the guest asks for (docs/11-memory.md, "PV direct paging").
 * Nothing here makes a hypercall: the host test (tests/host/test_pv_pagetable.c)
 * runs exactly this code.
 */
#ifndef TINYPV_ARCH_PV_PAGETABLE_H
#define TINYPV_ARCH_PV_PAGETABLE_H

#include <tinypv/types.h>

/* PAE entry bits. */
#define PTE_PRESENT     (1ULL << 0)
#define PTE_RW          (1ULL << 1)
#define PTE_USER        (1ULL << 2)
#define PTE_ACCESSED    (1ULL << 5)
#define PTE_DIRTY       (1ULL << 6)
#define PTE_PSE         (1ULL << 7)
#define PTE_NX          (1ULL << 63)
#define PTE_KERNEL_RW   (PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY)
#define PTE_KERNEL_RO   (PTE_PRESENT | PTE_ACCESSED)
/*
 * An L2 entry that points to an L1 table: what Xen's builder writes in the
 * bootstrap L2 (user: the L1 entries decide; ours never allow it).
 */
#define PTE_TABLE       (PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | \
                         PTE_DIRTY)

/* A PAE entry holds a 52-bit machine address: 40 bits of frame number. */
#define PAE_MAX_MFN     ((1ULL << 40) - 1)
#define PAE_ADDR_MASK   (PAE_MAX_MFN << 12)
#define PAE_ENTRIES     512
#define L1_SHIFT        12
#define L2_SHIFT        21
#define L3_SHIFT        30

/* The entry for machine frame mfn with flags; 0 (not present) if mfn > 2^40-1. */
uint64_t pae_entry(uint64_t mfn, uint64_t flags);
/* The machine frame an entry names (its flags and NX bit dropped). */
uint64_t pae_entry_mfn(uint64_t entry);
static inline bool pae_present(uint64_t entry)
{
    return entry & PTE_PRESENT;
}

/* The L3 slot, L2 and L1 index of a virtual address. */
static inline unsigned int pae_l3_index(uint32_t va)
{
    return va >> L3_SHIFT;
}
static inline unsigned int pae_l2_index(uint32_t va)
{
    return (va >> L2_SHIFT) & (PAE_ENTRIES - 1);
}
static inline unsigned int pae_l1_index(uint32_t va)
{
    return (va >> L1_SHIFT) & (PAE_ENTRIES - 1);
}

/*
 * How many frames the kernel window holds: from virt_base (where frame 0
 * is mapped, _text) up to the hypervisor hole. The hole starts at
 * HYPERVISOR_VIRT_START (0xF5800000 for a PAE guest on a 64-bit Xen) or
 * lower, where Xen says its M2P starts (XENMEM_machphys_mapping; 0: not
 * known). 0 if the base is not below the hole.
 */
#define PV_HOLE_START   0xF5800000UL
unsigned long pv_window_frames(unsigned long virt_base,
                               unsigned long m2p_start);

/*
 * How many L1 tables map frames [first, end) (frame n at virt_base + n
 * pages, virt_base on a 2 MiB boundary): one per 512-frame slot touched.
 */
unsigned long pv_l1_tables_for(unsigned long first, unsigned long end);

/*
 * One round of building the linear map. Frames [0, mapped) are mapped;
 * the next free one is next_free (the L1 pages are taken there, one
 * after the other, below mapped); the goal is [0, target). Returns how
 * many L1 tables to build this round: as many as the goal needs, at most
 * as many free mapped frames as there are. Each new table maps 512 more
 * frames, which the next round may use: so a few rounds reach any goal
 * from the 512 KiB Xen guarantees. 0: done, or stuck (no free frame).
 * mapped must be on a 512-frame boundary (the bootstrap mapping ends on
 * a 4 MiB one, and each round ends on one, or at target).
 */
unsigned long pv_map_round(unsigned long next_free, unsigned long mapped,
                           unsigned long target);

/*
 * The same, when frames [usable, mapped) are mapped but have no memory
 * (the balloon's, past nr_pages): the tables come only from frames below
 * usable.
 */
unsigned long pv_map_round_usable(unsigned long next_free, unsigned long mapped,
                                  unsigned long usable, unsigned long target);

/*
 * Batching: n requests in hypercalls of at most per_call each. submit()
 * makes one hypercall for requests [first, first + count) and returns its
 * result and, in *done, how many of them Xen completed (mmu_update's and
 * mmuext_op's success count). Xen stops at the first request it refuses:
 * that is request first + *done, and no later one was applied. The run
 * stops there too.
 */
typedef long (*batch_submit_fn)(void *ctx, size_t first, unsigned int count,
                                unsigned int *done);

struct batch_result {
    size_t done;            /* requests completed, from the first on */
    size_t hypercalls;      /* hypercalls made */
    long rc;                /* 0, or the failing hypercall's error */
    bool failed;            /* a request was refused: */
    size_t failed_index;    /* ... this one (valid when failed) */
};

/*
 * A hypercall that returns 0 but completed fewer than it was given (or
 * claims more) is a failure too: rc BATCH_SHORT, failed_index where the
 * count says it stopped (clamped to the call's requests).
 */
#define BATCH_SHORT     (-5L)   /* -EIO */

void batch_run(size_t n, unsigned int per_call, batch_submit_fn submit,
               void *ctx, struct batch_result *res);

#endif /* TINYPV_ARCH_PV_PAGETABLE_H */
