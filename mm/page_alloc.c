/*
 * page_alloc.c: a buddy allocator over frame numbers, whose free lists
 * are bitmaps.
 *
 * Why buddy: the kernel needs single pages and small aligned runs (rings,
 * grant tables, buffers of 2^n pages). A buddy allocator gives aligned
 * runs by construction, merges a freed block with its free buddy in
 * PAGE_MAX_ORDER steps, and splits the smallest block that fits, which
 * keeps large runs whole. A plain bitmap would have to scan for a free
 * aligned run on every allocation and never knows a block's size.
 *
 * Why bitmaps and not linked lists: a classic buddy allocator links its
 * free blocks through the free pages themselves. Here that cannot work: on
 * PV most pages are not mapped when the allocator starts, and a page given
 * away by the balloon has no memory behind it at all, so writing a link
 * into it would fault. So nothing is ever written into a managed page;
 * all state lives in a metadata area the caller provides:
 *
 *   one byte per frame     its kind (free, head or tail of a used block,
 *                          taken, away, absent) and its owner. Frees are
 *                          checked against it: a double free, a free in
 *                          the middle of a block or of the wrong order is
 *                          seen before anything changes. A used block's
 *                          order is not stored: it is its head plus the
 *                          tails that follow.
 *   a bitmap per order k   bit i set: frames base + i*2^k .. are one free
 *                          block of order k. Together with a count and a
 *                          search hint per order, allocation finds the
 *                          lowest free block of the smallest order that fits.
 *
 * That is 1 byte + ~2 bits per 4 KiB frame (0.04%): 5 KiB for a 16 MiB
 * domain, ~268 KiB for the most a 32-bit PV kernel can map (0xC0000000 up
 * to the hypervisor hole at 0xF5800000: 856 MiB, 219136 frames), 1.25 MiB
 * for the 4 GiB a PVH identity map covers. A static array for the largest
 * case would cost every image 1.25 MiB of bss, more than a small domain's
 * whole image and more than the 512 KiB Xen guarantees mapped after a PV
 * guest's boot elements, so the boot code sizes the area with
 * page_alloc_meta_size() and places it in the domain's own free pages.
 *
 * Invariants (page_alloc_check() tests all of them): every FREE frame is
 * in exactly one free block; a free block holds FREE frames only; no two
 * buddies of order < PAGE_MAX_ORDER are both free blocks (merging is
 * complete, so any aligned all-free run of 2^k frames lies in one free
 * block and alloc_pages() fails only when no such run exists); a used
 * block is a HEAD followed by 2^k - 1 TAILs, aligned to 2^k.
 */
#include <tinypv/page_alloc.h>
#include <lib/string.h>

/* A frame's byte: its kind in the low 3 bits, its owner above. */
enum frame_kind {
    FRAME_ABSENT,
    FRAME_FREE,
    FRAME_HEAD,             /* first frame of a block from alloc_pages() */
    FRAME_TAIL,             /* the others */
    FRAME_TAKEN,
    FRAME_AWAY,
};
#define KIND_BITS       3
#define KIND_MASK       ((1u << KIND_BITS) - 1)

_Static_assert(PAGE_OWNER_COUNT <= (1u << (8 - KIND_BITS)),
               "page owners must fit in a frame byte");

#define BLOCK(k)        (1UL << (k))
#define WORD_BITS       32u

static unsigned int kind_of(uint8_t b)
{
    return b & KIND_MASK;
}

static enum page_owner owner_of(uint8_t b)
{
    return (enum page_owner)(b >> KIND_BITS);
}

static enum page_state state_of_kind(unsigned int kind)
{
    switch ( kind )
    {
    case FRAME_FREE:  return PAGE_FREE;
    case FRAME_HEAD:
    case FRAME_TAIL:  return PAGE_USED;
    case FRAME_TAKEN: return PAGE_TAKEN;
    case FRAME_AWAY:  return PAGE_AWAY;
    default:          return PAGE_ABSENT;
    }
}

static uint8_t frame_byte(const struct page_alloc *pa, unsigned long pfn)
{
    return pa->frame[pfn - pa->first];
}

