/*
 * fuzz_gnttab.c: the grant table's bookkeeping (grant/gnttab_table.c)
 * against a model, with Xen and a hostile backend writing the shared
 * entries between calls.
 *
 * Input: u8 entries (GNTTAB_NR_RESERVED_ENTRIES + 1 + v % 120), u8 seed of
 * the entries found in use at setup (entry i > reserved is set when bit
 * i % 8 of the seed is, and the seed is odd), then operations, by
 * opcode % 8:
 *   0,1  grant          u16 domid, u32 frame, u8 (bit 0: read-only,
 *                       bits 1-2: owner a, b, or none)
 *   2    end            u16 ref (% (entries + 8)), u8 owner
 *   3    end_deferred   u16 ref, u8 owner
 *   4    retry
 *   5    the backend    u16 ref, u8 how: Xen maps or unmaps (sets or
 *                       clears GTF_reading / GTF_writing) or, if how
 *                       & 0x80, anything at all: u16 flags, u16 domid,
 *                       u32 frame written into the entry
 *   6    resume         u8 (bit 0: a new domain: every entry past the
 *                       reserved ones is 0 again, a new table)
 *   7    ref_info       u16 ref
 *
 * The model predicts each call's result. After every call: only the
 * entries the call may write changed (a grant's and an end's own
 * reference, a retry's deferred ones; never a reserved one, never one
 * found in use); a grant's entry holds frame, domid and the flags; an end
 * that succeeded left flags 0 and was refused exactly when Xen's bits were
 * set; each release came once, for the right reference; the counters and
 * gnttab_table_check() agree.
 */
#include <tinypv/gnttab_table.h>
#include <tinypv/xs_proto.h>
#include "fuzz.h"

#define MAX_ENTRIES     (GNTTAB_NR_RESERVED_ENTRIES + 121)
#define MAX_OPS         3000
#define MAPPED          (GTF_reading | GTF_writing)

static const char owner_a[] = "a", owner_b[] = "b";

enum m_state { M_RESERVED, M_FREE, M_GRANTED, M_DEFERRED };

static struct {
    struct fuzz_input in;
    grant_entry_v1_t entries[MAX_ENTRIES];
    grant_entry_v1_t before[MAX_ENTRIES];
    struct gnttab_slot slots[MAX_ENTRIES];
    struct gnttab_table t;
    uint32_t nr;
    struct {
        enum m_state state;
        const char *owner;
        unsigned int released;
        bool lost;
    } m[MAX_ENTRIES];
    uint32_t nfree, ngranted, ndeferred;
    uint64_t grants, ends, exhausted, deferred, deferred_ended, lost;
} S;

static void release(void *ctx)
{
    uintptr_t ref = (uintptr_t)ctx;

    FUZZ_ASSERT(ref < S.nr);
    S.m[ref].released++;
}

static const char *owner_of(uint8_t b)
{
    switch ( b % 3 )
    {
    case 0: return owner_a;
    case 1: return owner_b;
    }
    return NULL;
}

/* Only ref (or none: ref == GNTTAB_REF_NONE) changed since the snapshot. */
static void only_changed(uint32_t ref)
{
    for ( uint32_t i = 0; i < S.nr; i++ )
        if ( i != ref )
            FUZZ_ASSERT(memcmp(&S.before[i], &S.entries[i],
                               sizeof(S.entries[i])) == 0);
}

static void check_all(void)
{
    FUZZ_ASSERT(gnttab_table_check(&S.t) == 0);
    FUZZ_ASSERT(S.t.nr_free == S.nfree);
    FUZZ_ASSERT(S.t.nr_granted == S.ngranted);
    FUZZ_ASSERT(S.t.nr_deferred == S.ndeferred);
    FUZZ_ASSERT(S.t.c.grants == S.grants);
    FUZZ_ASSERT(S.t.c.ends == S.ends);
    FUZZ_ASSERT(S.t.c.exhausted == S.exhausted);
    FUZZ_ASSERT(S.t.c.deferred == S.deferred);
    FUZZ_ASSERT(S.t.c.deferred_ended == S.deferred_ended);
    FUZZ_ASSERT(S.t.c.lost == S.lost);
    for ( uint32_t i = 0; i < S.nr; i++ )
    {
        struct gnttab_ref_info info;

        FUZZ_ASSERT(gnttab_table_ref_info(&S.t, i, &info));
        FUZZ_ASSERT((int)info.state == (int)S.m[i].state);
        FUZZ_ASSERT(S.m[i].released <= 1);
    }
}

