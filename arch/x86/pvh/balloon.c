/*
 * balloon.c: the PVH half of the balloon (<tinypv/platform.h>,
 * arch_balloon_give/arch_balloon_reclaim; mm/balloon.c is the rest).
 *
 * A PVH guest names its memory by guest frame (GFN): Xen's nested page
 * tables map each to a machine frame the guest never sees. Giving a page
 * back is XENMEM_decrease_reservation with its GFN (Xen empties that
 * slot of the nested tables); taking it back is XENMEM_populate_physmap
 * with the same GFN (Xen fills the slot with some free machine frame).
 * There is no P2M, no M2P and nothing to map: the identity map covers the
 * GFN all along, and the guest's page tables are not Xen's business. What
 * is ours to keep is never to touch a GFN while it is empty: a read or a
 * write there is no RAM but an access Xen cannot emulate, and it ends the
 * domain. The allocator sees to that (an AWAY frame is never handed out).
 *
 * Both calls batch a few hundred frames in one memory_op and may stop
 * part-way; the count Xen returns says how many of the first frames were
 * done, which is the order the contract wants (done ones in front).
 */
#include <tinypv/platform.h>
#include <tinypv/balloon.h>
#include <tinypv/hypercall.h>
#include <tinypv/printk.h>

static xen_pfn_t gfns[BALLOON_BATCH];

/* One memory_op over pfns[0..n); how many Xen did, and its error if any. */
static unsigned long reservation(unsigned int cmd, const unsigned long *pfns,
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
    /* A copy: populate_physmap writes its answer over the list. */
    for ( unsigned long i = 0; i < n; i++ )
        gfns[i] = pfns[i];
    set_xen_guest_handle(r.extent_start, gfns);
    rc = HYPERVISOR_memory_op(cmd, &r);
    *err = rc < 0 ? rc : 0;
    if ( rc < 0 )
        return 0;
    return (unsigned long)rc < n ? (unsigned long)rc : n;
}

static unsigned long batch(unsigned int cmd, const char *what,
                           unsigned long *pfns, unsigned long n,
                           struct balloon_stats *st)
{
    unsigned long done;
    long err;

    if ( n > BALLOON_BATCH )
        n = BALLOON_BATCH;
    done = reservation(cmd, pfns, n, &err);
    if ( done < n )
    {
        st->errors++;
        printk("\nballoon: Xen %s %lu of %lu frames; frame 0x%lx refused "
               "(%s%ld)\n", what, done, n, pfns[done],
               err ? "error " : "no error, count ", err ? err : (long)done);
    }
    return done;
}

unsigned long arch_balloon_give(unsigned long *pfns, unsigned long n,
                                struct balloon_stats *st)
{
    if ( n == 0 )
        return 0;
    st->decrease_calls++;
    return batch(XENMEM_decrease_reservation, "took back", pfns, n, st);
}

unsigned long arch_balloon_reclaim(unsigned long *pfns, unsigned long n,
                                   struct balloon_stats *st)
{
    if ( n == 0 )
        return 0;
    st->populate_calls++;
    return batch(XENMEM_populate_physmap, "gave memory for", pfns, n, st);
}