/* Change one frame's byte, keeping the counters in step. */
static void set_frame(struct page_alloc *pa, unsigned long pfn,
                      unsigned int kind, enum page_owner owner)
{
    uint8_t *b = &pa->frame[pfn - pa->first];

    pa->nr_kind[kind_of(*b)]--;
    pa->by_owner[owner_of(*b)]--;
    *b = (uint8_t)(kind | (unsigned int)owner << KIND_BITS);
    pa->nr_kind[kind]++;
    pa->by_owner[owner]++;
}

static void set_frames(struct page_alloc *pa, unsigned long first,
                       unsigned long count, unsigned int kind,
                       enum page_owner owner)
{
    for ( unsigned long i = 0; i < count; i++ )
        set_frame(pa, first + i, kind, owner);
}

/* --- the free-block bitmaps --------------------------------------------- */

static unsigned long block_index(const struct page_alloc *pa,
                                 unsigned long pfn, unsigned int k)
{
    return (pfn - pa->base) >> k;
}

static bool block_free(const struct page_alloc *pa, unsigned long pfn,
                       unsigned int k)
{
    unsigned long i = block_index(pa, pfn, k);

    if ( i >= pa->map_blocks[k] )
        return false;
    return pa->map[k][i / WORD_BITS] & (1u << (i % WORD_BITS));
}

/* Record a free block, without merging (the caller knows its buddy is not free). */
static void set_free(struct page_alloc *pa, unsigned long pfn, unsigned int k)
{
    unsigned long i = block_index(pa, pfn, k), w = i / WORD_BITS;

    pa->map[k][w] |= 1u << (i % WORD_BITS);
    pa->free_blocks[k]++;
    if ( w < pa->map_hint[k] )
        pa->map_hint[k] = w;
}

static void clear_free(struct page_alloc *pa, unsigned long pfn,
                       unsigned int k)
{
    unsigned long i = block_index(pa, pfn, k);

    pa->map[k][i / WORD_BITS] &= ~(1u << (i % WORD_BITS));
    pa->free_blocks[k]--;
}

/* The buddy of the order-k block at pfn: the other half of their parent. */
static unsigned long buddy_of(const struct page_alloc *pa, unsigned long pfn,
                              unsigned int k)
{
    return pa->base + ((pfn - pa->base) ^ BLOCK(k));
}

/* LAB memory BEGIN: the buddy merge */
/* Record a free block, merging it with its free buddies as far as it goes. */
static void insert_free(struct page_alloc *pa, unsigned long pfn,
                        unsigned int k)
{
    while ( k < PAGE_MAX_ORDER )
    {
        unsigned long buddy = buddy_of(pa, pfn, k);

        if ( !block_free(pa, buddy, k) )
            break;
        clear_free(pa, buddy, k);
        pfn = MIN(pfn, buddy);
        k++;
    }
    set_free(pa, pfn, k);
}
#if 0 /* LAB memory STUB */
/*
 * LAB memory: record the free block of order k at pfn, merged with its
 * buddy (buddy_of()) for as long as the buddy is a free block of the same
 * order (block_free()): take the buddy out of its bitmap (clear_free()),
 * keep the lower of the two as the merged block's first frame, go one
 * order up; never past PAGE_MAX_ORDER. Then record the result
 * (set_free()). This stub records the block as it is, unmerged: the
 * allocator still works, but every freed page stays a page, and the
 * invariant "no two free buddies" (page_alloc_check()) breaks.
 */
static void insert_free(struct page_alloc *pa, unsigned long pfn,
                        unsigned int k)
{
    set_free(pa, pfn, k);
}
#endif /* LAB memory END */

/* [first, end), whose frames are FREE already, into the largest blocks. */
static void insert_free_range(struct page_alloc *pa, unsigned long first,
                              unsigned long end)
{
    while ( first < end )
    {
        unsigned int k = 0;

        while ( k < PAGE_MAX_ORDER &&
                ((first - pa->base) & (BLOCK(k + 1) - 1)) == 0 &&
                end - first >= BLOCK(k + 1) )
            k++;
        insert_free(pa, first, k);
        first += BLOCK(k);
    }
}