static void op_grant(void)
{
    domid_t domid = fuzz_u16(&S.in);
    uint32_t frame = fuzz_u32(&S.in);
    uint8_t how = fuzz_u8(&S.in);
    bool ro = how & 1;
    const char *owner = owner_of(how >> 1);
    grant_ref_t ref = GNTTAB_REF_NONE;
    int rc = gnttab_table_grant(&S.t, domid, frame, ro, owner, &ref);

    if ( domid >= DOMID_FIRST_RESERVED || !owner )
    {
        FUZZ_ASSERT(rc == -EINVAL);
        only_changed(GNTTAB_REF_NONE);
        return;
    }
    if ( S.nfree == 0 )
    {
        FUZZ_ASSERT(rc == -ENOSPC);
        S.exhausted++;
        only_changed(GNTTAB_REF_NONE);
        return;
    }
    FUZZ_ASSERT(rc == 0 && ref < S.nr && S.m[ref].state == M_FREE);
    only_changed(ref);
    FUZZ_ASSERT(S.entries[ref].frame == frame);
    FUZZ_ASSERT(S.entries[ref].domid == domid);
    FUZZ_ASSERT(S.entries[ref].flags ==
                (GTF_permit_access | (ro ? GTF_readonly : 0)));
    S.m[ref].state = M_GRANTED;
    S.m[ref].owner = owner;
    S.m[ref].released = 0;
    S.m[ref].lost = false;
    S.nfree--;
    S.ngranted++;
    S.grants++;
}

static void op_end(bool deferred)
{
    uint32_t ref = fuzz_u16(&S.in) % (S.nr + 8);
    const char *owner = owner_of(fuzz_u8(&S.in));
    bool holds = ref < S.nr && owner && S.m[ref].state == M_GRANTED &&
                 S.m[ref].owner == owner;
    bool mapped = holds && (S.entries[ref].flags & MAPPED);
    int rc;

    if ( deferred )
        rc = gnttab_table_end_deferred(&S.t, ref, owner, release,
                                       (void *)(uintptr_t)ref);
    else
        rc = gnttab_table_end(&S.t, ref, owner);
    if ( !holds )
    {
        FUZZ_ASSERT(rc == -EINVAL);
        only_changed(GNTTAB_REF_NONE);
        return;
    }
    if ( mapped )
    {
        only_changed(GNTTAB_REF_NONE);
        if ( !deferred )
        {
            FUZZ_ASSERT(rc == -EBUSY);
            return;
        }
        FUZZ_ASSERT(rc == 1 && S.m[ref].released == 0);
        S.m[ref].state = M_DEFERRED;
        S.ngranted--;
        S.ndeferred++;
        S.deferred++;
        return;
    }
    FUZZ_ASSERT(rc == 0);
    only_changed(ref);
    FUZZ_ASSERT(S.entries[ref].flags == 0);
    FUZZ_ASSERT(S.m[ref].released == (deferred ? 1u : 0u));
    S.m[ref].state = M_FREE;
    S.m[ref].released = 0;
    S.m[ref].lost = false;
    S.ngranted--;
    S.nfree++;
    S.ends++;
}

static void op_retry(void)
{
    bool ends[MAX_ENTRIES];
    uint32_t left = 0, n;

    for ( uint32_t i = 0; i < S.nr; i++ )
    {
        ends[i] = S.m[i].state == M_DEFERRED &&
                  !(S.entries[i].flags & MAPPED);
        if ( S.m[i].state == M_DEFERRED && !ends[i] )
            left++;
    }
    n = gnttab_table_retry(&S.t);
    FUZZ_ASSERT(n == left);
    for ( uint32_t i = 0; i < S.nr; i++ )
    {
        if ( ends[i] )
        {
            FUZZ_ASSERT(S.entries[i].flags == 0 && S.m[i].released == 1);
            S.m[i].state = M_FREE;
            S.m[i].released = 0;
            S.m[i].lost = false;
            S.ndeferred--;
            S.nfree++;
            S.ends++;
            S.deferred_ended++;
        }
        else
        {
            FUZZ_ASSERT(memcmp(&S.before[i], &S.entries[i],
                               sizeof(S.entries[i])) == 0);
            FUZZ_ASSERT(S.m[i].released == 0);
        }
    }
}

