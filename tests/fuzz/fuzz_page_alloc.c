/*
 * fuzz_page_alloc.c: the page-frame allocator (mm/page_alloc.c) against
 * a reference model of one record per frame.
 *
 * Input: u16 frames (1 + v % MAX_FRAMES), u16 first frame (v % 3000, so
 * the range is rarely aligned), one byte of flags (bit 0: all frames are
 * RAM from the start), then operations, by opcode % 12:
 *   0,1  alloc_pages      u8 order (% 12: 11 is too large),
 *                         u8 owner (% (PAGE_OWNER_COUNT + 1): NONE and
 *                         COUNT are invalid)
 *   2,3  free_pages of a live block, as allocated: u16 picks the block
 *   4    a wrong free_pages: u8 how, u16 frame, u8 order, u8 owner, and
 *        unless how % 4 == 0 (all of those as given), u16 picks a live
 *        block, freed with owner (1), with order (2), or at a frame
 *        (how >> 2) % 16 - 8 away from its head (3)
 *   5    add_ram          u16 frame, u8 count
 *   6    add_away         u16 frame, u8 count
 *   7    take             u16 frame, u8 count, u8 owner
 *   8    release          u16 frame, u8 count, u8 owner
 *   9    give_away        u16 frame
 *   10   give_away_any
 *   11   take_back        u16 frame
 * A frame is first + (v % (frames + 16)) - 8: a little outside either end
 * now and then.
 *
 * The model predicts the exact result of every call, errors included (in
 * the order of checks page_alloc.h documents), and for an allocation the
 * exact frame: the lowest free block of the smallest order that fits,
 * where a free block is a largest aligned run of free frames (at most
 * 2^PAGE_MAX_ORDER). After every call: a refused call was reported once
 * with the right error and frame, and the counters agree with the model.
 * After every call on up to 128 frames, every 8th on more, and at the end:
 * the allocator and the model agree on every frame's state and owner, and
 * page_alloc_check() finds nothing.
 */
#include <tinypv/page_alloc.h>
#include "fuzz.h"

#define MAX_FRAMES      1200
#define MAX_OPS         2000

/*
 * The model's walks over every frame need no coverage feedback, and with
 * it they cost most of each run: libFuzzer steers by the allocator's
 * branches, not by the harness's loops.
 */
#define MODEL_WALK      __attribute__((no_sanitize("coverage")))
#define FULL_EVERY_CALL 128             /* frames: a full compare each call */

enum { M_ABSENT, M_FREE, M_HEAD, M_TAIL, M_TAKEN, M_AWAY };

static struct {
    struct fuzz_input in;
    struct page_alloc pa;
    uint32_t meta[4096];
    unsigned long first, end;
    uint8_t kind[MAX_FRAMES];
    uint8_t owner[MAX_FRAMES];
    uint8_t order[MAX_FRAMES];          /* at M_HEAD */
    unsigned long n[6], by_owner[PAGE_OWNER_COUNT];     /* frames per kind, owner */
    uint64_t allocs, frees, failed, refused;
    unsigned int reports;
    struct page_alloc_report last;
} S;

static void record(void *ctx, const struct page_alloc_report *r)
{
    S.reports++;
    S.last = *r;
}

static const struct page_alloc_ops ops = { .report = record };

/* --- the model ------------------------------------------------------------ */

static bool in_range(unsigned long pfn)
{
    return pfn >= S.first && pfn < S.end;
}

static uint8_t *kind(unsigned long pfn)
{
    return &S.kind[pfn - S.first];
}

static bool owner_valid(unsigned int owner)
{
    return owner > PAGE_OWNER_NONE && owner < PAGE_OWNER_COUNT;
}

/* Is the aligned block of 2^k frames at h inside the range and all free? */
MODEL_WALK static bool all_free(unsigned long h, unsigned int k)
{
    if ( h < S.first || h + (1UL << k) > S.end )
        return false;
    for ( unsigned long i = 0; i < (1UL << k); i++ )
        if ( *kind(h + i) != M_FREE )
            return false;
    return true;
}

/*
 * The frame alloc_pages(order) must return: among the largest aligned
 * free runs (the free blocks), the lowest of the smallest order >= order.
 */
MODEL_WALK static bool model_pick(unsigned int order, unsigned long *pick)
{
    unsigned int best = PAGE_MAX_ORDER + 1;

    for ( unsigned long p = S.first; p < S.end; )
    {
        unsigned int k = 0;
        unsigned long h = p;

        if ( *kind(p) != M_FREE )
        {
            p++;
            continue;
        }
        while ( k < PAGE_MAX_ORDER &&
                all_free(p & ~((1UL << (k + 1)) - 1), k + 1) )
        {
            k++;
            h = p & ~((1UL << k) - 1);
        }
        if ( k >= order && k < best )
        {
            best = k;
            *pick = h;
        }
        p = h + (1UL << k);
    }
    return best <= PAGE_MAX_ORDER;
}

