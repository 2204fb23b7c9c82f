/*
 * test_page_alloc.c: the page-frame allocator (mm/page_alloc.c).
 *
 * Exhaustion, every order, coalescing, fragmentation, reservations, the
 * balloon's give-away and take-back, and every kind of bad free: each
 * refused call must be reported once and leave the allocator exactly as
 * it was (the metadata is compared byte for byte). page_alloc_check()
 * runs after each step, and is itself shown to catch planted damage.
 */
#include <stdlib.h>
#include <tinypv/page_alloc.h>
#include "check.h"

static uint32_t meta_store[(2 << 20) / sizeof(uint32_t)];   /* 2 MiB */
static struct page_alloc pa;

static struct {
    unsigned int count;
    struct page_alloc_report last;
} reports;

static void record(void *ctx, const struct page_alloc_report *r)
{
    reports.count++;
    reports.last = *r;
}

static const struct page_alloc_ops ops = { .report = record };

/* A fresh allocator over [first, first + nr), with [ram_first, ram_end) RAM. */
static void setup(unsigned long first, unsigned long nr,
                  unsigned long ram_first, unsigned long ram_end)
{
    CHECK_EQ(page_alloc_init(&pa, first, nr, meta_store, sizeof(meta_store),
                             &ops), PAGE_OK);
    if ( ram_end > ram_first )
        CHECK_EQ(page_alloc_add_ram(&pa, ram_first, ram_end - ram_first),
                 PAGE_OK);
    memset(&reports, 0, sizeof(reports));
}

static struct page_alloc_counters counters(void)
{
    struct page_alloc_counters c;

    page_alloc_get_counters(&pa, &c);
    return c;
}

static void check_ok(void)
{
    unsigned int before = reports.count;

    CHECK_EQ(page_alloc_check(&pa), PAGE_OK);
    CHECK_EQ(reports.count, before);
}

/* --- a refused call changes nothing ---------------------------------------- */

static struct page_alloc snap_pa;
static uint8_t snap_meta[16384];

static void snapshot(void)
{
    memcpy(&snap_pa, &pa, sizeof(pa));
    memcpy(snap_meta, meta_store, sizeof(snap_meta));
}

/* rc must be err, reported once, with the state as it was apart from the count. */
static void expect_refused(int rc, int err, unsigned int reports_before,
                           unsigned long pfn)
{
    CHECK_EQ((unsigned int)-rc, (unsigned int)-err);
    CHECK_EQ(reports.count, reports_before + 1);
    CHECK_EQ((unsigned int)-reports.last.err, (unsigned int)-err);
    CHECK_EQ(reports.last.pfn, pfn);
    CHECK_EQ(pa.refused, snap_pa.refused + 1);
    snap_pa.refused = pa.refused;
    CHECK(memcmp(&snap_pa, &pa, sizeof(pa)) == 0);
    CHECK(memcmp(snap_meta, meta_store, sizeof(snap_meta)) == 0);
    check_ok();
}

/* --- the tests --------------------------------------------------------------- */

static void test_meta_size(void)
{
    /* 16 MiB: 4096 bytes + 258 bitmap words. */
    CHECK_EQ(page_alloc_meta_size(0, 4096), 4096 + 258 * 4);
    /* 4 GiB: 1 MiB + 65504 words, about 1.25 MiB. */
    CHECK_EQ(page_alloc_meta_size(0, 1UL << 20), (1UL << 20) + 65504 * 4);
    /* The PV kernel window, 0xC0000000 to 0xF5800000. */
    CHECK(page_alloc_meta_size(0, 0x35800000UL >> 12) < 270 * 1024);
    CHECK_EQ(page_alloc_meta_size(0, 0), 0);
    CHECK_EQ(page_alloc_meta_size(~0UL - 5, 10), 0);        /* wraps */
    /* An unaligned first frame costs bitmap bits below it, no frame bytes. */
    CHECK(page_alloc_meta_size(1000, 3000) >= 3000);
}

