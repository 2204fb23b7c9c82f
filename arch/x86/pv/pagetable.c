/*
 * pagetable.c: the pure parts of PV direct paging: PAE entries, the
 * kernel window, how many L1 tables a run of frames needs, the rounds of
 * building the linear map, and batching requests into hypercalls with
 * partial success (pagetable.h says what each one promises).
 *
 * Why rounds: an L1 table is a page, and the only pages mapped at boot
 * are the bootstrap mapping's; Xen guarantees 512 KiB of padding there,
 * 128 pages, enough for 128 tables (256 MiB). The window holds up to 428
 * tables. So the first round takes what is free in the bootstrap mapping,
 * and each later round takes its tables from the frames the round before
 * mapped. In practice the bootstrap mapping ends on a 4 MiB boundary with
 * far more than 512 KiB free, and one round does it.
 */
#include "pagetable.h"

uint64_t pae_entry(uint64_t mfn, uint64_t flags)
{
    if ( mfn > PAE_MAX_MFN )
        return 0;
    return (mfn << L1_SHIFT) | (flags & ~PAE_ADDR_MASK);
}

uint64_t pae_entry_mfn(uint64_t entry)
{
    return (entry & PAE_ADDR_MASK) >> L1_SHIFT;
}

unsigned long pv_window_frames(unsigned long virt_base,
                               unsigned long m2p_start)
{
    unsigned long end = PV_HOLE_START;

    /* Xen may start its part lower (XEN_ELFNOTE_HV_START_LOW): trust less. */
    if ( m2p_start && m2p_start < end )
        end = m2p_start;
    if ( virt_base >= end )
        return 0;
    return (end - virt_base) >> L1_SHIFT;
}

unsigned long pv_l1_tables_for(unsigned long first, unsigned long end)
{
    if ( end <= first )
        return 0;
    return (end - 1) / PAE_ENTRIES - first / PAE_ENTRIES + 1;
}

unsigned long pv_map_round(unsigned long next_free, unsigned long mapped,
                           unsigned long target)
{
    unsigned long want, have;

    if ( target <= mapped || next_free >= mapped )
        return 0;
    want = pv_l1_tables_for(mapped, target);
    have = mapped - next_free;
    return want < have ? want : have;
}

unsigned long pv_map_round_usable(unsigned long next_free, unsigned long mapped,
                                  unsigned long usable, unsigned long target)
{
    unsigned long n = pv_map_round(next_free, mapped, target);

    if ( next_free >= usable )
        return 0;
    return n < usable - next_free ? n : usable - next_free;
}

/* LAB memory BEGIN: batching requests, stopping at the first refused one */
void batch_run(size_t n, unsigned int per_call, batch_submit_fn submit,
               void *ctx, struct batch_result *res)
{
    res->done = 0;
    res->hypercalls = 0;
    res->rc = 0;
    res->failed = false;
    res->failed_index = 0;
    if ( !per_call )
    {
        res->failed = n != 0;
        res->rc = n ? BATCH_SHORT : 0;
        return;
    }

    while ( res->done < n )
    {
        unsigned int count = n - res->done < per_call ? n - res->done
                                                      : per_call;
        unsigned int done = 0;
        long rc = submit(ctx, res->done, count, &done);

        res->hypercalls++;
        if ( rc == 0 && done == count )
        {
            res->done += count;
            continue;
        }
        /* Refused, or a count that does not add up: stop at the culprit. */
        if ( done >= count )
            done = count - 1;           /* blame the call's last request */
        res->rc = rc ? rc : BATCH_SHORT;
        res->failed = true;
        res->failed_index = res->done + done;
        res->done += done;
        return;
    }
}
#if 0 /* LAB memory STUB */
/*
 * LAB memory: make the n requests in hypercalls of at most per_call each:
 * submit(ctx, first, count, &done) makes one, for requests
 * [first, first + count), and says how many Xen completed. Count every
 * call in res->hypercalls and the completed requests in res->done. A call
 * that returns an error, or completes fewer (or more) than it was given,
 * stops the run: res->failed, res->rc (the error, or BATCH_SHORT when it
 * returned 0), res->failed_index = the request Xen stopped at (first +
 * done, at most the call's last request). per_call 0: nothing can be
 * made. pagetable.h says it all; tests/host/test_pv_pagetable.c checks it.
 * This stub makes no hypercall and says the first request failed with
 * -ENOSYS (38): the linear map is not built beyond Xen's bootstrap mapping.
 */
void batch_run(size_t n, unsigned int per_call, batch_submit_fn submit,
               void *ctx, struct batch_result *res)
{
    (void)per_call;
    (void)submit;
    (void)ctx;
    res->done = 0;
    res->hypercalls = 0;
    res->rc = n ? -38L : 0;             /* -ENOSYS: not written yet */
    res->failed = n != 0;
    res->failed_index = 0;
}
#endif /* LAB memory END */