static void model_set(unsigned long first, unsigned long count, uint8_t k,
                      uint8_t owner)
{
    for ( unsigned long i = 0; i < count; i++ )
    {
        unsigned long f = first + i - S.first;

        S.n[S.kind[f]]--;
        S.by_owner[S.owner[f]]--;
        S.kind[f] = k;
        S.owner[f] = owner;
        S.n[k]++;
        S.by_owner[owner]++;
    }
}

/* --- checks -------------------------------------------------------------- */

/* The call returned rc; want is what the model says, at frame pfn. */
static void expect(int rc, int want, unsigned long pfn, unsigned int reports)
{
    FUZZ_ASSERT(rc == want);
    if ( want == PAGE_OK || want == PAGE_ERR_NOMEM )
    {
        FUZZ_ASSERT(S.reports == reports);
        return;
    }
    FUZZ_ASSERT(S.reports == reports + 1);
    FUZZ_ASSERT(S.last.err == want);
    FUZZ_ASSERT(S.last.pfn == pfn);
    S.refused++;
}

/*
 * The allocator against the model. Counters after every call; every
 * frame and page_alloc_check() too when full (each costs a walk of all
 * the metadata, so on large ranges only every few calls and at the end).
 */
MODEL_WALK static void compare(bool full)
{
    const unsigned long *n = S.n, *by_owner = S.by_owner;
    struct page_alloc_counters c;
    unsigned int reports = S.reports;

    page_alloc_get_counters(&S.pa, &c);
    FUZZ_ASSERT(c.frames == S.end - S.first);
    FUZZ_ASSERT(c.free == n[M_FREE]);
    FUZZ_ASSERT(c.used == n[M_HEAD] + n[M_TAIL]);
    FUZZ_ASSERT(c.taken == n[M_TAKEN]);
    FUZZ_ASSERT(c.away == n[M_AWAY]);
    FUZZ_ASSERT(c.absent == n[M_ABSENT]);
    FUZZ_ASSERT(c.ram == c.free + c.used + c.taken);
    for ( unsigned int o = PAGE_OWNER_NONE + 1; o < PAGE_OWNER_COUNT; o++ )
        FUZZ_ASSERT(c.by_owner[o] == by_owner[o]);
    FUZZ_ASSERT(c.allocs == S.allocs && c.frees == S.frees);
    FUZZ_ASSERT(c.failed_allocs == S.failed && c.refused == S.refused);
    if ( !full )
        return;

    for ( unsigned long p = S.first; p < S.end; p++ )
    {
        static const enum page_state state[] = {
            [M_ABSENT] = PAGE_ABSENT, [M_FREE] = PAGE_FREE,
            [M_HEAD] = PAGE_USED, [M_TAIL] = PAGE_USED,
            [M_TAKEN] = PAGE_TAKEN, [M_AWAY] = PAGE_AWAY,
        };
        enum page_owner o;

        FUZZ_ASSERT(page_alloc_state(&S.pa, p, &o) == state[*kind(p)]);
        FUZZ_ASSERT(o == S.owner[p - S.first]);
    }
    FUZZ_ASSERT(page_alloc_state(&S.pa, S.first - 1, NULL) == PAGE_ABSENT);
    FUZZ_ASSERT(page_alloc_state(&S.pa, S.end, NULL) == PAGE_ABSENT);
    FUZZ_ASSERT(page_alloc_check(&S.pa) == PAGE_OK);
    FUZZ_ASSERT(S.reports == reports);
}

/* --- operations ------------------------------------------------------------- */

static unsigned long pick_frame(void)
{
    unsigned long v = fuzz_u16(&S.in) % (S.end - S.first + 16);

    return S.first + v - 8;
}

static void op_alloc(unsigned int order, unsigned int owner)
{
    unsigned int reports = S.reports;
    unsigned long pfn = ~0UL, want = 0;
    int rc = alloc_pages(&S.pa, order, owner, &pfn);

    if ( order > PAGE_MAX_ORDER )
        return expect(rc, PAGE_ERR_ORDER, 0, reports);
    if ( !owner_valid(owner) )
        return expect(rc, PAGE_ERR_INVAL, 0, reports);
    if ( !model_pick(order, &want) )
    {
        expect(rc, PAGE_ERR_NOMEM, 0, reports);
        FUZZ_ASSERT(pfn == ~0UL);
        S.failed++;
        return;
    }
    expect(rc, PAGE_OK, 0, reports);
    FUZZ_ASSERT(pfn == want);
    model_set(pfn, 1, M_HEAD, owner);
    model_set(pfn + 1, (1UL << order) - 1, M_TAIL, owner);
    S.order[pfn - S.first] = order;
    S.allocs++;
}