/* The free block holding pfn: its first frame and order. */
static bool containing_block(const struct page_alloc *pa, unsigned long pfn,
                             unsigned long *head, unsigned int *order)
{
    for ( unsigned int k = 0; k <= PAGE_MAX_ORDER; k++ )
    {
        unsigned long h = pfn - ((pfn - pa->base) & (BLOCK(k) - 1));

        if ( block_free(pa, h, k) )
        {
            *head = h;
            *order = k;
            return true;
        }
    }
    return false;
}

/*
 * Take [first, end), whose frames are all FREE, out of the free blocks:
 * a block wholly inside goes at once; one that sticks out is split, its
 * halves outside the range staying free.
 */
static int carve_range(struct page_alloc *pa, unsigned long first,
                       unsigned long end)
{
    unsigned long p = first;

    while ( p < end )
    {
        unsigned long h;
        unsigned int k;

        if ( !containing_block(pa, p, &h, &k) )
            return PAGE_ERR_CORRUPT;
        clear_free(pa, h, k);
        /* Split until the part holding p lies inside the range. */
        while ( h < first || h + BLOCK(k) > end )
        {
            k--;
            if ( p < h + BLOCK(k) )
                set_free(pa, h + BLOCK(k), k);  /* may still overlap: later */
            else
            {
                set_free(pa, h, k);             /* wholly below first */
                h += BLOCK(k);
            }
        }
        p = h + BLOCK(k);
    }
    return PAGE_OK;
}

/* The lowest free block of order k (there is one: free_blocks[k] > 0). */
static bool first_free_block(struct page_alloc *pa, unsigned int k,
                             unsigned long *pfn)
{
    unsigned long words = (pa->map_blocks[k] + WORD_BITS - 1) / WORD_BITS;

    for ( unsigned long w = pa->map_hint[k]; w < words; w++ )
    {
        uint32_t bits = pa->map[k][w];

        if ( bits )
        {
            pa->map_hint[k] = w;
            *pfn = pa->base + ((w * WORD_BITS + __builtin_ctz(bits)) << k);
            return true;
        }
    }
    return false;
}

/* LAB memory BEGIN: the buddy split */
/*
 * Take a block of 2^order frames from the smallest free block that fits,
 * splitting it: the upper halves stay free. Its frames are still FREE in
 * their bytes; the caller marks them.
 */
static int take_block(struct page_alloc *pa, unsigned int order,
                      unsigned long *pfn)
{
    unsigned int k = order;
    unsigned long h;

    while ( k <= PAGE_MAX_ORDER && pa->free_blocks[k] == 0 )
        k++;
    if ( k > PAGE_MAX_ORDER )
        return PAGE_ERR_NOMEM;
    if ( !first_free_block(pa, k, &h) )
        return PAGE_ERR_CORRUPT;
    clear_free(pa, h, k);
    while ( k > order )
    {
        k--;
        set_free(pa, h + BLOCK(k), k);
    }
    *pfn = h;
    return PAGE_OK;
}
#if 0 /* LAB memory STUB */
/*
 * LAB memory: take a block of 2^order frames from the smallest free block
 * that fits: the lowest order k >= order with a free block
 * (pa->free_blocks[k]); none up to PAGE_MAX_ORDER: PAGE_ERR_NOMEM. Take
 * the lowest block of that order (first_free_block(); false means the
 * counts lie: PAGE_ERR_CORRUPT) out of its bitmap (clear_free()), then
 * split it down to the order asked: each split keeps the lower half and
 * records the upper half free, one order down (set_free()). *pfn is the
 * block's first frame. Its frames stay FREE in their bytes: the callers
 * mark them. This stub finds nothing: every allocation fails.
 */
static int take_block(struct page_alloc *pa, unsigned int order,
                      unsigned long *pfn)
{
    (void)pa;
    (void)order;
    (void)pfn;
    (void)first_free_block;         /* yours to use */
    return PAGE_ERR_NOMEM;
}
#endif /* LAB memory END */

/* --- reports -------------------------------------------------------------- */

static int refuse(struct page_alloc *pa, const char *op, int err,
                  unsigned long pfn, unsigned long first, unsigned long count,
                  unsigned int order, unsigned long block_frames)
{
    struct page_alloc_report r = {
        .op = op, .err = err, .pfn = pfn, .first = first, .count = count,
        .order = order, .block_frames = block_frames,
    };

    r.state = page_alloc_state(pa, pfn, &r.owner);
    pa->refused++;
    if ( pa->ops.report )
        pa->ops.report(pa->ops.ctx, &r);
    return err;
}

