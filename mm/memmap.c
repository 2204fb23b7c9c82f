/*
 * memmap.c: the PVH memory map, read into RAM page ranges.
 *
 * Each entry becomes a range of frames. RAM is rounded inward (a partial
 * page at an edge is not ours to use) and anything else outward (a partial
 * page of ACPI tables or of a reserved area makes the whole page unusable).
 * A page is RAM when some RAM entry covers it and no other entry does:
 * when the map contradicts itself, the cautious reading wins, since
 * handing out a page that firmware or Xen also uses corrupts both.
 *
 * The ranges come from a sweep over the entries' edges in address order:
 * from one edge to the next nothing changes, so each such interval is
 * classified once and appended, merged with the previous range when they
 * touch. The sweep needs no sorting and no scratch memory: each step looks
 * for the next edge among all entries, O(n^2) for n entries, which for the
 * at most MEMMAP_MAX_ENTRIES a map is allowed costs nothing at boot.
 *
 * Frame numbers are 64-bit here (a map may name any address); only ranges
 * below the limit, at most 2^20 frames for 4 GiB, reach the output.
 */
#include <tinypv/memmap.h>

#define PAGE_MASK64     ((uint64_t)PAGE_SIZE - 1)
#define END_PFN         (1ULL << (64 - PAGE_SHIFT))  /* 2^64 bytes */
#define NO_EDGE         (~0ULL)

struct walk {
    const struct hvm_memmap_table_entry *map;
    uint32_t n;                 /* entries looked at */
    uint64_t limit;             /* in frames */
    const struct memmap_config *cfg;
    struct memmap_range *out;
    size_t out_max;
    struct memmap_result *res;
};

static bool is_ram(const struct hvm_memmap_table_entry *e)
{
    return e->type == XEN_HVM_MEMMAP_TYPE_RAM;
}

static bool wraps(const struct hvm_memmap_table_entry *e)
{
    return e->size > ~0ULL - e->addr;
}

/*
 * The frames [*s, *e) an entry covers: inward for RAM, outward otherwise.
 * Returns false for an entry that covers none (zero length, or RAM with
 * no whole page).
 */
static bool entry_frames(const struct hvm_memmap_table_entry *e,
                         uint64_t *s, uint64_t *end)
{
    uint64_t last;

    if ( e->size == 0 )
        return false;
    if ( is_ram(e) )
    {
        *s = (e->addr >> PAGE_SHIFT) + ((e->addr & PAGE_MASK64) != 0);
        *end = wraps(e) ? END_PFN : (e->addr + e->size) >> PAGE_SHIFT;
    }
    else
    {
        *s = e->addr >> PAGE_SHIFT;
        last = wraps(e) ? ~0ULL : e->addr + e->size - 1;
        *end = (last >> PAGE_SHIFT) + 1;
    }
    return *s < *end;
}

static void notice(struct walk *w, enum memmap_notice_kind kind,
                   uint32_t index, uint32_t other, uint64_t pages)
{
    struct memmap_notice n = {
        .kind = kind, .index = index, .other = other, .pages = pages,
    };

    if ( index < w->n )
    {
        n.addr = w->map[index].addr;
        n.size = w->map[index].size;
        n.type = w->map[index].type;
    }
    w->res->notices++;
    if ( w->cfg && w->cfg->report )
        w->cfg->report(w->cfg->ctx, &n);
}