/* free_pages as the model sees it: the error, and the frame reported. */
static int model_free(unsigned long pfn, unsigned int order,
                      unsigned int owner)
{
    unsigned long n = 1;

    if ( order > PAGE_MAX_ORDER || !owner_valid(owner) || !in_range(pfn) )
        return order > PAGE_MAX_ORDER ? PAGE_ERR_ORDER
               : !owner_valid(owner) ? PAGE_ERR_INVAL : PAGE_ERR_RANGE;
    if ( pfn & ((1UL << order) - 1) )
        return PAGE_ERR_ALIGN;
    switch ( *kind(pfn) )
    {
    case M_FREE: return PAGE_ERR_DOUBLE_FREE;
    case M_TAIL: return PAGE_ERR_NOT_HEAD;
    case M_HEAD: break;
    default:     return PAGE_ERR_NOT_ALLOCATED;
    }
    if ( S.owner[pfn - S.first] != owner )
        return PAGE_ERR_OWNER;
    n = 1UL << S.order[pfn - S.first];
    if ( n != (1UL << order) )
        return PAGE_ERR_SIZE;
    return PAGE_OK;
}

static void op_free(unsigned long pfn, unsigned int order, unsigned int owner)
{
    unsigned int reports = S.reports;
    int want = model_free(pfn, order, owner);
    int rc = free_pages(&S.pa, pfn, order, owner);

    expect(rc, want, pfn, reports);
    if ( want == PAGE_ERR_SIZE )
        FUZZ_ASSERT(S.last.block_frames == 1UL << S.order[pfn - S.first]);
    if ( rc == PAGE_OK )
    {
        model_set(pfn, 1UL << order, M_FREE, PAGE_OWNER_NONE);
        S.frees++;
    }
}

/* The head of the which-th live block, if there is one. */
MODEL_WALK static bool live_block(unsigned long which, unsigned long *head)
{
    unsigned long heads = 0;

    for ( unsigned long p = S.first; p < S.end; p++ )
        heads += *kind(p) == M_HEAD;
    if ( heads == 0 )
        return false;
    which %= heads;
    for ( unsigned long p = S.first; p < S.end; p++ )
        if ( *kind(p) == M_HEAD && which-- == 0 )
        {
            *head = p;
            return true;
        }
    return false;
}

static void op_free_live(void)
{
    unsigned long p;

    if ( live_block(fuzz_u16(&S.in), &p) )
        op_free(p, S.order[p - S.first], S.owner[p - S.first]);
}

/*
 * A free that is almost right: a live block with one thing changed, the
 * mistakes a caller makes (another owner, another order, a frame nearby),
 * or anything at all.
 */
static void op_free_wrong(void)
{
    uint8_t how = fuzz_u8(&S.in);
    unsigned long p, pfn = pick_frame();
    unsigned int order = fuzz_u8(&S.in) % 12;
    unsigned int owner = fuzz_u8(&S.in) % (PAGE_OWNER_COUNT + 1);

    if ( (how & 3) == 0 || !live_block(fuzz_u16(&S.in), &p) )
        return op_free(pfn, order, owner);
    switch ( how & 3 )
    {
    case 1:
        op_free(p, S.order[p - S.first], owner);
        break;
    case 2:
        op_free(p, order, S.owner[p - S.first]);
        break;
    default:
        op_free(p + (how >> 2) % 16 - 8, S.order[p - S.first],
                S.owner[p - S.first]);
        break;
    }
}

/*
 * A range call: every frame must be of kind need (and of owner, when
 * check_owner); the first that is not is reported, as STATE or OWNER.
 */
static int model_range(unsigned long first, unsigned long count,
                       uint8_t need, bool check_owner, unsigned int owner,
                       unsigned long *bad)
{
    *bad = first;
    if ( first < S.first || first > S.end || count > S.end - first )
        return PAGE_ERR_RANGE;
    for ( unsigned long i = 0; i < count; i++ )
    {
        *bad = first + i;
        if ( *kind(first + i) != need )
            return PAGE_ERR_STATE;
        if ( check_owner && S.owner[first + i - S.first] != owner )
            return PAGE_ERR_OWNER;
    }
    return PAGE_OK;
}