static bool owner_ok(enum page_owner owner)
{
    return owner > PAGE_OWNER_NONE && owner < PAGE_OWNER_COUNT;
}

/* Is [first, first + count) inside the allocator's frames? */
static bool range_ok(const struct page_alloc *pa, unsigned long first,
                     unsigned long count)
{
    return first >= pa->first && first <= pa->end &&
           count <= pa->end - first;
}

/*
 * Are all frames of [first, first + count) of kind (and of owner, unless
 * PAGE_OWNER_NONE)? If not, report the first that is not and say why.
 */
static int check_frames(struct page_alloc *pa, const char *op,
                        unsigned long first, unsigned long count,
                        unsigned int kind, enum page_owner owner)
{
    for ( unsigned long i = 0; i < count; i++ )
    {
        uint8_t b = frame_byte(pa, first + i);

        if ( kind_of(b) != kind )
            return refuse(pa, op, PAGE_ERR_STATE, first + i, first, count,
                          0, 0);
        if ( owner != PAGE_OWNER_NONE && owner_of(b) != owner )
            return refuse(pa, op, PAGE_ERR_OWNER, first + i, first, count,
                          0, 0);
    }
    return PAGE_OK;
}

/* --- setting up -------------------------------------------------------- */

static unsigned long span_of(unsigned long first_pfn, unsigned long nr_pfns,
                             unsigned long *base)
{
    *base = first_pfn & ~(BLOCK(PAGE_MAX_ORDER) - 1);
    return first_pfn + nr_pfns - *base;
}

static unsigned long map_words(unsigned long span, unsigned int k)
{
    unsigned long blocks = (span >> k) + ((span & (BLOCK(k) - 1)) != 0);

    return blocks / WORD_BITS + (blocks % WORD_BITS != 0);
}

size_t page_alloc_meta_size(unsigned long first_pfn, unsigned long nr_pfns)
{
    unsigned long base, span, words = 0;

    if ( nr_pfns == 0 || first_pfn + nr_pfns < first_pfn ||
         nr_pfns > SIZE_MAX / 2 )
        return 0;
    span = span_of(first_pfn, nr_pfns, &base);
    for ( unsigned int k = 0; k <= PAGE_MAX_ORDER; k++ )
        words += map_words(span, k);
    /* Two bits per frame at most: no overflow where nr_pfns fits. */
    return words * sizeof(uint32_t) + nr_pfns;
}

int page_alloc_init(struct page_alloc *pa, unsigned long first_pfn,
                    unsigned long nr_pfns, void *meta, size_t meta_size,
                    const struct page_alloc_ops *ops)
{
    size_t need = page_alloc_meta_size(first_pfn, nr_pfns);
    uint32_t *words = meta;
    unsigned long span;

    memset(pa, 0, sizeof(*pa));
    if ( ops )
        pa->ops = *ops;
    if ( need == 0 )
        return refuse(pa, "init", PAGE_ERR_RANGE, first_pfn, first_pfn,
                      nr_pfns, 0, 0);
    if ( !meta || meta_size < need || (uintptr_t)meta % sizeof(uint32_t) )
        return refuse(pa, "init", PAGE_ERR_META, first_pfn, first_pfn,
                      nr_pfns, 0, 0);

    span = span_of(first_pfn, nr_pfns, &pa->base);
    for ( unsigned int k = 0; k <= PAGE_MAX_ORDER; k++ )
    {
        unsigned long n = map_words(span, k);

        pa->map[k] = words;
        pa->map_blocks[k] = (span >> k) + ((span & (BLOCK(k) - 1)) != 0);
        memset(words, 0, n * sizeof(uint32_t));
        words += n;
    }
    pa->frame = (uint8_t *)words;
    memset(pa->frame, 0, nr_pfns);          /* FRAME_ABSENT, no owner */
    pa->first = first_pfn;
    pa->end = first_pfn + nr_pfns;
    pa->nr_kind[FRAME_ABSENT] = nr_pfns;
    pa->by_owner[PAGE_OWNER_NONE] = nr_pfns;
    return PAGE_OK;
}

