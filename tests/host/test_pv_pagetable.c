/*
 * test_pv_pagetable.c: the pure parts of PV direct paging
 * (arch/x86/pv/pagetable.c): PAE entries, the kernel window, L1 tables
 * per run of frames, the rounds of building the linear map, and batching
 * with partial success against a fake Xen that refuses one request.
 */
#include <stdlib.h>
#include "../../arch/x86/pv/pagetable.h"
#include "check.h"

static void test_entries(void)
{
    CHECK_EQ(pae_entry(0x1234, PTE_KERNEL_RW), 0x1234063ULL);
    CHECK_EQ(pae_entry(0x1234, PTE_KERNEL_RO), 0x1234021ULL);
    CHECK_EQ(pae_entry(0, PTE_KERNEL_RW), 0x63ULL);
    /* Machine frames above 4 GiB: the high half of the entry. */
    CHECK_EQ(pae_entry(0x123456, PTE_TABLE), 0x123456067ULL);
    CHECK_EQ(pae_entry(PAE_MAX_MFN, PTE_PRESENT), 0x000ffffffffff001ULL);
    /* Past 52 bits of address: refused, not wrapped onto a low frame. */
    CHECK_EQ(pae_entry(PAE_MAX_MFN + 1, PTE_KERNEL_RW), 0);
    CHECK_EQ(pae_entry(1ULL << 52, PTE_KERNEL_RW), 0);
    /* Flags cannot smuggle address bits in; NX stays. */
    CHECK_EQ(pae_entry(1, 0xfffULL | PAE_ADDR_MASK), 0x1fffULL);
    CHECK_EQ(pae_entry(1, PTE_NX | PTE_PRESENT), 0x8000000000001001ULL);

    CHECK_EQ(pae_entry_mfn(0x1234063ULL), 0x1234);
    CHECK_EQ(pae_entry_mfn(0x8000000123456063ULL), 0x123456);
    CHECK_EQ(pae_entry_mfn(0xfff0000000000fffULL), 0);
    for ( uint64_t mfn = 1; mfn <= PAE_MAX_MFN; mfn = mfn * 3 + 1 )
        CHECK_EQ(pae_entry_mfn(pae_entry(mfn, PTE_KERNEL_RW)), mfn);
    CHECK(pae_present(pae_entry(7, PTE_KERNEL_RO)));
    CHECK(!pae_present(pae_entry(7, PTE_RW)));
}

static void test_indices(void)
{
    CHECK_EQ(pae_l3_index(0xc0000000u), 3);
    CHECK_EQ(pae_l2_index(0xc0000000u), 0);
    CHECK_EQ(pae_l1_index(0xc0000000u), 0);
    CHECK_EQ(pae_l3_index(0xf57ff000u), 3);
    CHECK_EQ(pae_l2_index(0xf57ff000u), 427);    /* the window's last slot */
    CHECK_EQ(pae_l1_index(0xf57ff000u), 511);
    CHECK_EQ(pae_l2_index(PV_HOLE_START), 428);   /* Xen's first */
    CHECK_EQ(pae_l3_index(0xbfffffffu), 2);
    CHECK_EQ(pae_l2_index(0xc0201000u), 1);
    CHECK_EQ(pae_l1_index(0xc0201000u), 1);
}

static void test_window(void)
{
    /* 0xC0000000 to 0xF5800000: 856 MiB. */
    CHECK_EQ(pv_window_frames(0xc0000000ul, 0), 219136);
    CHECK_EQ(pv_window_frames(0xc0000000ul, 0xf5800000ul), 219136);
    /* The M2P above the hole's start changes nothing; below it, it wins. */
    CHECK_EQ(pv_window_frames(0xc0000000ul, 0xf6000000ul), 219136);
    CHECK_EQ(pv_window_frames(0xc0000000ul, 0xf0000000ul), 196608);
    CHECK_EQ(pv_window_frames(0xf5800000ul, 0), 0);
    CHECK_EQ(pv_window_frames(0xffffe000ul, 0), 0);
    CHECK_EQ(pv_window_frames(0xc0000000ul, 0xb0000000ul), 0);
}

