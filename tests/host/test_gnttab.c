/*
 * test_gnttab.c: the grant table's bookkeeping (grant/gnttab_table.c).
 *
 * The test plays Xen and the backend: it writes GTF_reading/GTF_writing
 * into the entries as Xen does while dom0 has a page mapped. Checked: the
 * reserved entries (and entries found in use) are never written and never
 * granted; what a grant writes, and that the flags alone make it valid;
 * exhaustion is reported, not hidden; end refuses while the page is
 * mapped and changes nothing then; the deferred list ends and releases
 * once the page is unmapped; a restore marks what was granted as lost;
 * every call refuses references that are not the caller's.
 * gnttab_table_check() runs after each step, and is shown to catch
 * planted damage.
 */
#include <stdlib.h>
#include <tinypv/gnttab_table.h>
#include <tinypv/xs_proto.h>
#include "check.h"

#define NR      64          /* entries in the test's table */

static grant_entry_v1_t entries[NR];
static struct gnttab_slot slots[NR];
static struct gnttab_table t;

static const char owner_a[] = "a", owner_b[] = "b";

static unsigned int released;
static void *released_ctx;

static void release(void *ctx)
{
    released++;
    released_ctx = ctx;
}

static void setup(void)
{
    memset(entries, 0, sizeof(entries));
    /* The toolstack's two: console (0) and xenstore (1), for dom0. */
    entries[GNTTAB_RESERVED_CONSOLE] =
        (grant_entry_v1_t){ GTF_permit_access, 0, 0x1234 };
    entries[GNTTAB_RESERVED_XENSTORE] =
        (grant_entry_v1_t){ GTF_permit_access, 0, 0x5678 };
    memset(slots, 0xa5, sizeof(slots));     /* init must not rely on zeroes */
    CHECK_EQ(gnttab_table_init(&t, entries, NR, slots), 0);
    CHECK_EQ(gnttab_table_check(&t), 0);
    released = 0;
}

