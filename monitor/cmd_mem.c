/*
 * cmd_mem.c: the monitor's memory commands.
 *
 * mem prints what the allocator knows (frames by state and by owner, free
 * blocks by size) beside what Xen says the domain has
 * (XENMEM_current_reservation, XENMEM_maximum_reservation): the two views
 * differ by what the balloon gave back, and by nothing else.
 *
 * memtest proves that every free page is mapped and usable: it takes all
 * of them from the allocator, biggest blocks first, writes a pattern that
 * depends on the address into each word, reads it back, then writes and
 * checks the inverse (so each bit is seen at 0 and at 1), and gives the
 * pages back. It reports the pages tested and the speed of the whole
 * (two writes and two reads of every byte). Between blocks it serves
 * xenstore, as the main loop would, so xl save or xl shutdown are not
 * kept waiting for the end of a long test. A free page the allocator
 * will not hand out fails the test too: "every free page" means all.
 *
 * Before that it checks the buddy allocator itself, which the pattern
 * test cannot see (taking the biggest blocks first splits nothing, and
 * giving them back merges nothing): it takes 2^PAGE_MAX_ORDER single
 * pages, which splits blocks, gives them back, which must merge them
 * again, and compares the free blocks with what they were. With every
 * merge made, the free blocks are a function of the free frames alone,
 * so they must be exactly as before; then page_alloc_check() tests every
 * invariant (docs/labs/memory.md).
 */
#include <monitor/mem.h>
#include <tinypv/mm.h>
#include <tinypv/balloon.h>
#include <tinypv/printk.h>
#include <tinypv/clock.h>
#include <tinypv/hypercall.h>
#include <tinypv/xenstore.h>
#include <tinypv/events.h>
#include <lib/div64.h>
#include <xen/memory.h>

#define KIB_PER_PAGE    (PAGE_SIZE / 1024)

/* --- mem --------------------------------------------------------------- */

static void print_xen_view(void)
{
    domid_t self = DOMID_SELF;
    long cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    long max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);

    if ( cur < 0 || max < 0 )
        printk("  xen         current reservation: error %ld, maximum: "
               "error %ld\n", cur, max);
    else
        printk("  xen         %ld KiB now, at most %ld KiB "
               "(XENMEM_current/maximum_reservation)\n",
               cur * KIB_PER_PAGE, max * KIB_PER_PAGE);
}

static void print_owners(const struct page_alloc_counters *c)
{
    for ( unsigned int o = PAGE_OWNER_NONE + 1; o < PAGE_OWNER_COUNT; o++ )
        if ( c->by_owner[o] )
            printk("    %-12s %6lu pages (%lu KiB)\n",
                   page_owner_name((enum page_owner)o), c->by_owner[o],
                   c->by_owner[o] * KIB_PER_PAGE);
}

static void print_free_blocks(const struct page_alloc_counters *c)
{
    printk("  free blocks");
    for ( unsigned int o = 0; o <= PAGE_MAX_ORDER; o++ )
        printk(" %lu", c->free_blocks[o]);
    printk("  (of 4 KiB, 8 KiB, ... 4 MiB)\n");
}

void cmd_mem(int argc, char **argv)
{
    struct page_alloc_counters c;
    struct mem_info mi;

    (void)argv;
    if ( argc != 1 )
    {
        printk("usage: mem: takes no arguments\n");
        return;
    }
    if ( !mem_ready() )
    {
        printk("mem: no allocator (see the boot messages)\n");
        return;
    }
    page_alloc_get_counters(mem_allocator(), &c);
    mem_get_info(&mi);
    printk("  frames      %lu (0 .. 0x%lx)\n", c.frames, c.frames - 1);
    printk("  ram         %lu pages (%lu KiB): %lu free, %lu used, "
           "%lu taken\n", c.ram, c.ram * KIB_PER_PAGE, c.free, c.used,
           c.taken);
    printk("  away        %lu pages (%lu KiB) with no memory: given back "
           "to Xen, or room to grow up to maxmem\n", c.away,
           c.away * KIB_PER_PAGE);
    if ( mi.not_mapped )
        printk("  not mapped  %lu pages (%lu KiB) of RAM, not used\n",
               mi.not_mapped, mi.not_mapped * KIB_PER_PAGE);
    printk("  in use by\n");
    print_owners(&c);
    print_free_blocks(&c);
    printk("  calls       %llu allocs, %llu frees, %llu failed, %llu "
           "refused\n", (unsigned long long)c.allocs,
           (unsigned long long)c.frees, (unsigned long long)c.failed_allocs,
           (unsigned long long)c.refused);
    print_xen_view();
    balloon_print_info();
}

/* --- memtest ----------------------------------------------------------- */

/* A block under test; the list of them lives in the blocks themselves. */
struct tested_block {
    struct tested_block *next;
    unsigned int order;
};

struct memtest_result {
    unsigned long pages, blocks, bad_words;
    uint32_t *first_bad;        /* the first word that read back wrong */
    uint32_t wrote, read;       /* ... what was written and what came back */
};

/* The word written at p: a function of the address, so no two pages match. */
static inline uint32_t pattern(const uint32_t *p, uint32_t invert)
{
    uint32_t a = (uint32_t)(unsigned long)p;

    return (a * 2654435761u ^ (a >> 12)) ^ invert;
}

static void test_pass(uint32_t *words, size_t n, uint32_t invert,
                      struct memtest_result *r)
{
    for ( size_t i = 0; i < n; i++ )
        words[i] = pattern(&words[i], invert);
    for ( size_t i = 0; i < n; i++ )
    {
        uint32_t want = pattern(&words[i], invert);

        if ( words[i] == want )
            continue;
        if ( !r->bad_words++ )
        {
            r->first_bad = &words[i];
            r->wrote = want;
            r->read = words[i];
        }
    }
}