static void test_l1_count(void)
{
    CHECK_EQ(pv_l1_tables_for(0, 0), 0);
    CHECK_EQ(pv_l1_tables_for(5, 5), 0);
    CHECK_EQ(pv_l1_tables_for(9, 3), 0);
    CHECK_EQ(pv_l1_tables_for(0, 1), 1);
    CHECK_EQ(pv_l1_tables_for(0, 512), 1);
    CHECK_EQ(pv_l1_tables_for(0, 513), 2);
    CHECK_EQ(pv_l1_tables_for(511, 513), 2);
    /* 16 MiB past a 4 MiB bootstrap mapping: 6 tables. */
    CHECK_EQ(pv_l1_tables_for(1024, 4096), 6);
    /* 512 MiB: 256 tables in all, 254 past 4 MiB. */
    CHECK_EQ(pv_l1_tables_for(0, 131072), 256);
    CHECK_EQ(pv_l1_tables_for(1024, 131072), 254);
    /* The whole window. */
    CHECK_EQ(pv_l1_tables_for(0, 219136), 428);
}

/*
 * Rounds: from a bootstrap mapping of `mapped` frames with the first free
 * one at next_free, to target. Returns the rounds taken; *tables the L1s.
 */
static unsigned int run_rounds(unsigned long next_free, unsigned long mapped,
                               unsigned long target, unsigned long *tables)
{
    unsigned int rounds = 0;
    unsigned long n;

    *tables = 0;
    while ( (n = pv_map_round(next_free, mapped, target)) != 0 )
    {
        CHECK(next_free + n <= mapped);     /* tables only in mapped frames */
        next_free += n;
        *tables += n;
        mapped = (mapped / PAE_ENTRIES + n) * PAE_ENTRIES;
        if ( mapped > target )
            mapped = target;
        rounds++;
        CHECK(rounds < 20);
        if ( rounds >= 20 )
            break;
    }
    CHECK_EQ(mapped, target);
    return rounds;
}

static void test_rounds(void)
{
    unsigned long tables;

    /* Nothing to do. */
    CHECK_EQ(pv_map_round(100, 1024, 1024), 0);
    CHECK_EQ(pv_map_round(100, 1024, 512), 0);
    /* No free frame: stuck, says 0 rather than taking a used one. */
    CHECK_EQ(pv_map_round(1024, 1024, 4096), 0);
    CHECK_EQ(pv_map_round(2000, 1024, 4096), 0);
    /* One free frame, one table. */
    CHECK_EQ(pv_map_round(1023, 1024, 4096), 1);
    /*
     * Frames mapped but without memory (past nr_pages, the balloon's):
     * never a table. 16 MiB of memory, mapped with empty entries to 32.
     */
    CHECK_EQ(pv_map_round_usable(300, 4096, 4096, 8192), 8);
    CHECK_EQ(pv_map_round_usable(300, 4096, 303, 8192), 3);
    CHECK_EQ(pv_map_round_usable(303, 4096, 303, 8192), 0);
    CHECK_EQ(pv_map_round_usable(400, 4096, 303, 8192), 0);
    CHECK_EQ(pv_map_round_usable(300, 8192, 4096, 8192), 0);

    /* 16 MiB, a typical 4 MiB bootstrap mapping: one round of 6. */
    CHECK_EQ(run_rounds(300, 1024, 4096, &tables), 1);
    CHECK_EQ(tables, 6);
    /* 512 MiB, only Xen's guaranteed 128 free pages: two rounds. */
    CHECK_EQ(run_rounds(1024 - 128, 1024, 131072, &tables), 2);
    CHECK_EQ(tables, 254);
    /* The whole window the same way. */
    CHECK_EQ(run_rounds(1024 - 128, 1024, 219136, &tables), 2);
    CHECK_EQ(tables, 426);
    /* A single free page still gets there, doubling each round. */
    CHECK(run_rounds(1023, 1024, 219136, &tables) <= 10);
    CHECK_EQ(tables, 426);
    /* A goal not on a slot boundary. */
    CHECK_EQ(run_rounds(500, 1024, 1500, &tables), 1);
    CHECK_EQ(tables, 1);
}

/* A fake Xen: refuses request `refuse` (absolute index) with `err`. */
struct fake_xen {
    size_t refuse;          /* (size_t)-1: refuse none */
    long err;
    int lie;                /* 1: rc 0 but a short count; 2: claims more */
    size_t applied[64];     /* how often each request was applied */
    size_t calls;
    unsigned int counts[16];
};

static long fake_submit(void *ctx, size_t first, unsigned int count,
                        unsigned int *done)
{
    struct fake_xen *x = ctx;
    unsigned int i;

    if ( x->calls < 16 )
        x->counts[x->calls] = count;
    x->calls++;
    if ( x->lie == 1 )
    {
        *done = count / 2;
        for ( i = 0; i < *done; i++ )
            x->applied[first + i]++;
        return 0;
    }
    if ( x->lie == 2 )
    {
        *done = count + 3;
        return 0;
    }
    for ( i = 0; i < count; i++ )
    {
        if ( first + i == x->refuse )
        {
            *done = i;
            return x->err;
        }
        x->applied[first + i]++;
    }
    *done = count;
    return 0;
}