static void test_init(void)
{
    grant_entry_v1_t copy[NR];

    CHECK_EQ(gnttab_table_init(&t, entries, GNTTAB_NR_RESERVED_ENTRIES,
                               slots), (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_init(&t, NULL, NR, slots),
             (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_slots_size(NR), NR * sizeof(struct gnttab_slot));

    /* An entry in use that we did not write is left alone, and never granted. */
    memset(entries, 0, sizeof(entries));
    entries[20].flags = GTF_permit_access;
    entries[20].domid = 7;
    memcpy(copy, entries, sizeof(copy));
    CHECK_EQ(gnttab_table_init(&t, entries, NR, slots), 0);
    CHECK_EQ(t.c.found_in_use, 1);
    CHECK_EQ(t.nr_reserved, GNTTAB_NR_RESERVED_ENTRIES + 1);
    CHECK_EQ(t.nr_free, NR - GNTTAB_NR_RESERVED_ENTRIES - 1);
    CHECK(memcmp(copy, entries, sizeof(copy)) == 0);
    CHECK_EQ(gnttab_table_check(&t), 0);
}

static void test_grant_writes(void)
{
    grant_ref_t ref = 0, ref2 = 0;

    setup();
    CHECK_EQ(t.nr_free, NR - GNTTAB_NR_RESERVED_ENTRIES);
    CHECK_EQ(gnttab_table_grant(&t, 0, 0xabcde, false, owner_a, &ref), 0);
    CHECK_EQ(ref, GNTTAB_NR_RESERVED_ENTRIES);      /* the lowest first */
    CHECK_EQ(entries[ref].flags, GTF_permit_access);
    CHECK_EQ(entries[ref].domid, 0);
    CHECK_EQ(entries[ref].frame, 0xabcde);
    CHECK_EQ(gnttab_table_grant(&t, 5, 0x42, true, owner_b, &ref2), 0);
    CHECK_EQ(ref2, ref + 1);
    CHECK_EQ(entries[ref2].flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(entries[ref2].domid, 5);
    CHECK_EQ(t.nr_granted, 2);
    CHECK_EQ(t.c.grants, 2);
    /* The reserved entries are as the toolstack left them. */
    CHECK_EQ(entries[0].frame, 0x1234);
    CHECK_EQ(entries[1].frame, 0x5678);
    CHECK_EQ(entries[0].flags, GTF_permit_access);

    /* Not a domain, a frame beyond 32 bits, no owner. */
    CHECK_EQ(gnttab_table_grant(&t, DOMID_SELF, 1, false, owner_a, &ref),
             (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_grant(&t, DOMID_FIRST_RESERVED, 1, false, owner_a,
                                &ref), (unsigned long long)-EINVAL);
    if ( sizeof(unsigned long) > 4 )
        CHECK_EQ(gnttab_table_grant(&t, 0, (unsigned long)1 << 32 << 0,
                                    false, owner_a, &ref),
                 (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_grant(&t, 0, 1, false, NULL, &ref),
             (unsigned long long)-EINVAL);
    CHECK_EQ(t.c.grants, 2);
    CHECK_EQ(gnttab_table_check(&t), 0);
}

static void test_exhaustion(void)
{
    grant_ref_t ref, seen[NR];
    uint32_t n = 0;

    setup();
    while ( gnttab_table_grant(&t, 0, n + 100, false, owner_a, &ref) == 0 )
    {
        CHECK(ref >= GNTTAB_NR_RESERVED_ENTRIES && ref < NR);
        for ( uint32_t i = 0; i < n; i++ )
            CHECK(seen[i] != ref);
        seen[n++] = ref;
    }
    CHECK_EQ(n, NR - GNTTAB_NR_RESERVED_ENTRIES);
    CHECK_EQ(t.c.exhausted, 1);
    CHECK_EQ(gnttab_table_grant(&t, 0, 1, false, owner_a, &ref),
             (unsigned long long)-ENOSPC);
    CHECK_EQ(t.c.exhausted, 2);
    CHECK_EQ(t.nr_free, 0);
    CHECK_EQ(gnttab_table_check(&t), 0);
    /* One back: granted again, the same reference. */
    CHECK_EQ(gnttab_table_end(&t, seen[10], owner_a), 0);
    CHECK_EQ(gnttab_table_grant(&t, 0, 1, false, owner_a, &ref), 0);
    CHECK_EQ(ref, seen[10]);
    CHECK_EQ(gnttab_table_check(&t), 0);
}

static void test_end_busy(void)
{
    grant_ref_t ref;
    grant_entry_v1_t before;

    setup();
    CHECK_EQ(gnttab_table_grant(&t, 0, 0x99, false, owner_a, &ref), 0);
    /* dom0 maps it for writing: Xen sets GTF_writing (and reading). */
    entries[ref].flags |= GTF_reading | GTF_writing;
    before = entries[ref];
    CHECK_EQ(gnttab_table_end(&t, ref, owner_a), (unsigned long long)-EBUSY);
    CHECK(memcmp(&before, &entries[ref], sizeof(before)) == 0);
    CHECK_EQ(t.c.busy, 1);
    CHECK_EQ(t.nr_granted, 1);
    /* Read-only mapping: GTF_reading alone also refuses. */
    entries[ref].flags &= (uint16_t)~GTF_writing;
    CHECK_EQ(gnttab_table_end(&t, ref, owner_a), (unsigned long long)-EBUSY);
    CHECK_EQ(t.c.busy, 2);
    CHECK_EQ(gnttab_table_check(&t), 0);
    /* dom0 unmaps: now it ends, flags 0, reference free. */
    entries[ref].flags &= (uint16_t)~GTF_reading;
    CHECK_EQ(gnttab_table_end(&t, ref, owner_a), 0);
    CHECK_EQ(entries[ref].flags, 0);
    CHECK_EQ(t.nr_granted, 0);
    CHECK_EQ(t.c.ends, 1);
    /* Twice: refused, it is not granted any more. */
    CHECK_EQ(gnttab_table_end(&t, ref, owner_a), (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_check(&t), 0);
}

static void test_end_refused(void)
{
    grant_ref_t ref;

    setup();
    CHECK_EQ(gnttab_table_grant(&t, 0, 0x99, false, owner_a, &ref), 0);
    CHECK_EQ(gnttab_table_end(&t, ref, owner_b), (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_end(&t, ref, NULL), (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_end(&t, NR, owner_a), (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_end(&t, 0xffffffffu, owner_a),
             (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_end(&t, GNTTAB_RESERVED_XENSTORE, owner_a),
             (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_end(&t, ref + 1, owner_a),
             (unsigned long long)-EINVAL);          /* free */
    CHECK_EQ(entries[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access);
    CHECK_EQ(entries[ref].flags, GTF_permit_access);
    CHECK_EQ(gnttab_table_end_deferred(&t, ref, owner_b, release, NULL),
             (unsigned long long)-EINVAL);
    CHECK_EQ(released, 0);
    CHECK_EQ(gnttab_table_check(&t), 0);
}

static void test_deferred(void)
{
    grant_ref_t r1, r2, r3;
    int ctx1, ctx2;

    setup();
    CHECK_EQ(gnttab_table_grant(&t, 0, 1, false, owner_a, &r1), 0);
    CHECK_EQ(gnttab_table_grant(&t, 0, 2, false, owner_a, &r2), 0);
    CHECK_EQ(gnttab_table_grant(&t, 0, 3, false, owner_a, &r3), 0);
    /* Not mapped: ends at once, page released at once. */
    CHECK_EQ(gnttab_table_end_deferred(&t, r3, owner_a, release, &ctx1), 0);
    CHECK_EQ(released, 1);
    CHECK(released_ctx == &ctx1);
    /* Mapped: deferred, nothing released, the owner holds it no more. */
    entries[r1].flags |= GTF_reading;
    entries[r2].flags |= GTF_reading | GTF_writing;
    CHECK_EQ(gnttab_table_end_deferred(&t, r1, owner_a, release, &ctx1), 1);
    CHECK_EQ(gnttab_table_end_deferred(&t, r2, owner_a, release, &ctx2), 1);
    CHECK_EQ(released, 1);
    CHECK_EQ(t.nr_deferred, 2);
    CHECK_EQ(t.nr_granted, 0);
    CHECK_EQ(t.c.deferred, 2);
    CHECK_EQ(gnttab_table_end(&t, r1, owner_a), (unsigned long long)-EINVAL);
    CHECK_EQ(gnttab_table_check(&t), 0);
    /* Still mapped: nothing changes. */
    CHECK_EQ(gnttab_table_retry(&t), 2);
    CHECK_EQ(released, 1);
    CHECK_EQ(entries[r1].flags, GTF_permit_access | GTF_reading);
    /* r2 unmapped: it ends, its page is released, r1 stays. */
    entries[r2].flags &= (uint16_t)~(GTF_reading | GTF_writing);
    CHECK_EQ(gnttab_table_retry(&t), 1);
    CHECK_EQ(released, 2);
    CHECK(released_ctx == &ctx2);
    CHECK_EQ(entries[r2].flags, 0);
    CHECK_EQ(t.c.deferred_ended, 1);
    CHECK_EQ(gnttab_table_check(&t), 0);
    {
        struct gnttab_ref_info info;

        CHECK(gnttab_table_ref_info(&t, r1, &info));
        CHECK_EQ(info.state, GNTTAB_REF_DEFERRED);
        CHECK_EQ(info.tries, 3);
        CHECK(info.owner == owner_a);
        CHECK(!gnttab_table_ref_info(&t, NR, &info));
    }
    entries[r1].flags &= (uint16_t)~GTF_reading;
    CHECK_EQ(gnttab_table_retry(&t), 0);
    CHECK_EQ(released, 3);
    CHECK_EQ(t.nr_free, NR - GNTTAB_NR_RESERVED_ENTRIES);
    CHECK_EQ(gnttab_table_check(&t), 0);
}

static void test_resume(void)
{
    grant_ref_t r1, r2;
    struct gnttab_ref_info info;
    grant_entry_v1_t fresh[NR];

    setup();
    CHECK_EQ(gnttab_table_grant(&t, 0, 1, false, owner_a, &r1), 0);
    CHECK_EQ(gnttab_table_grant(&t, 0, 2, false, owner_a, &r2), 0);
    entries[r2].flags |= GTF_reading;
    CHECK_EQ(gnttab_table_end_deferred(&t, r2, owner_a, release, NULL), 1);

    /* The same domain (a checkpoint): everything holds. */
    CHECK_EQ(gnttab_table_resume(&t, entries, NR, false), 0);
    CHECK_EQ(t.c.lost, 0);
    CHECK_EQ(gnttab_table_resume(&t, entries, NR - 1, false),
             (unsigned long long)-EINVAL);

    /* A new domain: a new table, only the toolstack's entries in it. */
    memset(fresh, 0, sizeof(fresh));
    fresh[0] = entries[0];
    fresh[1] = entries[1];
    CHECK_EQ(gnttab_table_resume(&t, fresh, NR, true), 0);
    CHECK_EQ(t.c.lost, 2);
    CHECK(gnttab_table_ref_info(&t, r1, &info));
    CHECK(info.lost);
    CHECK_EQ(info.state, GNTTAB_REF_GRANTED);
    CHECK_EQ(info.flags, 0);
    CHECK_EQ(info.frame, 1);            /* our copy says what it was */
    /* Twice in a row: counted once. */
    CHECK_EQ(gnttab_table_resume(&t, fresh, NR, true), 0);
    CHECK_EQ(t.c.lost, 2);
    /* Ending a lost grant works at once; the deferred one goes too. */
    CHECK_EQ(gnttab_table_end(&t, r1, owner_a), 0);
    CHECK_EQ(gnttab_table_retry(&t), 0);
    CHECK_EQ(released, 1);
    CHECK_EQ(gnttab_table_check(&t), 0);
    /* And it grants into the new table. */
    CHECK_EQ(gnttab_table_grant(&t, 3, 9, false, owner_a, &r1), 0);
    CHECK_EQ(fresh[r1].flags, GTF_permit_access);
    CHECK_EQ(fresh[r1].domid, 3);
    CHECK(gnttab_table_ref_info(&t, r1, &info));
    CHECK(!info.lost);
}

static void test_check_catches(void)
{
    grant_ref_t ref;

    setup();
    CHECK_EQ(gnttab_table_grant(&t, 0, 1, false, owner_a, &ref), 0);
    slots[ref].state = GNTTAB_REF_FREE;         /* granted, but says free */
    CHECK(gnttab_table_check(&t) != 0);
    setup();
    slots[3].state = GNTTAB_REF_FREE;           /* a reserved one */
    CHECK_EQ(gnttab_table_check(&t), 4);
    setup();
    slots[t.free_head].next = t.free_head;      /* a loop */
    CHECK(gnttab_table_check(&t) != 0);
    setup();
    t.nr_free++;
    CHECK(gnttab_table_check(&t) != 0);
}

static void test_names(void)
{
    CHECK_STR(gnttab_ref_state_name(GNTTAB_REF_RESERVED), "reserved");
    CHECK_STR(gnttab_ref_state_name(GNTTAB_REF_FREE), "free");
    CHECK_STR(gnttab_ref_state_name(GNTTAB_REF_GRANTED), "granted");
    CHECK_STR(gnttab_ref_state_name(GNTTAB_REF_DEFERRED), "deferred");
    CHECK_STR(gnttab_ref_state_name((enum gnttab_ref_state)9), "?");
    CHECK_STR(gnttab_strstatus(GNTST_okay), "okay");
    CHECK_STR(gnttab_strstatus(GNTST_bad_gntref), "invalid grant reference");
    CHECK_STR(gnttab_strstatus(GNTST_no_space), "out of space");
    CHECK_STR(gnttab_strstatus(-14), "?");
    CHECK_STR(gnttab_strstatus(1), "?");
    CHECK_STR(gnttab_strstatus(-32768), "?");
}

/* Random grants, ends and mappings against a model of who holds what. */
static void test_random(void)
{
    bool mine[NR] = { false };
    unsigned int seed = 12345;

    setup();
    for ( int i = 0; i < 200000; i++ )
    {
        uint32_t r;
        grant_ref_t ref;
        int rc;

        seed = seed * 1103515245u + 12345u;
        r = (seed >> 8) % NR;
        switch ( (seed >> 20) % 5 )
        {
        case 0:
        case 1:
            rc = gnttab_table_grant(&t, 0, r, r & 1, owner_a, &ref);
            CHECK(rc == 0 || (rc == -ENOSPC && t.nr_free == 0));
            if ( rc == 0 )
            {
                CHECK(!mine[ref] && ref >= GNTTAB_NR_RESERVED_ENTRIES);
                mine[ref] = true;
            }
            break;
        case 2:
            rc = gnttab_table_end(&t, r, owner_a);
            if ( mine[r] )
                CHECK(rc == 0 || (rc == -EBUSY &&
                                  (entries[r].flags &
                                   (GTF_reading | GTF_writing))));
            else
                CHECK_EQ(rc, (unsigned long long)-EINVAL);
            if ( rc == 0 )
                mine[r] = false;
            break;
        case 3:     /* the backend maps or unmaps (Xen's bits only) */
            if ( r >= GNTTAB_NR_RESERVED_ENTRIES )
                entries[r].flags ^= (seed & 1) ? GTF_reading : GTF_writing;
            break;
        case 4:
            if ( mine[r] &&
                 gnttab_table_end_deferred(&t, r, owner_a, release, NULL) >= 0 )
                mine[r] = false;
            gnttab_table_retry(&t);
            break;
        }
        if ( (i & 1023) == 0 )
            CHECK_EQ(gnttab_table_check(&t), 0);
    }
    CHECK_EQ(gnttab_table_check(&t), 0);
    CHECK_EQ(entries[0].frame, 0x1234);
    CHECK_EQ(entries[1].frame, 0x5678);
}

int main(void)
{
    test_init();
    test_grant_writes();
    test_exhaustion();
    test_end_busy();
    test_end_refused();
    test_deferred();
    test_resume();
    test_check_catches();
    test_names();
    test_random();
    return check_summary("gnttab");
}