static void op_backend(void)
{
    uint32_t ref = fuzz_u16(&S.in) % S.nr;
    uint8_t how = fuzz_u8(&S.in);
    grant_entry_v1_t *e = &S.entries[ref];

    if ( how & 0x80 )
    {
        e->flags = fuzz_u16(&S.in);
        e->domid = fuzz_u16(&S.in);
        e->frame = fuzz_u32(&S.in);
    }
    else if ( how & 1 )
        e->flags |= (how & 2) ? GTF_writing | GTF_reading : GTF_reading;
    else
        e->flags &= (uint16_t)~((how & 2) ? GTF_writing : MAPPED);
}

static void op_resume(void)
{
    bool new_domain = fuzz_u8(&S.in) & 1;

    if ( new_domain )
    {
        /* A new table: only the toolstack's entries in it. */
        memset(&S.entries[GNTTAB_NR_RESERVED_ENTRIES], 0,
               (S.nr - GNTTAB_NR_RESERVED_ENTRIES) * sizeof(S.entries[0]));
        for ( uint32_t i = 0; i < S.nr; i++ )
            if ( S.m[i].state == M_GRANTED || S.m[i].state == M_DEFERRED )
            {
                if ( !S.m[i].lost )
                    S.lost++;
                S.m[i].lost = true;
            }
        memcpy(S.before, S.entries, sizeof(S.before));
    }
    FUZZ_ASSERT(gnttab_table_resume(&S.t, S.entries, S.nr, new_domain) == 0);
    FUZZ_ASSERT(gnttab_table_resume(&S.t, S.entries, S.nr + 1, false) ==
                -EINVAL);
    only_changed(GNTTAB_REF_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned int steps = 0;
    uint8_t seed;

    memset(&S, 0, sizeof(S));
    S.in.p = data;
    S.in.n = size;
    S.nr = GNTTAB_NR_RESERVED_ENTRIES + 1 + fuzz_u8(&S.in) % 120;
    seed = fuzz_u8(&S.in);
    for ( uint32_t i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++ )
        S.entries[i] = (grant_entry_v1_t){ GTF_permit_access, 0, 0x1000 + i };
    for ( uint32_t i = GNTTAB_NR_RESERVED_ENTRIES; i < S.nr; i++ )
    {
        bool in_use = (seed & 1) && (seed & (1u << (i % 8)));

        if ( in_use )
            S.entries[i] = (grant_entry_v1_t){ GTF_permit_access, 3, i };
        S.m[i].state = in_use ? M_RESERVED : M_FREE;
        S.nfree += !in_use;
    }
    memset(S.slots, 0x5a, sizeof(S.slots));
    memcpy(S.before, S.entries, sizeof(S.before));
    FUZZ_ASSERT(gnttab_table_init(&S.t, S.entries, S.nr, S.slots) == 0);
    only_changed(GNTTAB_REF_NONE);
    check_all();

    while ( !fuzz_empty(&S.in) && steps++ < MAX_OPS )
    {
        uint8_t op = fuzz_u8(&S.in) % 8;
        struct gnttab_ref_info info;

        memcpy(S.before, S.entries, sizeof(S.before));
        switch ( op )
        {
        case 0:
        case 1: op_grant(); break;
        case 2: op_end(false); break;
        case 3: op_end(true); break;
        case 4: op_retry(); break;
        case 5: op_backend(); break;
        case 6: op_resume(); break;
        case 7:
        {
            uint16_t r = fuzz_u16(&S.in);
            bool ok = gnttab_table_ref_info(&S.t, r, &info);

            FUZZ_ASSERT(ok == (r < S.nr));
            if ( ok )
                FUZZ_ASSERT(info.flags == S.entries[r].flags &&
                            info.lost == S.m[r].lost);
            break;
        }
        }
        check_all();
    }
    return 0;
}