static void test_batch(void)
{
    struct fake_xen x;
    struct batch_result r;

    /* Nothing: no hypercall. */
    memset(&x, 0, sizeof(x));
    x.refuse = (size_t)-1;
    batch_run(0, 8, fake_submit, &x, &r);
    CHECK_EQ(r.hypercalls, 0);
    CHECK_EQ(x.calls, 0);
    CHECK(!r.failed);

    /* 20 requests, 8 a call: 8, 8, 4; each applied once. */
    batch_run(20, 8, fake_submit, &x, &r);
    CHECK_EQ(r.hypercalls, 3);
    CHECK_EQ(r.done, 20);
    CHECK_EQ(r.rc, 0);
    CHECK(!r.failed);
    CHECK_EQ(x.counts[0], 8);
    CHECK_EQ(x.counts[1], 8);
    CHECK_EQ(x.counts[2], 4);
    for ( size_t i = 0; i < 20; i++ )
        CHECK_EQ(x.applied[i], 1);
    CHECK_EQ(x.applied[20], 0);

    /* An exact multiple: no empty call at the end. */
    memset(&x, 0, sizeof(x));
    x.refuse = (size_t)-1;
    batch_run(16, 8, fake_submit, &x, &r);
    CHECK_EQ(r.hypercalls, 2);

    /* Refused in the middle of the second call: stop there. */
    memset(&x, 0, sizeof(x));
    x.refuse = 11;
    x.err = -22;
    batch_run(20, 8, fake_submit, &x, &r);
    CHECK(r.failed);
    CHECK_EQ(r.failed_index, 11);
    CHECK_EQ(r.done, 11);
    CHECK_EQ(r.rc, (unsigned long long)-22);
    CHECK_EQ(r.hypercalls, 2);
    CHECK_EQ(x.applied[10], 1);
    CHECK_EQ(x.applied[11], 0);
    CHECK_EQ(x.applied[12], 0);
    CHECK_EQ(x.applied[19], 0);

    /* The very first request refused. */
    memset(&x, 0, sizeof(x));
    x.refuse = 0;
    x.err = -1;
    batch_run(5, 8, fake_submit, &x, &r);
    CHECK(r.failed);
    CHECK_EQ(r.failed_index, 0);
    CHECK_EQ(r.done, 0);
    CHECK_EQ(r.hypercalls, 1);

    /* The last request of all. */
    memset(&x, 0, sizeof(x));
    x.refuse = 15;
    x.err = -16;
    batch_run(16, 8, fake_submit, &x, &r);
    CHECK_EQ(r.failed_index, 15);
    CHECK_EQ(r.done, 15);

    /* rc 0 with a short count: a failure all the same. */
    memset(&x, 0, sizeof(x));
    x.lie = 1;
    batch_run(8, 8, fake_submit, &x, &r);
    CHECK(r.failed);
    CHECK_EQ(r.rc, (unsigned long long)BATCH_SHORT);
    CHECK_EQ(r.failed_index, 4);
    CHECK_EQ(r.done, 4);

    /* A count larger than the call: clamped, nothing past the call. */
    memset(&x, 0, sizeof(x));
    x.lie = 2;
    batch_run(20, 8, fake_submit, &x, &r);
    CHECK(r.failed);
    CHECK(r.failed_index < 8);
    CHECK(r.done < 8);
    CHECK_EQ(r.hypercalls, 1);

    /* per_call 0: refused without a call. */
    memset(&x, 0, sizeof(x));
    x.refuse = (size_t)-1;
    batch_run(3, 0, fake_submit, &x, &r);
    CHECK(r.failed);
    CHECK_EQ(x.calls, 0);

    /* One at a time (the unbatched way): one call per request. */
    memset(&x, 0, sizeof(x));
    x.refuse = (size_t)-1;
    batch_run(50, 1, fake_submit, &x, &r);
    CHECK_EQ(r.hypercalls, 50);
    CHECK_EQ(r.done, 50);
}

int main(void)
{
    test_entries();
    test_indices();
    test_window();
    test_l1_count();
    test_rounds();
    test_batch();
    return check_summary("test_pv_pagetable");
}
