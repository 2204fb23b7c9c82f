/*
 * page_alloc.h: the page-frame allocator (mm/page_alloc.c).
 *
 * It hands out frame numbers, never addresses, and knows nothing of Xen or
 * x86, so host tests and a fuzzer drive it as the kernel does. Each frame
 * is ABSENT, FREE, USED, TAKEN or AWAY; a refused call returns PAGE_ERR_*,
 * reports once and changes nothing. docs/11-memory.md has the states, the
 * calls that move frames between them, and the checks.
 */
#ifndef TINYPV_PAGE_ALLOC_H
#define TINYPV_PAGE_ALLOC_H

#include <tinypv/types.h>

/* Blocks are 2^order frames, order 0 .. PAGE_MAX_ORDER (4 MiB). */
#define PAGE_MAX_ORDER  10

/* Who holds a USED or TAKEN frame, for the `mem` figures. At most 32. */
enum page_owner {
    PAGE_OWNER_NONE,            /* free, away or absent frames only */
    PAGE_OWNER_RESERVED,        /* never handed out: page 0, holes in use */
    PAGE_OWNER_IMAGE,           /* the kernel image: text, data, bss */
    PAGE_OWNER_STACK,           /* the boot stack and its guard page */
    PAGE_OWNER_PAGETABLE,       /* page tables, the boot's and ours */
    PAGE_OWNER_BOOT,            /* start_info, command line, memory map */
    PAGE_OWNER_P2M,             /* the P2M list (PV) */
    PAGE_OWNER_SHARED_INFO,     /* the page shared_info replaced or sits on */
    PAGE_OWNER_RING,            /* console and xenstore rings */
    PAGE_OWNER_ALLOCATOR,       /* this allocator's own metadata */
    PAGE_OWNER_KERNEL,          /* general kernel allocations */
    PAGE_OWNER_MEMTEST,         /* pages a memory test holds */
    PAGE_OWNER_GRANT_TABLE,     /* PVH: frames Xen's grant table replaced */
    PAGE_OWNER_COUNT
};

enum page_state {
    PAGE_ABSENT,
    PAGE_FREE,
    PAGE_USED,
    PAGE_TAKEN,
    PAGE_AWAY,
};

enum page_alloc_err {
    PAGE_OK = 0,
    PAGE_ERR_NOMEM = -1,        /* no free block of that order (not reported) */
    PAGE_ERR_ORDER = -2,        /* order above PAGE_MAX_ORDER */
    PAGE_ERR_RANGE = -3,        /* frames outside the allocator's, or wrapping */
    PAGE_ERR_ALIGN = -4,        /* pfn is not a multiple of 2^order */
    PAGE_ERR_DOUBLE_FREE = -5,  /* free_pages() of a frame that is free */
    PAGE_ERR_NOT_HEAD = -6,     /* free_pages() inside a block, not at its start */
    PAGE_ERR_SIZE = -7,         /* free_pages() with another order than alloc */
    PAGE_ERR_NOT_ALLOCATED = -8, /* free_pages() of a taken, away or absent frame */
    PAGE_ERR_OWNER = -9,        /* freed or released by another owner */
    PAGE_ERR_STATE = -10,       /* a frame is not in the state the call needs */
    PAGE_ERR_META = -11,        /* init: metadata area too small or misaligned */
    PAGE_ERR_INVAL = -12,       /* bad argument (owner, NULL pointer) */
    PAGE_ERR_CORRUPT = -13,     /* page_alloc_check() found an inconsistency */
};

/* What the report callback is told about a refused call. */
struct page_alloc_report {
    const char *op;             /* "free_pages", "take", "give_away", ... */
    int err;                    /* PAGE_ERR_* */
    unsigned long pfn;          /* the frame at fault */
    unsigned long first;        /* the request: first frame ... */
    unsigned long count;        /* ... and how many (2^order for a block) */
    unsigned int order;         /* alloc_pages / free_pages: the order asked */
    enum page_state state;      /* what the frame at fault was */
    enum page_owner owner;      /* and whose it was */
    unsigned long block_frames; /* PAGE_ERR_SIZE: frames of the block at pfn */
};

struct page_alloc_ops {
    /* Told about every refused call (not about PAGE_ERR_NOMEM). May be NULL. */
    void (*report)(void *ctx, const struct page_alloc_report *r);
    void *ctx;
};

struct page_alloc_counters {
    unsigned long frames;       /* frame numbers managed: nr_pfns */
    unsigned long ram;          /* free + used + taken: frames with memory */
    unsigned long free, used, taken, away, absent;
    unsigned long by_owner[PAGE_OWNER_COUNT];       /* used + taken */
    unsigned long free_blocks[PAGE_MAX_ORDER + 1];  /* free blocks per order */
    uint64_t allocs, frees;     /* alloc_pages() and free_pages() that worked */
    uint64_t failed_allocs;     /* PAGE_ERR_NOMEM answers */
    uint64_t refused;           /* reported calls */
};