/* --- ranges --------------------------------------------------------------- */

int page_alloc_add_ram(struct page_alloc *pa, unsigned long first,
                       unsigned long count)
{
    int rc;

    if ( !range_ok(pa, first, count) )
        return refuse(pa, "add_ram", PAGE_ERR_RANGE, first, first, count, 0, 0);
    rc = check_frames(pa, "add_ram", first, count, FRAME_ABSENT,
                      PAGE_OWNER_NONE);
    if ( rc )
        return rc;
    set_frames(pa, first, count, FRAME_FREE, PAGE_OWNER_NONE);
    insert_free_range(pa, first, first + count);
    return PAGE_OK;
}

int page_alloc_add_away(struct page_alloc *pa, unsigned long first,
                        unsigned long count)
{
    int rc;

    if ( !range_ok(pa, first, count) )
        return refuse(pa, "add_away", PAGE_ERR_RANGE, first, first, count,
                      0, 0);
    rc = check_frames(pa, "add_away", first, count, FRAME_ABSENT,
                      PAGE_OWNER_NONE);
    if ( rc )
        return rc;
    set_frames(pa, first, count, FRAME_AWAY, PAGE_OWNER_NONE);
    return PAGE_OK;
}

int page_alloc_take(struct page_alloc *pa, unsigned long first,
                    unsigned long count, enum page_owner owner)
{
    int rc;

    if ( !owner_ok(owner) )
        return refuse(pa, "take", PAGE_ERR_INVAL, first, first, count, 0, 0);
    if ( !range_ok(pa, first, count) )
        return refuse(pa, "take", PAGE_ERR_RANGE, first, first, count, 0, 0);
    rc = check_frames(pa, "take", first, count, FRAME_FREE, PAGE_OWNER_NONE);
    if ( rc )
        return rc;
    rc = carve_range(pa, first, first + count);
    if ( rc )
        return refuse(pa, "take", rc, first, first, count, 0, 0);
    set_frames(pa, first, count, FRAME_TAKEN, owner);
    return PAGE_OK;
}

int page_alloc_release(struct page_alloc *pa, unsigned long first,
                       unsigned long count, enum page_owner owner)
{
    int rc;

    if ( !owner_ok(owner) )
        return refuse(pa, "release", PAGE_ERR_INVAL, first, first, count,
                      0, 0);
    if ( !range_ok(pa, first, count) )
        return refuse(pa, "release", PAGE_ERR_RANGE, first, first, count,
                      0, 0);
    rc = check_frames(pa, "release", first, count, FRAME_TAKEN, owner);
    if ( rc )
        return rc;
    set_frames(pa, first, count, FRAME_FREE, PAGE_OWNER_NONE);
    insert_free_range(pa, first, first + count);
    return PAGE_OK;
}

/* --- blocks --------------------------------------------------------------- */

int alloc_pages(struct page_alloc *pa, unsigned int order,
                enum page_owner owner, unsigned long *pfn)
{
    unsigned long h;
    int rc;

    if ( order > PAGE_MAX_ORDER )
        return refuse(pa, "alloc_pages", PAGE_ERR_ORDER, 0, 0, 0, order, 0);
    if ( !owner_ok(owner) || !pfn )
        return refuse(pa, "alloc_pages", PAGE_ERR_INVAL, 0, 0, 0, order, 0);
    rc = take_block(pa, order, &h);
    if ( rc == PAGE_ERR_NOMEM )
    {
        pa->failed_allocs++;
        return rc;
    }
    if ( rc )
        return refuse(pa, "alloc_pages", rc, 0, 0, 0, order, 0);
    set_frame(pa, h, FRAME_HEAD, owner);
    set_frames(pa, h + 1, BLOCK(order) - 1, FRAME_TAIL, owner);
    pa->allocs++;
    *pfn = h;
    return PAGE_OK;
}

int free_pages(struct page_alloc *pa, unsigned long pfn, unsigned int order,
               enum page_owner owner)
{
    const char *op = "free_pages";
    unsigned long n = 1;
    uint8_t b;

