/*
 * memmap.h: the PVH memory map, read into RAM page ranges (mm/memmap.c).
 *
 * The builder's E820-style table is untrusted; memmap_parse() turns it into
 * sorted, disjoint, page-aligned RAM ranges and reports every liberty it
 * takes (docs/11-memory.md). Pure; the caller has mapped the table.
 */
#ifndef TINYPV_MEMMAP_H
#define TINYPV_MEMMAP_H

#include <tinypv/types.h>
#include <xen/arch-x86/hvm/start_info.h>

/* The table's types we know (XEN_HVM_MEMMAP_TYPE_RAM .. _PMEM). */
#define MEMMAP_TYPE_MAX         XEN_HVM_MEMMAP_TYPE_PMEM

/* Entries looked at by default; the classic E820 table held as many. */
#define MEMMAP_MAX_ENTRIES      128

/* A 32-bit kernel reaches the first 4 GiB at most: frames below 2^20. */
#define MEMMAP_LIMIT_4G_PFN     (1ULL << (32 - PAGE_SHIFT))

/* RAM frames [first_pfn, first_pfn + nr_pfns). */
struct memmap_range {
    unsigned long first_pfn;
    unsigned long nr_pfns;
};

enum memmap_notice_kind {
    MEMMAP_ZERO_LENGTH,         /* entry of size 0: refused */
    MEMMAP_WRAPS,               /* addr + size passes 2^64: cut there */
    MEMMAP_UNKNOWN_TYPE,        /* a type not in start_info.h: not RAM */
    MEMMAP_RESERVED_FIELD,      /* reserved != 0 (version 1 says 0): used as is */
    MEMMAP_UNALIGNED,           /* RAM edges not on pages: rounded inward */
    MEMMAP_TOO_SMALL,           /* RAM holding no whole page: refused */
    MEMMAP_ABOVE_LIMIT,         /* RAM wholly at or above the limit: refused */
    MEMMAP_CLIPPED,             /* RAM crossing the limit: the part above dropped */
    MEMMAP_OVERLAP,             /* two RAM entries overlap: kept once */
    MEMMAP_CONFLICT,            /* RAM overlaps a non-RAM entry: the pages are not RAM */
    MEMMAP_TOO_MANY_ENTRIES,    /* entries past max_entries: not looked at */
    MEMMAP_TOO_MANY_RANGES,     /* no room for more ranges: the highest RAM dropped */
    MEMMAP_NO_RAM,              /* nothing usable is left */
    MEMMAP_NOTICE_KINDS
};

struct memmap_notice {
    enum memmap_notice_kind kind;
    uint32_t index;             /* the entry, or MEMMAP_NO_INDEX */
    uint32_t other;             /* OVERLAP, CONFLICT: the other entry */
    uint64_t addr, size;        /* the entry as the table gave it */
    uint32_t type;
    uint64_t pages;             /* pages lost (bytes for UNALIGNED; entries */
                                /* for TOO_MANY_ENTRIES) */
};
#define MEMMAP_NO_INDEX         0xffffffffu

struct memmap_config {
    uint32_t max_entries;       /* entries looked at: 0 means MEMMAP_MAX_ENTRIES */
    uint64_t limit_pfn;         /* RAM at or above is dropped: 0 means 4 GiB */
    void (*report)(void *ctx, const struct memmap_notice *n);   /* or NULL */
    void *ctx;
};

/* What was kept and what was not. */
struct memmap_result {
    uint32_t entries;           /* entries looked at */
    uint32_t ignored;           /* entries past max_entries */
    uint32_t ram_entries;       /* RAM entries that gave at least one page */
    uint32_t refused;           /* entries dropped whole (zero, too small, above) */
    uint32_t notices;           /* calls to report */
    size_t ranges;              /* ranges written */
    uint64_t ram_pages;         /* pages in them */
    uint64_t clipped_pages;     /* RAM at or above the limit */
    uint64_t conflict_pages;    /* RAM that a non-RAM entry also claims */
    uint64_t dropped_pages;     /* RAM that did not fit in out[] */
};

/*
 * Read nr entries of map into at most out_max ranges in out, lowest first,
 * disjoint and not touching (adjacent RAM is one range). Returns the number
 * of ranges (also res->ranges); 0 means no RAM. cfg may be NULL (defaults,
 * no reports).
 */
size_t memmap_parse(const struct hvm_memmap_table_entry *map, uint32_t nr,
                    const struct memmap_config *cfg,
                    struct memmap_range *out, size_t out_max,
                    struct memmap_result *res);

const char *memmap_notice_name(enum memmap_notice_kind kind);
const char *memmap_type_name(uint32_t type);

#endif /* TINYPV_MEMMAP_H */
