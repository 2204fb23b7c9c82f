/*
 * mem.c: the kernel's memory, built once at boot (start_kernel()'s step 9).
 *
 * The platform does the part that differs: it makes every RAM frame of
 * the domain reachable at an address (PV: a linear map it builds through
 * Xen; PVH: the identity map it already has) and says which frames are RAM
 * and which it already uses (arch_mem_init(), <tinypv/platform.h>). This
 * file does the rest, the same on both: it places the allocator's
 * metadata in free RAM, builds the allocator (mm/page_alloc.c) over the
 * frame numbers, hands it the RAM, and marks what is taken and by whom.
 *
 * After that, pages are asked for here by address: mem_alloc_pages()
 * turns the allocator's frame numbers into pointers through the
 * platform's map, and mem_free_pages() turns them back. docs/11-memory.md.
 */
#include <tinypv/mm.h>
#include <tinypv/platform.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>

static struct page_alloc allocator;
static struct mem_info info;
static bool ready;

/* A refused call is a bug in the caller: say which, once per call. */
static void report_refusal(void *ctx, const struct page_alloc_report *r)
{
    (void)ctx;
    printk("mem: %s refused for frame 0x%lx (frames 0x%lx+%lu): %s; it was "
           "%s, owner %s\n", r->op, r->pfn, r->first, r->count,
           page_alloc_strerror(r->err), page_state_name(r->state),
           page_owner_name(r->owner));
}

static const struct page_alloc_ops ops = { .report = report_refusal };

/* Is frame pfn inside one of layout's taken regions? */
static bool frame_taken(const struct arch_mem_layout *l, unsigned long pfn)
{
    for ( size_t i = 0; i < l->nr_taken; i++ )
        if ( pfn >= l->taken[i].first &&
             pfn - l->taken[i].first < l->taken[i].count )
            return true;
    return false;
}

/*
 * Frames [first, first + n) can hold the metadata: RAM, not taken, and
 * mapped one after the other (it is one C object).
 */
static bool meta_fits(const struct arch_mem_layout *l, unsigned long first,
                      unsigned long n)
{
    char *base = arch_pfn_to_virt(first);

    if ( !base )
        return false;
    for ( unsigned long i = 0; i < n; i++ )
        if ( frame_taken(l, first + i) ||
             arch_pfn_to_virt(first + i) != base + i * PAGE_SIZE )
            return false;
    return true;
}

/* The lowest run of n free RAM frames for the metadata; false if none. */
static bool find_meta(const struct arch_mem_layout *l, unsigned long n,
                      unsigned long *first)
{
    for ( size_t r = 0; r < l->nr_ram; r++ )
    {
        const struct arch_mem_region *ram = &l->ram[r];

        for ( unsigned long f = ram->first; ram->count >= n &&
              f <= ram->first + ram->count - n; f++ )
            if ( meta_fits(l, f, n) )
            {
                *first = f;
                return true;
            }
    }
    return false;
}

/*
 * Mark a taken region, frame by frame: only frames that are RAM and not
 * yet taken (regions may overlap, and may name frames that are not RAM,
 * like PVH's ring pages, which lie in a reserved part of the map).
 */
static void take_region(const struct arch_mem_region *t)
{
    for ( unsigned long pfn = t->first; pfn - t->first < t->count; pfn++ )
        if ( page_alloc_state(&allocator, pfn, NULL) == PAGE_FREE )
            page_alloc_take(&allocator, pfn, 1, t->owner);
}

static void print_summary(void)
{
    struct page_alloc_counters c;

    page_alloc_get_counters(&allocator, &c);
    printk("mem: %lu KiB of RAM, %lu KiB free; allocator metadata in %lu "
           "pages at frame 0x%lx\n", c.ram * (PAGE_SIZE / 1024),
           c.free * (PAGE_SIZE / 1024), info.meta_pages, info.meta_first);
    if ( info.not_mapped )
        printk("mem: %lu KiB of RAM could not be mapped and is not used\n",
               info.not_mapped * (PAGE_SIZE / 1024));
}

void mem_init(void)
{
    static struct arch_mem_layout layout;
    size_t meta_size;
    int rc;

    arch_mem_init(&layout);
    info.nr_frames = layout.nr_frames;
    info.not_mapped = layout.not_mapped;
    for ( size_t r = 0; r < layout.nr_ram; r++ )
        info.ram += layout.ram[r].count;

    meta_size = page_alloc_meta_size(0, layout.nr_frames);
    info.meta_pages = (meta_size + PAGE_SIZE - 1) / PAGE_SIZE;
    if ( !meta_size ||
         !find_meta(&layout, info.meta_pages, &info.meta_first) )
        panic("mem: no %lu free pages in a row for the allocator's "
              "metadata (%lu frames)", info.meta_pages, layout.nr_frames);

    rc = page_alloc_init(&allocator, 0, layout.nr_frames,
                         arch_pfn_to_virt(info.meta_first),
                         info.meta_pages * PAGE_SIZE, &ops);
    if ( rc )
        panic("mem: cannot build the allocator: %s", page_alloc_strerror(rc));
    for ( size_t r = 0; r < layout.nr_ram; r++ )
        page_alloc_add_ram(&allocator, layout.ram[r].first,
                           layout.ram[r].count);
    for ( size_t t = 0; t < layout.nr_taken; t++ )
        take_region(&layout.taken[t]);
    page_alloc_take(&allocator, info.meta_first, info.meta_pages,
                    PAGE_OWNER_ALLOCATOR);
    ready = true;
    print_summary();
}

bool mem_ready(void)
{
    return ready;
}

struct page_alloc *mem_allocator(void)
{
    return &allocator;
}

void *mem_pfn_to_virt(unsigned long pfn)
{
    return arch_pfn_to_virt(pfn);
}

void *mem_alloc_pages(unsigned int order, enum page_owner owner)
{
    unsigned long pfn;
    void *va;

    if ( !ready || alloc_pages(&allocator, order, owner, &pfn) != PAGE_OK )
        return NULL;
    va = arch_pfn_to_virt(pfn);
    if ( !va )
    {
        /* The platform put only mapped RAM in the pool: a bug if seen. */
        printk("mem: frame 0x%lx was handed out but is not mapped\n", pfn);
        free_pages(&allocator, pfn, order, owner);
    }
    return va;
}

/*
 * The frame of a page mem_alloc_pages() returned. Both platforms map RAM
 * linearly (frame n at base + n pages), so the metadata's own frame gives
 * the base; the answer is checked against the platform's map anyway.
 */
static bool virt_to_pfn(const void *va, unsigned long *pfn)
{
    unsigned long base = (unsigned long)arch_pfn_to_virt(info.meta_first) -
                         info.meta_first * PAGE_SIZE;
    unsigned long a = (unsigned long)va;

    if ( a % PAGE_SIZE || a < base )
        return false;
    *pfn = (a - base) / PAGE_SIZE;
    return *pfn < info.nr_frames && arch_pfn_to_virt(*pfn) == va;
}

int mem_free_pages(void *va, unsigned int order, enum page_owner owner)
{
    unsigned long pfn;

    if ( !ready )
        return PAGE_ERR_STATE;
    if ( !virt_to_pfn(va, &pfn) )
    {
        printk("mem: free of %p, which is not a mapped page of ours\n", va);
        return PAGE_ERR_RANGE;
    }
    return free_pages(&allocator, pfn, order, owner);
}

void mem_get_info(struct mem_info *mi)
{
    *mi = info;
}