static void test_init_refused(void)
{
    memset(&reports, 0, sizeof(reports));
    CHECK_EQ(page_alloc_init(&pa, 0, 4096, meta_store, 100, &ops),
             PAGE_ERR_META);
    CHECK_EQ(page_alloc_init(&pa, 0, 4096, (uint8_t *)meta_store + 1,
                             sizeof(meta_store) - 4, &ops), PAGE_ERR_META);
    CHECK_EQ(page_alloc_init(&pa, 0, 4096, NULL, 0, &ops), PAGE_ERR_META);
    CHECK_EQ(page_alloc_init(&pa, 5, 0, meta_store, sizeof(meta_store), &ops),
             PAGE_ERR_RANGE);
    CHECK_EQ(page_alloc_init(&pa, ~0UL, 2, meta_store, sizeof(meta_store),
                             &ops), PAGE_ERR_RANGE);
    CHECK_EQ(reports.count, 5);
    /* A failed init manages nothing: every call is refused, none crashes. */
    CHECK_EQ(page_alloc_add_ram(&pa, 0, 1), PAGE_ERR_RANGE);
    {
        unsigned long pfn;

        CHECK_EQ(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn), PAGE_ERR_NOMEM);
    }
    CHECK_EQ(page_alloc_check(&pa), PAGE_OK);
    /* Exactly the size asked for is enough; no ops is fine too. */
    CHECK_EQ(page_alloc_init(&pa, 0, 4096, meta_store,
                             page_alloc_meta_size(0, 4096), NULL), PAGE_OK);
    CHECK_EQ(page_alloc_add_ram(&pa, 0, 4096), PAGE_OK);
    CHECK_EQ(free_pages(&pa, 0, 0, PAGE_OWNER_KERNEL), PAGE_ERR_DOUBLE_FREE);
}