static void op_range(unsigned int op)
{
    unsigned long first = pick_frame(), count = fuzz_u8(&S.in), bad;
    unsigned int owner = 0, reports = S.reports;
    int want, rc;

    if ( op == 7 || op == 8 )
        owner = fuzz_u8(&S.in) % (PAGE_OWNER_COUNT + 1);
    switch ( op )
    {
    case 5:
        want = model_range(first, count, M_ABSENT, false, 0, &bad);
        rc = page_alloc_add_ram(&S.pa, first, count);
        expect(rc, want, bad, reports);
        if ( rc == PAGE_OK )
            model_set(first, count, M_FREE, PAGE_OWNER_NONE);
        break;
    case 6:
        want = model_range(first, count, M_ABSENT, false, 0, &bad);
        rc = page_alloc_add_away(&S.pa, first, count);
        expect(rc, want, bad, reports);
        if ( rc == PAGE_OK )
            model_set(first, count, M_AWAY, PAGE_OWNER_NONE);
        break;
    case 7:
        want = owner_valid(owner) ? model_range(first, count, M_FREE, false,
                                                0, &bad)
                                  : (bad = first, PAGE_ERR_INVAL);
        rc = page_alloc_take(&S.pa, first, count, owner);
        expect(rc, want, bad, reports);
        if ( rc == PAGE_OK )
            model_set(first, count, M_TAKEN, owner);
        break;
    default:
        want = owner_valid(owner) ? model_range(first, count, M_TAKEN, true,
                                                owner, &bad)
                                  : (bad = first, PAGE_ERR_INVAL);
        rc = page_alloc_release(&S.pa, first, count, owner);
        expect(rc, want, bad, reports);
        if ( rc == PAGE_OK )
            model_set(first, count, M_FREE, PAGE_OWNER_NONE);
        break;
    }
}

static void op_one(unsigned int op)
{
    unsigned long pfn = pick_frame(), bad;
    unsigned int reports = S.reports;
    uint8_t need = op == 9 ? M_FREE : M_AWAY;
    int want = in_range(pfn) ? model_range(pfn, 1, need, false, 0, &bad)
                             : (bad = pfn, PAGE_ERR_RANGE);
    int rc = op == 9 ? page_alloc_give_away(&S.pa, pfn)
                     : page_alloc_take_back(&S.pa, pfn);

    expect(rc, want, bad, reports);
    if ( rc == PAGE_OK )
        model_set(pfn, 1, op == 9 ? M_AWAY : M_FREE, PAGE_OWNER_NONE);
}

static void op_give_away_any(void)
{
    unsigned long pfn = ~0UL, want;
    unsigned int reports = S.reports;
    bool any = model_pick(0, &want);
    int rc = page_alloc_give_away_any(&S.pa, &pfn);

    expect(rc, any ? PAGE_OK : PAGE_ERR_NOMEM, 0, reports);
    if ( rc == PAGE_OK )
    {
        FUZZ_ASSERT(pfn == want);
        model_set(pfn, 1, M_AWAY, PAGE_OWNER_NONE);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned long nr;
    unsigned int steps = 0;
    uint8_t flags;

    memset(&S, 0, sizeof(S));
    S.in.p = data;
    S.in.n = size;
    nr = 1 + fuzz_u16(&S.in) % MAX_FRAMES;
    S.first = 8 + fuzz_u16(&S.in) % 3000;
    S.end = S.first + nr;
    S.n[M_ABSENT] = S.by_owner[PAGE_OWNER_NONE] = nr;
    flags = fuzz_u8(&S.in);

    FUZZ_ASSERT(page_alloc_meta_size(S.first, nr) <= sizeof(S.meta));
    FUZZ_ASSERT(page_alloc_init(&S.pa, S.first, nr, S.meta, sizeof(S.meta),
                                &ops) == PAGE_OK);
    if ( flags & 1 )
    {
        FUZZ_ASSERT(page_alloc_add_ram(&S.pa, S.first, nr) == PAGE_OK);
        model_set(S.first, nr, M_FREE, PAGE_OWNER_NONE);
    }
    compare(true);

    while ( !fuzz_empty(&S.in) && steps++ < MAX_OPS )
    {
        unsigned int op = fuzz_u8(&S.in) % 12;

        switch ( op )
        {
        case 0:
        case 1:
        {
            unsigned int order = fuzz_u8(&S.in) % 12;

            op_alloc(order, fuzz_u8(&S.in) % (PAGE_OWNER_COUNT + 1));
            break;
        }
        case 2:
        case 3:
            op_free_live();
            break;
        case 4:
            op_free_wrong();
            break;
        case 9:
        case 11:
            op_one(op);
            break;
        case 10:
            op_give_away_any();
            break;
        default:
            op_range(op);
            break;
        }
        compare(nr <= FULL_EVERY_CALL || steps % 8 == 0);
    }
    compare(true);
    return 0;
}