static void test_block(void *va, unsigned int order, struct memtest_result *r)
{
    size_t words = ((size_t)PAGE_SIZE << order) / sizeof(uint32_t);

    test_pass(va, words, 0, r);
    test_pass(va, words, 0xffffffffu, r);
    r->pages += 1UL << order;
    r->blocks++;
}

/* Serve the toolstack between blocks, as kernel_idle() would. */
static void serve_toolstack(void)
{
    if ( xenstore_pending() )
        xenstore_process();
    evtchn_end_turn();
}

/* Every free page, tested; the blocks are chained on *list to be freed. */
static void take_and_test(struct tested_block **list, struct memtest_result *r)
{
    for ( int order = PAGE_MAX_ORDER; order >= 0; order-- )
    {
        void *va;

        while ( (va = mem_alloc_pages((unsigned int)order,
                                      PAGE_OWNER_MEMTEST)) )
        {
            struct tested_block *b = va;

            test_block(va, (unsigned int)order, r);
            b->next = *list;
            b->order = (unsigned int)order;
            *list = b;
            serve_toolstack();
        }
    }
}

static void give_back(struct tested_block *list)
{
    while ( list )
    {
        struct tested_block *next = list->next;

        mem_free_pages(list, list->order, PAGE_OWNER_MEMTEST);
        list = next;
    }
}

static void print_blocks(const struct page_alloc_counters *c)
{
    for ( unsigned int o = 0; o <= PAGE_MAX_ORDER; o++ )
        printk(" %lu", c->free_blocks[o]);
}

/*
 * Split and merge: single pages taken and given back leave the free
 * blocks as they were, and the allocator's invariants hold. Nothing else
 * runs meanwhile (no serve_toolstack()). Says what went wrong; false then.
 */
static bool split_and_merge(void)
{
    struct page_alloc *pa = mem_allocator();
    struct page_alloc_counters before, after;
    struct tested_block *list = NULL;
    unsigned long taken = 0;
    bool same = true;
    int rc;

    page_alloc_get_counters(pa, &before);
    while ( taken < (1UL << PAGE_MAX_ORDER) )
    {
        struct tested_block *b = mem_alloc_pages(0, PAGE_OWNER_MEMTEST);

        if ( !b )
            break;
        b->next = list;
        b->order = 0;
        list = b;
        taken++;
    }
    give_back(list);
    page_alloc_get_counters(pa, &after);
    if ( before.free && !taken )
    {
        printk("memtest: FAIL: split and merge: no single page could be "
               "taken, though %lu pages are free\n", before.free);
        return false;
    }
    for ( unsigned int o = 0; o <= PAGE_MAX_ORDER; o++ )
        same = same && before.free_blocks[o] == after.free_blocks[o];
    if ( !same || before.free != after.free )
    {
        printk("memtest: FAIL: split and merge: %lu single pages taken and "
               "given back, and the free blocks by order are not as before "
               "(before:", taken);
        print_blocks(&before);
        printk("; after:");
        print_blocks(&after);
        printk(")\n");
        return false;
    }
    rc = page_alloc_check(pa);
    if ( rc )
    {
        printk("memtest: FAIL: split and merge: page_alloc_check: %s\n",
               page_alloc_strerror(rc));
        return false;
    }
    printk("memtest: split and merge: %lu single pages taken and given "
           "back, the free blocks as before; page_alloc_check: ok\n", taken);
    return true;
}

/*
 * MiB/s of 4 passes over the pages (two writes, two reads), in tenths.
 * A 32-bit kernel has no 64-by-64 division: microseconds, in 32 bits
 * (for tests shorter than an hour), are the divisor.
 */
static unsigned long speed_tenths(unsigned long pages, uint64_t ns)
{
    uint64_t kib = (uint64_t)pages * KIB_PER_PAGE * 4;
    uint32_t rem, us = (uint32_t)div_u64_rem(ns, 1000, &rem);

    if ( us == 0 )
        us = 1;
    return (unsigned long)div_u64_rem(div_u64_rem(kib * 10000000, 1024, &rem),
                                      us, &rem);
}

void cmd_memtest(int argc, char **argv)
{
    struct tested_block *list = NULL;
    struct memtest_result r = { 0 };
    struct page_alloc_counters c;
    uint64_t start, ns;
    unsigned long tenths, pages;

    (void)argv;
    if ( argc != 1 )
    {
        printk("usage: memtest: takes no arguments\n");
        return;
    }
    if ( !mem_ready() )
    {
        printk("memtest: no allocator (see the boot messages)\n");
        return;
    }
    split_and_merge();
    start = monotonic_ns();
    /*
     * Until the allocator has no free page left. A pass that takes
     * nothing while it counts free pages ends it: those it will not give.
     */
    do
    {
        pages = r.pages;
        take_and_test(&list, &r);
        page_alloc_get_counters(mem_allocator(), &c);
    } while ( c.free && r.pages > pages );
    ns = monotonic_ns() - start;
    give_back(list);
    tenths = speed_tenths(r.pages, ns);
    if ( r.bad_words )
        printk("memtest: FAIL: %lu bad words in %lu pages; first at %p: "
               "wrote 0x%08x, read 0x%08x\n", r.bad_words, r.pages,
               (void *)r.first_bad, r.wrote, r.read);
    else if ( c.free )
        printk("memtest: FAIL: %lu free pages could not be taken (%lu "
               "pages were)\n", c.free, r.pages);
    else
        printk("memtest: ok: %lu pages (%lu KiB) in %lu blocks, %lu.%lu "
               "MiB/s\n", r.pages, r.pages * KIB_PER_PAGE, r.blocks,
               tenths / 10, tenths % 10);
}
