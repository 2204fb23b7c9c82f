/*
 * gnttab.c: the kernel's grant table, set up once and again after every
 * suspend.
 *
 * At boot (gnttab_init(), after mem_init()): Xen says how large the
 * domain's table is and may grow (GNTTABOP_query_size); tinypv uses
 * GNTTAB_MAX_FRAMES frames at most (2048 references, plenty for a few
 * rings), asks the platform to map them (arch_gnttab_map()), and gives
 * the bookkeeping (grant/gnttab_table.c) its records, in pages from the
 * allocator: never in the shared frames, which Xen and the backends can
 * read.
 *
 * Around a suspend: the platform drops what the save cannot carry and
 * maps the table again afterwards (arch_gnttab_suspend(),
 * arch_gnttab_resume()). In a new domain (restore, migration) Xen's table
 * is a new one, holding only the toolstack's reserved entries: every
 * grant that was active is gone, and so is the backend that mapped it.
 * The references stay with their owners, marked lost, until they end
 * them (which then succeeds at once); a frontend grants again when it
 * reconnects. Deferred grants end at the next retry for the same reason.
 *
 * Deferred grants (still mapped when their owner ended them) are retried
 * by a timer every GNTTAB_RETRY_MS, from the main loop, while any is left:
 * nothing waits for a backend.
 */
#include <tinypv/gnttab.h>
#include <tinypv/platform.h>
#include <tinypv/mm.h>
#include <tinypv/hypercall.h>
#include <tinypv/printk.h>
#include <tinypv/clock.h>
#include <tinypv/xs_proto.h>

static struct gnttab_table table;
static void *table_va;
static struct gnttab_status status;
static struct timer retry_timer;
static bool exhaustion_said;

bool gnttab_ready(void)
{
    return status.ready;
}

/* How many pages (as an order) the records of nr references need. */
static unsigned int slots_order(uint32_t nr)
{
    size_t pages = (gnttab_table_slots_size(nr) + PAGE_SIZE - 1) / PAGE_SIZE;
    unsigned int order = 0;

    while ( (1UL << order) < pages )
        order++;
    return order;
}

static bool query_size(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1);

    if ( rc || q.status != GNTST_okay )
    {
        printk("gnttab: GNTTABOP_query_size failed (error %ld, status %d: "
               "%s); no grant table\n", rc, q.status,
               gnttab_strstatus(q.status));
        return false;
    }
    status.xen_frames = q.nr_frames;
    status.xen_max_frames = q.max_nr_frames;
    return true;
}

void gnttab_init(void)
{
    struct gnttab_slot *slots;
    uint32_t nr;
    int rc;

    if ( !query_size() )
        return;
    status.frames = MIN(status.xen_max_frames, GNTTAB_MAX_FRAMES);
    if ( status.frames == 0 )
    {
        printk("gnttab: Xen allows this domain no grant-table frames "
               "(max %u); no grant table\n", status.xen_max_frames);
        return;
    }
    nr = status.frames * GNTTAB_ENTRIES_PER_FRAME;
    slots = mem_alloc_pages(slots_order(nr), PAGE_OWNER_KERNEL);
    if ( !slots )
    {
        printk("gnttab: no %lu KiB for the records of %u references; no "
               "grant table\n", (PAGE_SIZE << slots_order(nr)) / 1024, nr);
        return;
    }
    if ( arch_gnttab_map(status.frames, &table_va) )
    {
        mem_free_pages(slots, slots_order(nr), PAGE_OWNER_KERNEL);
        return;                 /* the platform said what failed */
    }
    rc = gnttab_table_init(&table, table_va, nr, slots);
    if ( rc )
    {
        printk("gnttab: cannot keep the records of %u references (error "
               "%d); no grant table\n", nr, rc);
        return;
    }
    status.ready = true;
    status.table = &table;
    printk("gnttab: %u of at most %u frames (Xen: %u now), %u references, "
           "%u free\n", status.frames, status.xen_max_frames,
           status.xen_frames, nr, table.nr_free);
    if ( table.c.found_in_use )
        printk("gnttab: %u entries beyond the reserved ones were in use "
               "already; left alone\n", table.c.found_in_use);
}

int gnttab_grant_access(domid_t domid, const void *va, bool readonly,
                        const char *owner, grant_ref_t *ref)
{
    unsigned long frame;
    int rc;

    if ( !status.ready )
        return -EIO;
    if ( (unsigned long)va % PAGE_SIZE )
        return -EINVAL;
    frame = arch_gnttab_frame(va);
    if ( !frame )
        return -EINVAL;
    rc = gnttab_table_grant(&table, domid, frame, readonly, owner, ref);
    if ( rc == -ENOSPC && !exhaustion_said )
    {
        /* Once until a reference is free again: a frontend may retry often. */
        printk("gnttab: all %u references in use (%u granted, %u deferred); "
               "%s's grant to domain %u refused\n", table.nr,
               table.nr_granted, table.nr_deferred, owner, domid);
        exhaustion_said = true;
    }
    return rc;
}

int gnttab_end_access(grant_ref_t ref, const char *owner)
{
    int rc;

    if ( !status.ready )
        return -EIO;
    rc = gnttab_table_end(&table, ref, owner);
    if ( rc == 0 )
        exhaustion_said = false;
    return rc;
}

static void retry_deferred(struct timer *t, void *ctx)
{
    uint32_t before = table.nr_deferred;
    uint32_t left = gnttab_table_retry(&table);

    if ( left < before )
        exhaustion_said = false;
    if ( left )
        timer_arm(&retry_timer, monotonic_ns() +
                  GNTTAB_RETRY_MS * NSEC_PER_MSEC, retry_deferred, NULL);
}

int gnttab_end_access_deferred(grant_ref_t ref, const char *owner,
                               gnttab_release_fn release, void *ctx)
{
    int rc;

    if ( !status.ready )
        return -EIO;
    rc = gnttab_table_end_deferred(&table, ref, owner, release, ctx);
    if ( rc == 0 )
        exhaustion_said = false;
    if ( rc == 1 && !retry_timer.armed )
        timer_arm(&retry_timer, monotonic_ns() +
                  GNTTAB_RETRY_MS * NSEC_PER_MSEC, retry_deferred, NULL);
    return rc;
}

void gnttab_suspend(void)
{
    if ( status.ready )
        arch_gnttab_suspend();
}

void gnttab_resume(bool new_domain)
{
    uint64_t lost = table.c.lost;

    if ( !status.ready )
        return;
    if ( arch_gnttab_resume(new_domain) ||
         gnttab_table_resume(&table, table_va, table.nr, new_domain) )
    {
        status.ready = false;
        status.table = NULL;
        printk("gnttab: the grant table is not set up again after the "
               "suspend; grants fail from now on\n");
        return;
    }
    if ( table.c.lost > lost )
        printk("gnttab: %llu grants were active in the old domain: gone "
               "with its table (their owners grant again)\n",
               (unsigned long long)(table.c.lost - lost));
}

void gnttab_get_status(struct gnttab_status *st)
{
    *st = status;
}