/* What is wrong with each entry on its own. */
static void check_entry(struct walk *w, uint32_t i)
{
    const struct hvm_memmap_table_entry *e = &w->map[i];
    uint64_t s, end, trimmed;

    if ( e->size == 0 )
    {
        notice(w, MEMMAP_ZERO_LENGTH, i, MEMMAP_NO_INDEX, 0);
        w->res->refused++;
        return;
    }
    if ( e->reserved != 0 )
        notice(w, MEMMAP_RESERVED_FIELD, i, MEMMAP_NO_INDEX, 0);
    if ( e->type == 0 || e->type > MEMMAP_TYPE_MAX )
        notice(w, MEMMAP_UNKNOWN_TYPE, i, MEMMAP_NO_INDEX, 0);
    if ( wraps(e) )
        notice(w, MEMMAP_WRAPS, i, MEMMAP_NO_INDEX, 0);
    if ( !is_ram(e) )
        return;

    if ( !entry_frames(e, &s, &end) )
    {
        notice(w, MEMMAP_TOO_SMALL, i, MEMMAP_NO_INDEX, 0);
        w->res->refused++;
        return;
    }
    trimmed = (s << PAGE_SHIFT) - e->addr;
    if ( !wraps(e) )
        trimmed += e->addr + e->size - (end << PAGE_SHIFT);
    if ( trimmed )
        notice(w, MEMMAP_UNALIGNED, i, MEMMAP_NO_INDEX, trimmed);
    if ( s >= w->limit )
    {
        notice(w, MEMMAP_ABOVE_LIMIT, i, MEMMAP_NO_INDEX, end - s);
        w->res->refused++;
    }
    else if ( end > w->limit )
        notice(w, MEMMAP_CLIPPED, i, MEMMAP_NO_INDEX, end - w->limit);
}

/* Entries that overlap: RAM with RAM is harmless, RAM with anything else is not. */
static void check_overlaps(struct walk *w)
{
    for ( uint32_t i = 0; i < w->n; i++ )
        for ( uint32_t j = i + 1; j < w->n; j++ )
        {
            const struct hvm_memmap_table_entry *a = &w->map[i], *b = &w->map[j];
            uint64_t as, ae, bs, be, pages;

            if ( !entry_frames(a, &as, &ae) || !entry_frames(b, &bs, &be) ||
                 as >= be || bs >= ae )
                continue;
            pages = MIN(ae, be) - MAX(as, bs);
            if ( is_ram(a) && is_ram(b) )
                notice(w, MEMMAP_OVERLAP, i, j, pages);
            else if ( is_ram(a) )
                notice(w, MEMMAP_CONFLICT, i, j, pages);
            else if ( is_ram(b) )
                notice(w, MEMMAP_CONFLICT, j, i, pages);
        }
}

/* Put RAM frames [s, e) after the ranges so far. */
static void emit(struct walk *w, uint64_t s, uint64_t e)
{
    struct memmap_result *res = w->res;
    struct memmap_range *last = res->ranges ? &w->out[res->ranges - 1] : NULL;

    if ( last && last->first_pfn + last->nr_pfns == s )
        last->nr_pfns += (unsigned long)(e - s);
    else if ( res->ranges < w->out_max )
    {
        w->out[res->ranges].first_pfn = (unsigned long)s;
        w->out[res->ranges].nr_pfns = (unsigned long)(e - s);
        res->ranges++;
    }
    else
    {
        res->dropped_pages += e - s;
        return;
    }
    res->ram_pages += e - s;
}

/* The first edge of any entry (or the limit) above pos; NO_EDGE if none. */
static uint64_t next_edge(const struct walk *w, uint64_t pos)
{
    uint64_t next = w->limit > pos ? w->limit : NO_EDGE, s, e;

    for ( uint32_t i = 0; i < w->n; i++ )
    {
        if ( !entry_frames(&w->map[i], &s, &e) )
            continue;
        if ( s > pos )
            next = MIN(next, s);
        else if ( e > pos )
            next = MIN(next, e);
    }
    return next;
}

static void sweep(struct walk *w)
{
    uint64_t pos = 0, next, s, e;

    while ( (next = next_edge(w, pos)) != NO_EDGE )
    {
        bool ram = false, other = false;

        for ( uint32_t i = 0; i < w->n; i++ )
            if ( entry_frames(&w->map[i], &s, &e) && s <= pos && pos < e )
            {
                if ( is_ram(&w->map[i]) )
                    ram = true;
                else
                    other = true;
            }
        if ( ram && other )
            w->res->conflict_pages += next - pos;
        else if ( ram && pos >= w->limit )
            w->res->clipped_pages += next - pos;
        else if ( ram )
            emit(w, pos, next);
        pos = next;
    }
}

/* RAM entries that gave a page to the ranges kept. */
static uint32_t count_ram_entries(const struct walk *w)
{
    uint32_t count = 0;
    uint64_t s, e;

    for ( uint32_t i = 0; i < w->n; i++ )
    {
        if ( !is_ram(&w->map[i]) || !entry_frames(&w->map[i], &s, &e) )
            continue;
        for ( size_t r = 0; r < w->res->ranges; r++ )
        {
            uint64_t rs = w->out[r].first_pfn, re = rs + w->out[r].nr_pfns;

            if ( s < re && rs < e )
            {
                count++;
                break;
            }
        }
    }
    return count;
}