    if ( order > PAGE_MAX_ORDER )
        return refuse(pa, op, PAGE_ERR_ORDER, pfn, pfn, 0, order, 0);
    if ( !owner_ok(owner) )
        return refuse(pa, op, PAGE_ERR_INVAL, pfn, pfn, BLOCK(order), order, 0);
    if ( pfn < pa->first || pfn >= pa->end )
        return refuse(pa, op, PAGE_ERR_RANGE, pfn, pfn, BLOCK(order), order, 0);
    if ( pfn & (BLOCK(order) - 1) )
        return refuse(pa, op, PAGE_ERR_ALIGN, pfn, pfn, BLOCK(order), order, 0);

    b = frame_byte(pa, pfn);
    switch ( kind_of(b) )
    {
    case FRAME_HEAD:
        break;
    case FRAME_FREE:
        return refuse(pa, op, PAGE_ERR_DOUBLE_FREE, pfn, pfn, BLOCK(order),
                      order, 0);
    case FRAME_TAIL:
        return refuse(pa, op, PAGE_ERR_NOT_HEAD, pfn, pfn, BLOCK(order),
                      order, 0);
    default:
        return refuse(pa, op, PAGE_ERR_NOT_ALLOCATED, pfn, pfn, BLOCK(order),
                      order, 0);
    }
    if ( owner_of(b) != owner )
        return refuse(pa, op, PAGE_ERR_OWNER, pfn, pfn, BLOCK(order), order, 0);
    /* The block is its head and the tails after it. */
    while ( pfn + n < pa->end && kind_of(frame_byte(pa, pfn + n)) == FRAME_TAIL )
        n++;
    if ( n != BLOCK(order) )
        return refuse(pa, op, PAGE_ERR_SIZE, pfn, pfn, BLOCK(order), order, n);

    set_frames(pa, pfn, n, FRAME_FREE, PAGE_OWNER_NONE);
    insert_free(pa, pfn, order);
    pa->frees++;
    return PAGE_OK;
}

/* --- the balloon ------------------------------------------------------------ */

int page_alloc_give_away(struct page_alloc *pa, unsigned long pfn)
{
    int rc;

    if ( pfn < pa->first || pfn >= pa->end )
        return refuse(pa, "give_away", PAGE_ERR_RANGE, pfn, pfn, 1, 0, 0);
    rc = check_frames(pa, "give_away", pfn, 1, FRAME_FREE, PAGE_OWNER_NONE);
    if ( rc )
        return rc;
    rc = carve_range(pa, pfn, pfn + 1);
    if ( rc )
        return refuse(pa, "give_away", rc, pfn, pfn, 1, 0, 0);
    set_frame(pa, pfn, FRAME_AWAY, PAGE_OWNER_NONE);
    return PAGE_OK;
}

int page_alloc_give_away_any(struct page_alloc *pa, unsigned long *pfn)
{
    unsigned long h;
    int rc;

    if ( !pfn )
        return refuse(pa, "give_away_any", PAGE_ERR_INVAL, 0, 0, 1, 0, 0);
    rc = take_block(pa, 0, &h);
    if ( rc == PAGE_ERR_NOMEM )
        return rc;
    if ( rc )
        return refuse(pa, "give_away_any", rc, 0, 0, 1, 0, 0);
    set_frame(pa, h, FRAME_AWAY, PAGE_OWNER_NONE);
    *pfn = h;
    return PAGE_OK;
}

int page_alloc_take_back(struct page_alloc *pa, unsigned long pfn)
{
    int rc;

    if ( pfn < pa->first || pfn >= pa->end )
        return refuse(pa, "take_back", PAGE_ERR_RANGE, pfn, pfn, 1, 0, 0);
    rc = check_frames(pa, "take_back", pfn, 1, FRAME_AWAY, PAGE_OWNER_NONE);
    if ( rc )
        return rc;
    set_frame(pa, pfn, FRAME_FREE, PAGE_OWNER_NONE);
    insert_free(pa, pfn, 0);
    return PAGE_OK;
}

/* --- looking ------------------------------------------------------------- */

enum page_state page_alloc_state(const struct page_alloc *pa,
                                 unsigned long pfn, enum page_owner *owner)
{
    uint8_t b = 0;

    if ( pfn >= pa->first && pfn < pa->end )
        b = frame_byte(pa, pfn);
    if ( owner )
        *owner = owner_of(b);
    return state_of_kind(kind_of(b));
}