static void test_exhaustion(void)
{
    static unsigned char seen[1024];
    struct page_alloc_counters c;
    unsigned long pfn;
    bool distinct = true;

    setup(0, 1024, 0, 1024);
    c = counters();
    CHECK_EQ(c.free, 1024);
    CHECK_EQ(c.ram, 1024);
    CHECK_EQ(c.free_blocks[PAGE_MAX_ORDER], 1);

    memset(seen, 0, sizeof(seen));
    for ( unsigned int i = 0; i < 1024; i++ )
    {
        if ( alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn) != PAGE_OK ||
             pfn >= 1024 || seen[pfn] )
            distinct = false;
        else
            seen[pfn] = 1;
    }
    CHECK(distinct);
    check_ok();
    c = counters();
    CHECK_EQ(c.free, 0);
    CHECK_EQ(c.used, 1024);
    CHECK_EQ(c.by_owner[PAGE_OWNER_KERNEL], 1024);

    /* Empty: every order says so, without a report. */
    for ( unsigned int k = 0; k <= PAGE_MAX_ORDER; k++ )
        CHECK_EQ(alloc_pages(&pa, k, PAGE_OWNER_KERNEL, &pfn), PAGE_ERR_NOMEM);
    CHECK_EQ(counters().failed_allocs, PAGE_MAX_ORDER + 1);
    CHECK_EQ(reports.count, 0);
    CHECK_EQ(page_alloc_give_away_any(&pa, &pfn), PAGE_ERR_NOMEM);

    /* Everything back: one block again. */
    for ( pfn = 0; pfn < 1024; pfn++ )
        CHECK_EQ(free_pages(&pa, pfn, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    c = counters();
    CHECK_EQ(c.free, 1024);
    CHECK_EQ(c.free_blocks[PAGE_MAX_ORDER], 1);
    CHECK_EQ(c.allocs, 1024);
    CHECK_EQ(c.frees, 1024);
    check_ok();
}

static void test_every_order(void)
{
    for ( unsigned int k = 0; k <= PAGE_MAX_ORDER; k++ )
    {
        unsigned long pfn, n = 0, got;
        bool used = true;

        setup(0, 2048, 0, 2048);
        CHECK_EQ(alloc_pages(&pa, k, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
        CHECK_EQ(pfn & ((1UL << k) - 1), 0);
        for ( unsigned long i = 0; i < (1UL << k); i++ )
            used &= page_alloc_state(&pa, pfn + i, NULL) == PAGE_USED;
        CHECK(used);
        CHECK(page_alloc_state(&pa, pfn + (1UL << k), NULL) == PAGE_FREE);
        CHECK_EQ(counters().used, 1UL << k);
        /* The split left one free block of each order from k up to 9. */
        for ( unsigned int j = 0; j <= PAGE_MAX_ORDER; j++ )
            CHECK_EQ(counters().free_blocks[j],
                     j == PAGE_MAX_ORDER ? 1 : (j >= k));
        check_ok();
        CHECK_EQ(free_pages(&pa, pfn, k, PAGE_OWNER_KERNEL), PAGE_OK);
        CHECK_EQ(counters().free_blocks[PAGE_MAX_ORDER], 2);
        check_ok();

        /* Exhaust at this order: exactly 2048 / 2^k blocks, all aligned. */
        while ( alloc_pages(&pa, k, PAGE_OWNER_KERNEL, &got) == PAGE_OK )
        {
            CHECK_EQ(got & ((1UL << k) - 1), 0);
            n++;
        }
        CHECK_EQ(n, 2048UL >> k);
        check_ok();
    }

    setup(0, 2048, 0, 2048);
    {
        unsigned long pfn = 12345;

        snapshot();
        expect_refused(alloc_pages(&pa, PAGE_MAX_ORDER + 1, PAGE_OWNER_KERNEL,
                                   &pfn), PAGE_ERR_ORDER, 0, 0);
        CHECK_EQ(pfn, 12345);
        snapshot();
        expect_refused(alloc_pages(&pa, 0, PAGE_OWNER_NONE, &pfn),
                       PAGE_ERR_INVAL, 1, 0);
        snapshot();
        expect_refused(alloc_pages(&pa, 0, PAGE_OWNER_COUNT, &pfn),
                       PAGE_ERR_INVAL, 2, 0);
        snapshot();
        expect_refused(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, NULL),
                       PAGE_ERR_INVAL, 3, 0);
    }
}

static void test_bad_frees(void)
{
    unsigned long a, b, c;

    setup(0, 1024, 0, 512);         /* 512..1023: absent */
    CHECK_EQ(page_alloc_take(&pa, 100, 4, PAGE_OWNER_IMAGE), PAGE_OK);
    CHECK_EQ(page_alloc_add_away(&pa, 600, 10), PAGE_OK);
    CHECK_EQ(alloc_pages(&pa, 2, PAGE_OWNER_KERNEL, &a), PAGE_OK);
    CHECK_EQ(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &b), PAGE_OK);
    CHECK_EQ(alloc_pages(&pa, 3, PAGE_OWNER_MEMTEST, &c), PAGE_OK);
    check_ok();

    /* Double free, right after the free and after the block merged. */
    CHECK_EQ(free_pages(&pa, b, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    snapshot();
    expect_refused(free_pages(&pa, b, 0, PAGE_OWNER_KERNEL),
                   PAGE_ERR_DOUBLE_FREE, 0, b);
    CHECK(reports.last.state == PAGE_FREE);
    CHECK_STR(reports.last.op, "free_pages");

    /* Inside a block, not at its start. */
    snapshot();
    expect_refused(free_pages(&pa, a + 1, 0, PAGE_OWNER_KERNEL),
                   PAGE_ERR_NOT_HEAD, 1, a + 1);
    CHECK(reports.last.state == PAGE_USED);
    CHECK(reports.last.owner == PAGE_OWNER_KERNEL);

    /* Another order than it was allocated with. */
    snapshot();
    expect_refused(free_pages(&pa, a, 1, PAGE_OWNER_KERNEL), PAGE_ERR_SIZE,
                   2, a);
    CHECK_EQ(reports.last.block_frames, 4);
    snapshot();
    expect_refused(free_pages(&pa, c, 2, PAGE_OWNER_MEMTEST), PAGE_ERR_SIZE,
                   3, c);
    CHECK_EQ(reports.last.block_frames, 8);
    snapshot();
    expect_refused(free_pages(&pa, c, 4, PAGE_OWNER_MEMTEST),
                   (c & 15) ? PAGE_ERR_ALIGN : PAGE_ERR_SIZE, 4, c);

    /* Misaligned for the order asked. */
    snapshot();
    expect_refused(free_pages(&pa, a + 2, 1, PAGE_OWNER_KERNEL),
                   PAGE_ERR_NOT_HEAD, 5, a + 2);
    snapshot();
    expect_refused(free_pages(&pa, a + 1, 1, PAGE_OWNER_KERNEL),
                   PAGE_ERR_ALIGN, 6, a + 1);

    /* Someone else's. */
    snapshot();
    expect_refused(free_pages(&pa, c, 3, PAGE_OWNER_KERNEL), PAGE_ERR_OWNER,
                   7, c);
    CHECK(reports.last.owner == PAGE_OWNER_MEMTEST);

    /* Never allocated: taken, away, absent. */
    snapshot();
    expect_refused(free_pages(&pa, 100, 0, PAGE_OWNER_IMAGE),
                   PAGE_ERR_NOT_ALLOCATED, 8, 100);
    CHECK(reports.last.state == PAGE_TAKEN);
    snapshot();
    expect_refused(free_pages(&pa, 600, 0, PAGE_OWNER_KERNEL),
                   PAGE_ERR_NOT_ALLOCATED, 9, 600);
    CHECK(reports.last.state == PAGE_AWAY);
    snapshot();
    expect_refused(free_pages(&pa, 700, 0, PAGE_OWNER_KERNEL),
                   PAGE_ERR_NOT_ALLOCATED, 10, 700);
    CHECK(reports.last.state == PAGE_ABSENT);

    /* Outside the range, silly orders, no owner. */
    snapshot();
    expect_refused(free_pages(&pa, 1024, 0, PAGE_OWNER_KERNEL),
                   PAGE_ERR_RANGE, 11, 1024);
    snapshot();
    expect_refused(free_pages(&pa, ~0UL, 0, PAGE_OWNER_KERNEL),
                   PAGE_ERR_RANGE, 12, ~0UL);
    snapshot();
    expect_refused(free_pages(&pa, a, PAGE_MAX_ORDER + 1, PAGE_OWNER_KERNEL),
                   PAGE_ERR_ORDER, 13, a);
    snapshot();
    expect_refused(free_pages(&pa, a, 2, PAGE_OWNER_NONE), PAGE_ERR_INVAL,
                   14, a);

    /* After all that, the right frees work and everything merges back. */
    CHECK_EQ(free_pages(&pa, a, 2, PAGE_OWNER_KERNEL), PAGE_OK);
    CHECK_EQ(free_pages(&pa, c, 3, PAGE_OWNER_MEMTEST), PAGE_OK);
    snapshot();
    expect_refused(free_pages(&pa, c, 3, PAGE_OWNER_MEMTEST),
                   PAGE_ERR_DOUBLE_FREE, 15, c);
    CHECK_EQ(counters().free, 512 - 4);
    CHECK_EQ(counters().refused, 16);
    check_ok();
}

static void test_coalescing(void)
{
    unsigned long p[4];
    struct page_alloc_counters c;

    /* Exactly frames 8..11: one order-2 block. */
    setup(8, 4, 8, 12);
    CHECK_EQ(counters().free_blocks[2], 1);
    for ( unsigned int i = 0; i < 4; i++ )
        CHECK_EQ(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &p[i]), PAGE_OK);
    /* Lowest first. */
    CHECK(p[0] == 8 && p[1] == 9 && p[2] == 10 && p[3] == 11);

    CHECK_EQ(free_pages(&pa, 9, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    CHECK_EQ(free_pages(&pa, 10, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    c = counters();     /* 9 and 10 touch but are not buddies */
    CHECK_EQ(c.free_blocks[0], 2);
    CHECK_EQ(c.free_blocks[1], 0);
    CHECK_EQ(free_pages(&pa, 8, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    c = counters();
    CHECK_EQ(c.free_blocks[0], 1);
    CHECK_EQ(c.free_blocks[1], 1);
    check_ok();
    CHECK_EQ(free_pages(&pa, 11, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    c = counters();
    CHECK_EQ(c.free_blocks[0], 0);
    CHECK_EQ(c.free_blocks[1], 0);
    CHECK_EQ(c.free_blocks[2], 1);
    check_ok();

    /* Merging stops at PAGE_MAX_ORDER: 4 MiB blocks never join. */
    setup(0, 4096, 0, 4096);
    CHECK_EQ(counters().free_blocks[PAGE_MAX_ORDER], 4);

    /* A buddy outside the RAM never merges. */
    setup(0, 64, 1, 64);
    c = counters();
    CHECK_EQ(c.free_blocks[0], 1);      /* frame 1 */
    CHECK_EQ(c.free_blocks[5], 1);      /* 32..63 */
    CHECK_EQ(c.free, 63);
    check_ok();
}

static void test_fragmentation(void)
{
    unsigned long pfn;
    struct page_alloc_counters c;

    setup(0, 1024, 0, 1024);
    for ( unsigned int i = 0; i < 1024; i++ )
        CHECK_EQ(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
    for ( pfn = 0; pfn < 1024; pfn += 2 )
        CHECK_EQ(free_pages(&pa, pfn, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    c = counters();
    CHECK_EQ(c.free, 512);
    CHECK_EQ(c.free_blocks[0], 512);
    /* Half the memory free, not two frames in a row. */
    CHECK_EQ(alloc_pages(&pa, 1, PAGE_OWNER_KERNEL, &pfn), PAGE_ERR_NOMEM);
    check_ok();

    /* Free 4..7 whole: an order-1 request now fits, and only there. */
    CHECK_EQ(free_pages(&pa, 5, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    CHECK_EQ(free_pages(&pa, 7, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    CHECK_EQ(counters().free_blocks[2], 1);
    CHECK_EQ(alloc_pages(&pa, 1, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
    CHECK_EQ(pfn, 4);
    /* An order-0 request takes a lone frame before splitting 6..7. */
    CHECK_EQ(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
    CHECK_EQ(pfn, 0);
    CHECK_EQ(counters().free_blocks[1], 1);
    check_ok();

    /* Everything back merges to one block, whatever the order of frees. */
    CHECK_EQ(free_pages(&pa, 0, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    CHECK_EQ(free_pages(&pa, 4, 1, PAGE_OWNER_KERNEL), PAGE_OK);
    for ( pfn = 1023; pfn >= 1 && pfn < 1024; pfn -= 2 )
        if ( pfn != 5 && pfn != 7 )
            CHECK_EQ(free_pages(&pa, pfn, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    c = counters();
    CHECK_EQ(c.free, 1024);
    CHECK_EQ(c.free_blocks[PAGE_MAX_ORDER], 1);
    check_ok();
}

static void test_take_release(void)
{
    struct page_alloc_counters c;
    enum page_owner owner;
    unsigned long pfn;

    setup(0, 1024, 0, 1024);
    /* Boot marks what it uses, ranges of any size and alignment. */
    CHECK_EQ(page_alloc_take(&pa, 0, 1, PAGE_OWNER_RESERVED), PAGE_OK);
    CHECK_EQ(page_alloc_take(&pa, 3, 37, PAGE_OWNER_IMAGE), PAGE_OK);
    CHECK_EQ(page_alloc_take(&pa, 40, 1, PAGE_OWNER_STACK), PAGE_OK);
    CHECK_EQ(page_alloc_take(&pa, 41, 4, PAGE_OWNER_PAGETABLE), PAGE_OK);
    CHECK_EQ(page_alloc_take(&pa, 1000, 24, PAGE_OWNER_P2M), PAGE_OK);
    CHECK_EQ(page_alloc_take(&pa, 500, 0, PAGE_OWNER_BOOT), PAGE_OK);
    check_ok();
    c = counters();
    CHECK_EQ(c.taken, 1 + 37 + 1 + 4 + 24);
    CHECK_EQ(c.free, 1024 - c.taken);
    CHECK_EQ(c.by_owner[PAGE_OWNER_IMAGE], 37);
    CHECK_EQ(c.by_owner[PAGE_OWNER_P2M], 24);
    CHECK(page_alloc_state(&pa, 39, &owner) == PAGE_TAKEN &&
          owner == PAGE_OWNER_IMAGE);
    CHECK(page_alloc_state(&pa, 2, &owner) == PAGE_FREE &&
          owner == PAGE_OWNER_NONE);

    /* Nothing taken is ever handed out. */
    while ( alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn) == PAGE_OK )
        CHECK(pfn != 0 && (pfn < 3 || pfn >= 45) && pfn < 1000);
    CHECK_EQ(counters().used, 1024 - c.taken);
    setup(0, 1024, 0, 1024);
    CHECK_EQ(page_alloc_take(&pa, 3, 37, PAGE_OWNER_IMAGE), PAGE_OK);

    /* Overlapping an earlier take: all or nothing. */
    snapshot();
    expect_refused(page_alloc_take(&pa, 30, 20, PAGE_OWNER_RING),
                   PAGE_ERR_STATE, 0, 30);
    CHECK(reports.last.state == PAGE_TAKEN);
    CHECK(reports.last.owner == PAGE_OWNER_IMAGE);
    CHECK_EQ(reports.last.first, 30);
    CHECK_EQ(reports.last.count, 20);
    snapshot();
    expect_refused(page_alloc_take(&pa, 1020, 5, PAGE_OWNER_RING),
                   PAGE_ERR_RANGE, 1, 1020);
    snapshot();
    expect_refused(page_alloc_take(&pa, 50, 5, PAGE_OWNER_NONE),
                   PAGE_ERR_INVAL, 2, 50);
    snapshot();
    expect_refused(page_alloc_take(&pa, 5, ~0UL, PAGE_OWNER_RING),
                   PAGE_ERR_RANGE, 3, 5);

    /* Release: only by its owner, only what is taken. */
    snapshot();
    expect_refused(page_alloc_release(&pa, 3, 37, PAGE_OWNER_STACK),
                   PAGE_ERR_OWNER, 4, 3);
    snapshot();
    expect_refused(page_alloc_release(&pa, 3, 38, PAGE_OWNER_IMAGE),
                   PAGE_ERR_STATE, 5, 40);
    CHECK_EQ(page_alloc_release(&pa, 10, 5, PAGE_OWNER_IMAGE), PAGE_OK);
    check_ok();
    CHECK_EQ(page_alloc_release(&pa, 3, 7, PAGE_OWNER_IMAGE), PAGE_OK);
    CHECK_EQ(page_alloc_release(&pa, 15, 25, PAGE_OWNER_IMAGE), PAGE_OK);
    c = counters();
    CHECK_EQ(c.taken, 0);
    CHECK_EQ(c.free_blocks[PAGE_MAX_ORDER], 1);
    check_ok();

    /* RAM is added once; a take of a frame that is not RAM is refused. */
    setup(0, 1024, 0, 512);
    snapshot();
    expect_refused(page_alloc_add_ram(&pa, 500, 20), PAGE_ERR_STATE, 0, 500);
    snapshot();
    expect_refused(page_alloc_take(&pa, 510, 4, PAGE_OWNER_RING),
                   PAGE_ERR_STATE, 1, 512);
    snapshot();
    expect_refused(page_alloc_add_away(&pa, 0, 1), PAGE_ERR_STATE, 2, 0);
    CHECK_EQ(page_alloc_add_ram(&pa, 512, 512), PAGE_OK);
    CHECK_EQ(counters().free_blocks[PAGE_MAX_ORDER], 1);
    check_ok();
}

static void test_unaligned_first(void)
{
    unsigned long pfn, n = 0;

    /* [1000, 4000): the only whole aligned 4 MiB blocks are 1024 and 2048. */
    setup(1000, 3000, 1000, 4000);
    CHECK_EQ(counters().free, 3000);
    check_ok();
    while ( alloc_pages(&pa, PAGE_MAX_ORDER, PAGE_OWNER_KERNEL, &pfn) == PAGE_OK )
    {
        CHECK(pfn == 1024 || pfn == 2048);
        n++;
    }
    CHECK_EQ(n, 2);
    n = 0;
    while ( alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn) == PAGE_OK )
    {
        CHECK(pfn >= 1000 && (pfn < 1024 || pfn >= 3072) && pfn < 4000);
        n++;
    }
    CHECK_EQ(n, 3000 - 2048);
    check_ok();
    CHECK(page_alloc_state(&pa, 999, NULL) == PAGE_ABSENT);
    CHECK(page_alloc_state(&pa, 4000, NULL) == PAGE_ABSENT);
}

static void test_balloon(void)
{
    struct page_alloc_counters c;
    unsigned long pfn, n = 0;

    /* 16 MiB of RAM now, room for 32 MiB. */
    setup(0, 8192, 0, 4096);
    CHECK_EQ(page_alloc_add_away(&pa, 4096, 4096), PAGE_OK);
    c = counters();
    CHECK_EQ(c.away, 4096);
    CHECK_EQ(c.ram, 4096);
    check_ok();

    /* A specific frame leaves, splitting its block. */
    CHECK_EQ(page_alloc_give_away(&pa, 1234), PAGE_OK);
    CHECK(page_alloc_state(&pa, 1234, NULL) == PAGE_AWAY);
    CHECK_EQ(counters().free, 4095);
    check_ok();
    snapshot();
    expect_refused(page_alloc_give_away(&pa, 1234), PAGE_ERR_STATE, 0, 1234);
    CHECK(reports.last.state == PAGE_AWAY);
    snapshot();
    expect_refused(page_alloc_give_away(&pa, 8192), PAGE_ERR_RANGE, 1, 8192);

    /* A frame in use cannot be given away; a free one cannot come back. */
    CHECK_EQ(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
    snapshot();
    expect_refused(page_alloc_give_away(&pa, pfn), PAGE_ERR_STATE, 2, pfn);
    snapshot();
    expect_refused(page_alloc_take_back(&pa, 77), PAGE_ERR_STATE, 3, 77);
    /* A frame given away can never be freed into the pool by mistake. */
    snapshot();
    expect_refused(free_pages(&pa, 1234, 0, PAGE_OWNER_KERNEL),
                   PAGE_ERR_NOT_ALLOCATED, 4, 1234);
    CHECK_EQ(free_pages(&pa, pfn, 0, PAGE_OWNER_KERNEL), PAGE_OK);

    /* xl mem-set down to nothing: every free frame leaves, one by one. */
    while ( page_alloc_give_away_any(&pa, &pfn) == PAGE_OK )
    {
        CHECK(pfn < 4096);
        n++;
    }
    CHECK_EQ(n, 4095);
    c = counters();
    CHECK_EQ(c.free, 0);
    CHECK_EQ(c.away, 8192);
    check_ok();

    /* ...and up to 32 MiB: every frame comes back and merges. */
    for ( pfn = 0; pfn < 8192; pfn++ )
        CHECK_EQ(page_alloc_take_back(&pa, pfn), PAGE_OK);
    c = counters();
    CHECK_EQ(c.free, 8192);
    CHECK_EQ(c.away, 0);
    CHECK_EQ(c.free_blocks[PAGE_MAX_ORDER], 8);
    check_ok();

    /* Giving away keeps large blocks whole: lone frames go first. */
    CHECK_EQ(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
    CHECK_EQ(pfn, 0);
    CHECK_EQ(page_alloc_give_away_any(&pa, &pfn), PAGE_OK);
    CHECK_EQ(pfn, 1);
    CHECK_EQ(counters().free_blocks[PAGE_MAX_ORDER], 7);
    CHECK_EQ(counters().refused, 5);
}

/* The check itself: damage planted in the metadata is found. */
static void test_check_catches(void)
{
    unsigned long pfn;

    setup(0, 1024, 0, 1024);
    CHECK_EQ(alloc_pages(&pa, 2, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
    check_ok();

    pa.frame[pfn + 1] = pa.frame[pfn];          /* a second head */
    CHECK_EQ(page_alloc_check(&pa), PAGE_ERR_CORRUPT);
    CHECK_EQ(reports.last.pfn, pfn + 1);        /* a block of 3 frames */
    setup(0, 1024, 0, 1024);
    CHECK_EQ(alloc_pages(&pa, 2, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
    pa.frame[pfn + 2] = pa.frame[pfn];          /* two blocks of 2 frames */
    CHECK_EQ(page_alloc_check(&pa), PAGE_ERR_CORRUPT);

    setup(0, 1024, 0, 1024);
    pa.map[PAGE_MAX_ORDER][0] = 0;              /* a free frame in no block */
    CHECK_EQ(page_alloc_check(&pa), PAGE_ERR_CORRUPT);
    CHECK_EQ(reports.last.pfn, 0);

    setup(0, 1024, 0, 1024);
    pa.map[0][0] |= 1;                          /* a frame in two blocks */
    CHECK_EQ(page_alloc_check(&pa), PAGE_ERR_CORRUPT);

    setup(0, 1024, 0, 1024);
    CHECK_EQ(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
    pa.nr_kind[1]++;                            /* a counter off by one */
    CHECK_EQ(page_alloc_check(&pa), PAGE_ERR_CORRUPT);

    setup(0, 1024, 0, 1024);
    CHECK_EQ(alloc_pages(&pa, 0, PAGE_OWNER_KERNEL, &pfn), PAGE_OK);
    CHECK_EQ(free_pages(&pa, pfn, 0, PAGE_OWNER_KERNEL), PAGE_OK);
    pa.map_hint[PAGE_MAX_ORDER] = 1;            /* a hint past the first block */
    CHECK_EQ(page_alloc_check(&pa), PAGE_ERR_CORRUPT);
    CHECK_STR(reports.last.op, "check");
}

/*
 * Random traffic against a byte per frame: the allocator must agree on
 * every frame's state and owner, and fail an allocation only when no
 * aligned free run of that order exists.
 */
static void test_random(void)
{
    enum { N = 1536, STEPS = 40000 };
    /* 0 absent, 1 free, 2 head of a used block, 3 away, 4 rest of a block */
    static uint8_t model[N];
    static uint8_t order_at[N];
    unsigned int seed = 12345, disagreements = 0;
    unsigned long pfn;

    setup(0, N, 0, N - 100);
    CHECK_EQ(page_alloc_add_away(&pa, N - 100, 100), PAGE_OK);
    for ( unsigned int i = 0; i < N; i++ )
        model[i] = i < N - 100 ? 1 : 3;

    for ( unsigned int step = 0; step < STEPS; step++ )
    {
        unsigned int r, k;

        seed = seed * 1103515245u + 12345u;
        r = seed >> 8;
        k = (r >> 4) % 4;
        switch ( r % 4 )
        {
        case 0:
        case 1:
            if ( alloc_pages(&pa, k, PAGE_OWNER_KERNEL, &pfn) == PAGE_OK )
            {
                for ( unsigned long i = 0; i < (1UL << k); i++ )
                    disagreements += model[pfn + i] != 1;
                memset(&model[pfn], 4, 1UL << k);
                model[pfn] = 2;
                order_at[pfn] = k;
            }
            else
            {
                /* No aligned free run of 2^k frames may exist. */
                for ( unsigned long p = 0; p < N; p += 1UL << k )
                {
                    unsigned long i = 0;

                    while ( i < (1UL << k) && model[p + i] == 1 )
                        i++;
                    disagreements += i == (1UL << k);
                }
            }
            break;
        case 2:
            pfn = (r >> 8) % N;
            if ( model[pfn] == 2 )
            {
                disagreements += free_pages(&pa, pfn, order_at[pfn],
                                            PAGE_OWNER_KERNEL) != PAGE_OK;
                memset(&model[pfn], 1, 1UL << order_at[pfn]);
            }
            break;
        default:
            pfn = (r >> 8) % N;
            if ( model[pfn] == 1 )
            {
                disagreements += page_alloc_give_away(&pa, pfn) != PAGE_OK;
                model[pfn] = 3;
            }
            else if ( model[pfn] == 3 )
            {
                disagreements += page_alloc_take_back(&pa, pfn) != PAGE_OK;
                model[pfn] = 1;
            }
            break;
        }
        if ( step % 1000 == 0 )
        {
            for ( unsigned long p = 0; p < N; p++ )
            {
                static const enum page_state want[] = {
                    PAGE_ABSENT, PAGE_FREE, PAGE_USED, PAGE_AWAY, PAGE_USED,
                };

                disagreements += page_alloc_state(&pa, p, NULL) != want[model[p]];
            }
            disagreements += page_alloc_check(&pa) != PAGE_OK;
        }
    }
    CHECK_EQ(disagreements, 0);
    CHECK_EQ(reports.count, 0);
}

static void test_names(void)
{
    CHECK_STR(page_owner_name(PAGE_OWNER_IMAGE), "image");
    CHECK_STR(page_owner_name(PAGE_OWNER_COUNT), "?");
    for ( unsigned int o = 0; o < PAGE_OWNER_COUNT; o++ )
        CHECK(strcmp(page_owner_name(o), "?") != 0);
    CHECK_STR(page_state_name(PAGE_AWAY), "away");
    CHECK_STR(page_alloc_strerror(PAGE_ERR_DOUBLE_FREE),
              "double free: the frame is free");
    for ( int e = PAGE_OK; e >= PAGE_ERR_CORRUPT; e-- )
        CHECK(strcmp(page_alloc_strerror(e), "unknown error") != 0);
    CHECK_STR(page_alloc_strerror(1), "unknown error");
}

int main(void)
{
    test_meta_size();
    test_init_refused();
    test_exhaustion();
    test_every_order();
    test_bad_frees();
    test_coalescing();
    test_fragmentation();
    test_take_release();
    test_unaligned_first();
    test_balloon();
    test_check_catches();
    test_random();
    test_names();
    return check_summary("page_alloc");
}