/* Private to mm/page_alloc.c; the caller provides the storage. */
struct page_alloc {
    unsigned long first, end;   /* frames managed: [first, end) */
    unsigned long base;         /* first, down to a 2^PAGE_MAX_ORDER boundary */
    uint8_t *frame;             /* one byte per frame, from first */
    uint32_t *map[PAGE_MAX_ORDER + 1];          /* free-block bitmaps */
    unsigned long map_blocks[PAGE_MAX_ORDER + 1];
    unsigned long map_hint[PAGE_MAX_ORDER + 1]; /* no set bit below this word */
    unsigned long nr_kind[8];   /* frames per internal kind */
    unsigned long by_owner[PAGE_OWNER_COUNT];
    unsigned long free_blocks[PAGE_MAX_ORDER + 1];
    uint64_t allocs, frees, failed_allocs, refused;
    struct page_alloc_ops ops;
};

/*
 * Bytes of metadata page_alloc_init() needs for nr_pfns frames from
 * first_pfn: one byte per frame plus about two bits per frame of bitmaps
 * (5 KiB for a 16 MiB domain, 1.25 MiB for 4 GiB). 0 if nr_pfns is 0 or
 * the range wraps.
 */
size_t page_alloc_meta_size(unsigned long first_pfn, unsigned long nr_pfns);

/*
 * Manage frames [first_pfn, first_pfn + nr_pfns), all ABSENT to begin
 * with, keeping the metadata in meta (4-byte aligned, meta_size bytes, at
 * least page_alloc_meta_size()). The allocator owns nothing else. ops may
 * be NULL. On failure the allocator manages no frame at all.
 */
int page_alloc_init(struct page_alloc *pa, unsigned long first_pfn,
                    unsigned long nr_pfns, void *meta, size_t meta_size,
                    const struct page_alloc_ops *ops);

/* Boot: RAM from the memory map joins the pool (ABSENT -> FREE). */
int page_alloc_add_ram(struct page_alloc *pa, unsigned long first,
                       unsigned long count);

/* Boot: frame numbers without memory yet, for a balloon (ABSENT -> AWAY). */
int page_alloc_add_away(struct page_alloc *pa, unsigned long first,
                        unsigned long count);

/* Reserve free frames for owner (FREE -> TAKEN), all or none. */
int page_alloc_take(struct page_alloc *pa, unsigned long first,
                    unsigned long count, enum page_owner owner);

/* Return frames owner had taken (TAKEN -> FREE), all or none. */
int page_alloc_release(struct page_alloc *pa, unsigned long first,
                       unsigned long count, enum page_owner owner);

/*
 * A block of 2^order frames, aligned to 2^order, for owner: its first
 * frame in *pfn. The smallest free block that fits is split, the lowest
 * of those first. PAGE_ERR_NOMEM when none fits.
 */
int alloc_pages(struct page_alloc *pa, unsigned int order,
                enum page_owner owner, unsigned long *pfn);

/*
 * Give back what alloc_pages(pa, order, owner, ...) returned as pfn. The
 * freed block merges with its free buddies, up to PAGE_MAX_ORDER. A pfn
 * that is free, inside a block, of another order, never allocated or
 * someone else's is refused and reported.
 */
int free_pages(struct page_alloc *pa, unsigned long pfn, unsigned int order,
               enum page_owner owner);

/* Balloon: a free frame leaves the pool for Xen (FREE -> AWAY). */
int page_alloc_give_away(struct page_alloc *pa, unsigned long pfn);

/* Balloon: the same, for a free frame the allocator chooses (in *pfn). */
int page_alloc_give_away_any(struct page_alloc *pa, unsigned long *pfn);

/* Balloon: Xen gave the frame memory again (AWAY -> FREE). */
int page_alloc_take_back(struct page_alloc *pa, unsigned long pfn);

/* What pfn is now (PAGE_ABSENT outside the range); owner may be NULL. */
enum page_state page_alloc_state(const struct page_alloc *pa,
                                 unsigned long pfn, enum page_owner *owner);

void page_alloc_get_counters(const struct page_alloc *pa,
                             struct page_alloc_counters *c);

/*
 * Check every invariant (each free frame in exactly one free block, no two
 * free buddies unmerged, blocks aligned, counters right...): PAGE_OK, or
 * PAGE_ERR_CORRUPT reported with the first frame that is wrong. Walks all
 * the metadata: for tests and a monitor command, not for every call.
 */
int page_alloc_check(struct page_alloc *pa);

const char *page_alloc_strerror(int err);
const char *page_owner_name(enum page_owner owner);
const char *page_state_name(enum page_state state);

#endif /* TINYPV_PAGE_ALLOC_H */