void page_alloc_get_counters(const struct page_alloc *pa,
                             struct page_alloc_counters *c)
{
    memset(c, 0, sizeof(*c));
    c->frames = pa->end - pa->first;
    c->free = pa->nr_kind[FRAME_FREE];
    c->used = pa->nr_kind[FRAME_HEAD] + pa->nr_kind[FRAME_TAIL];
    c->taken = pa->nr_kind[FRAME_TAKEN];
    c->away = pa->nr_kind[FRAME_AWAY];
    c->absent = pa->nr_kind[FRAME_ABSENT];
    c->ram = c->free + c->used + c->taken;
    for ( unsigned int o = PAGE_OWNER_NONE + 1; o < PAGE_OWNER_COUNT; o++ )
        c->by_owner[o] = pa->by_owner[o];
    for ( unsigned int k = 0; k <= PAGE_MAX_ORDER; k++ )
        c->free_blocks[k] = pa->free_blocks[k];
    c->allocs = pa->allocs;
    c->frees = pa->frees;
    c->failed_allocs = pa->failed_allocs;
    c->refused = pa->refused;
}

static int corrupt(struct page_alloc *pa, unsigned long pfn)
{
    return refuse(pa, "check", PAGE_ERR_CORRUPT, pfn, pa->first,
                  pa->end - pa->first, 0, 0);
}

/*
 * The free-block bitmaps against the frames they describe. Every set bit
 * is a block of FREE frames inside the range whose buddy is not free too;
 * the blocks hold as many frames as there are FREE frames. With the walk
 * in page_alloc_check() (every FREE frame lies in some block) that means
 * every FREE frame lies in exactly one.
 */
static int check_free_blocks(struct page_alloc *pa)
{
    unsigned long frames = 0;

    for ( unsigned int k = 0; k <= PAGE_MAX_ORDER; k++ )
    {
        unsigned long set = 0, lowest_word = ~0UL;
        unsigned long words = (pa->map_blocks[k] + WORD_BITS - 1) / WORD_BITS;

        for ( unsigned long w = 0; w < words; w++ )
        {
            uint32_t bits = pa->map[k][w];

            if ( bits )
                lowest_word = MIN(lowest_word, w);
            for ( ; bits; bits &= bits - 1 )
            {
                unsigned long i = w * WORD_BITS + __builtin_ctz(bits);
                unsigned long h = pa->base + (i << k);

                set++;
                if ( i >= pa->map_blocks[k] || h < pa->first ||
                     BLOCK(k) > pa->end - h )
                    return corrupt(pa, h);
                for ( unsigned long j = 0; j < BLOCK(k); j++ )
                    if ( frame_byte(pa, h + j) != FRAME_FREE )
                        return corrupt(pa, h + j);
                if ( k < PAGE_MAX_ORDER && block_free(pa, buddy_of(pa, h, k), k) )
                    return corrupt(pa, h);
                frames += BLOCK(k);
            }
        }
        if ( set != pa->free_blocks[k] ||
             (set && pa->map_hint[k] > lowest_word) )
            return corrupt(pa, pa->first);
    }
    if ( frames != pa->nr_kind[FRAME_FREE] )
        return corrupt(pa, pa->first);
    return PAGE_OK;
}