size_t memmap_parse(const struct hvm_memmap_table_entry *map, uint32_t nr,
                    const struct memmap_config *cfg,
                    struct memmap_range *out, size_t out_max,
                    struct memmap_result *res)
{
    struct memmap_result local;
    uint32_t max = cfg && cfg->max_entries ? cfg->max_entries
                                           : MEMMAP_MAX_ENTRIES;
    struct walk w = {
        .map = map, .cfg = cfg, .out = out, .out_max = out ? out_max : 0,
        .res = res ? res : &local,
        .limit = cfg && cfg->limit_pfn ? cfg->limit_pfn : MEMMAP_LIMIT_4G_PFN,
    };

    /* A frame number must fit the output's unsigned long. */
    if ( w.limit > (uint64_t)~0UL )
        w.limit = ~0UL;
    w.n = map ? MIN(nr, max) : 0;
    *w.res = (struct memmap_result){ .entries = w.n };

    if ( map && nr > max )
    {
        w.res->ignored = nr - max;
        notice(&w, MEMMAP_TOO_MANY_ENTRIES, max, MEMMAP_NO_INDEX, nr - max);
    }
    for ( uint32_t i = 0; i < w.n; i++ )
        check_entry(&w, i);
    check_overlaps(&w);
    sweep(&w);
    w.res->ram_entries = count_ram_entries(&w);
    if ( w.res->dropped_pages )
        notice(&w, MEMMAP_TOO_MANY_RANGES, MEMMAP_NO_INDEX, MEMMAP_NO_INDEX,
               w.res->dropped_pages);
    if ( w.res->ranges == 0 )
        notice(&w, MEMMAP_NO_RAM, MEMMAP_NO_INDEX, MEMMAP_NO_INDEX, 0);
    return w.res->ranges;
}

const char *memmap_notice_name(enum memmap_notice_kind kind)
{
    static const char *const names[MEMMAP_NOTICE_KINDS] = {
        [MEMMAP_ZERO_LENGTH] = "zero length: refused",
        [MEMMAP_WRAPS] = "end wraps past 2^64: cut there",
        [MEMMAP_UNKNOWN_TYPE] = "unknown type: not RAM",
        [MEMMAP_RESERVED_FIELD] = "reserved field not zero: ignored",
        [MEMMAP_UNALIGNED] = "RAM not page-aligned: rounded inward",
        [MEMMAP_TOO_SMALL] = "RAM without a whole page: refused",
        [MEMMAP_ABOVE_LIMIT] = "RAM above the limit: refused",
        [MEMMAP_CLIPPED] = "RAM crosses the limit: clipped",
        [MEMMAP_OVERLAP] = "RAM overlaps RAM: counted once",
        [MEMMAP_CONFLICT] = "RAM overlaps a non-RAM entry: not RAM there",
        [MEMMAP_TOO_MANY_ENTRIES] = "more entries than looked at",
        [MEMMAP_TOO_MANY_RANGES] = "more ranges than fit: highest RAM dropped",
        [MEMMAP_NO_RAM] = "no usable RAM",
    };

    if ( (unsigned int)kind >= MEMMAP_NOTICE_KINDS || !names[kind] )
        return "?";
    return names[kind];
}

const char *memmap_type_name(uint32_t type)
{
    switch ( type )
    {
    case XEN_HVM_MEMMAP_TYPE_RAM:      return "RAM";
    case XEN_HVM_MEMMAP_TYPE_RESERVED: return "reserved";
    case XEN_HVM_MEMMAP_TYPE_ACPI:     return "ACPI";
    case XEN_HVM_MEMMAP_TYPE_NVS:      return "ACPI NVS";
    case XEN_HVM_MEMMAP_TYPE_UNUSABLE: return "unusable";
    case XEN_HVM_MEMMAP_TYPE_DISABLED: return "disabled";
    case XEN_HVM_MEMMAP_TYPE_PMEM:     return "persistent memory";
    default:                           return "unknown";
    }
}