int page_alloc_check(struct page_alloc *pa)
{
    unsigned long kinds[8] = { 0 }, owners[PAGE_OWNER_COUNT] = { 0 };
    unsigned long pfn = pa->first;

    while ( pfn < pa->end )
    {
        uint8_t b = frame_byte(pa, pfn);
        unsigned int kind = kind_of(b);
        enum page_owner owner = owner_of(b);
        unsigned long h, n = 1;
        unsigned int k;

        if ( kind > FRAME_AWAY || owner >= PAGE_OWNER_COUNT )
            return corrupt(pa, pfn);
        /* Owners go with used and taken frames, and with nothing else. */
        if ( (kind == FRAME_HEAD || kind == FRAME_TAIL || kind == FRAME_TAKEN)
             != (owner != PAGE_OWNER_NONE) )
            return corrupt(pa, pfn);
        if ( kind == FRAME_TAIL )
            return corrupt(pa, pfn);        /* a tail without its head */
        if ( kind == FRAME_FREE )
        {
            /* The walk reaches free blocks at their first frame. */
            if ( !containing_block(pa, pfn, &h, &k) || h != pfn )
                return corrupt(pa, pfn);
            n = BLOCK(k);
            kinds[FRAME_FREE] += n - 1;
            owners[PAGE_OWNER_NONE] += n - 1;
        }
        if ( kind == FRAME_HEAD )
        {
            /* 2^k frames, aligned, one owner. */
            while ( pfn + n < pa->end &&
                    kind_of(frame_byte(pa, pfn + n)) == FRAME_TAIL )
            {
                if ( owner_of(frame_byte(pa, pfn + n)) != owner )
                    return corrupt(pa, pfn + n);
                n++;
            }
            if ( (n & (n - 1)) || n > BLOCK(PAGE_MAX_ORDER) ||
                 (pfn & (n - 1)) )
                return corrupt(pa, pfn);
            kinds[FRAME_TAIL] += n - 1;
            owners[owner] += n - 1;
        }
        kinds[kind]++;
        owners[owner]++;
        pfn += n;
    }
    for ( unsigned int i = 0; i < ARRAY_SIZE(kinds); i++ )
        if ( kinds[i] != pa->nr_kind[i] )
            return corrupt(pa, pa->first);
    for ( unsigned int i = 0; i < PAGE_OWNER_COUNT; i++ )
        if ( owners[i] != pa->by_owner[i] )
            return corrupt(pa, pa->first);
    return check_free_blocks(pa);
}

/* --- names ------------------------------------------------------------------ */

const char *page_alloc_strerror(int err)
{
    switch ( err )
    {
    case PAGE_OK:                return "ok";
    case PAGE_ERR_NOMEM:         return "no free block of that order";
    case PAGE_ERR_ORDER:         return "order too large";
    case PAGE_ERR_RANGE:         return "frame outside the allocator's range";
    case PAGE_ERR_ALIGN:         return "frame not aligned to its order";
    case PAGE_ERR_DOUBLE_FREE:   return "double free: the frame is free";
    case PAGE_ERR_NOT_HEAD:      return "frame is inside a block, not its first";
    case PAGE_ERR_SIZE:          return "block was allocated with another order";
    case PAGE_ERR_NOT_ALLOCATED: return "frame was not allocated";
    case PAGE_ERR_OWNER:         return "frame belongs to another owner";
    case PAGE_ERR_STATE:         return "frame is not in the state needed";
    case PAGE_ERR_META:          return "metadata area too small or misaligned";
    case PAGE_ERR_INVAL:         return "invalid argument";
    case PAGE_ERR_CORRUPT:       return "allocator state is inconsistent";
    default:                     return "unknown error";
    }
}

const char *page_owner_name(enum page_owner owner)
{
    static const char *const names[PAGE_OWNER_COUNT] = {
        [PAGE_OWNER_NONE] = "none",
        [PAGE_OWNER_RESERVED] = "reserved",
        [PAGE_OWNER_IMAGE] = "image",
        [PAGE_OWNER_STACK] = "stack",
        [PAGE_OWNER_PAGETABLE] = "page tables",
        [PAGE_OWNER_BOOT] = "boot info",
        [PAGE_OWNER_P2M] = "P2M",
        [PAGE_OWNER_SHARED_INFO] = "shared_info",
        [PAGE_OWNER_RING] = "rings",
        [PAGE_OWNER_ALLOCATOR] = "allocator",
        [PAGE_OWNER_KERNEL] = "kernel",
        [PAGE_OWNER_MEMTEST] = "memtest",
        [PAGE_OWNER_GRANT_TABLE] = "grant-table",
    };

    if ( (unsigned int)owner >= PAGE_OWNER_COUNT || !names[owner] )
        return "?";
    return names[owner];
}

const char *page_state_name(enum page_state state)
{
    switch ( state )
    {
    case PAGE_ABSENT: return "absent";
    case PAGE_FREE:   return "free";
    case PAGE_USED:   return "used";
    case PAGE_TAKEN:  return "taken";
    case PAGE_AWAY:   return "away";
    default:          return "?";
    }
}
