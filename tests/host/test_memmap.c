/*
 * test_memmap.c: the PVH memory-map parser (mm/memmap.c) against good
 * maps and bad ones: unsorted, overlapping, zero-length, unaligned,
 * beyond 4 GiB, wrapping, unknown types, too many entries, too many
 * ranges. Each liberty the parser takes must be reported, once, with the
 * entry it concerns.
 */
#include <tinypv/memmap.h>
#include "check.h"

#define RAM         XEN_HVM_MEMMAP_TYPE_RAM
#define RESERVED    XEN_HVM_MEMMAP_TYPE_RESERVED
#define ACPI        XEN_HVM_MEMMAP_TYPE_ACPI
#define KiB         1024ULL
#define MiB         (1024 * KiB)
#define GiB         (1024 * MiB)

static struct {
    unsigned int count, by_kind[MEMMAP_NOTICE_KINDS];
    struct memmap_notice last[MEMMAP_NOTICE_KINDS];
} seen;

static void record(void *ctx, const struct memmap_notice *n)
{
    seen.count++;
    if ( n->kind < MEMMAP_NOTICE_KINDS )
    {
        seen.by_kind[n->kind]++;
        seen.last[n->kind] = *n;
    }
}

static struct memmap_config cfg = { .report = record };
static struct memmap_range out[16];
static struct memmap_result res;

static size_t parse(const struct hvm_memmap_table_entry *map, uint32_t nr,
                    size_t out_max)
{
    memset(&seen, 0, sizeof(seen));
    memset(out, 0xa5, sizeof(out));
    return memmap_parse(map, nr, &cfg, out, out_max, &res);
}

static bool range_is(size_t i, unsigned long first, unsigned long nr)
{
    return out[i].first_pfn == first && out[i].nr_pfns == nr;
}

/* A 16 MiB PVH domain as a toolstack lays it out: no complaint. */
static void test_good_map(void)
{
    static const struct hvm_memmap_table_entry map[] = {
        { 0, 16 * MiB, RAM, 0 },
        { 0xfc000000, 0x1000, ACPI, 0 },
        { 0xfc001000, 0x2000, RESERVED, 0 },
        { 0xfeff8000, 0x8000, RESERVED, 0 },
    };

    CHECK_EQ(parse(map, 4, 16), 1);
    CHECK(range_is(0, 0, 4096));
    CHECK_EQ(seen.count, 0);
    CHECK_EQ(res.entries, 4);
    CHECK_EQ(res.ram_entries, 1);
    CHECK_EQ(res.ram_pages, 4096);
    CHECK_EQ(res.refused, 0);
    CHECK_EQ(res.clipped_pages + res.conflict_pages + res.dropped_pages, 0);
}

/* Out of order, touching, with a hole: sorted, merged, the hole kept. */
static void test_unsorted_and_touching(void)
{
    static const struct hvm_memmap_table_entry map[] = {
        { 8 * MiB, 8 * MiB, RAM, 0 },
        { 1 * MiB, 3 * MiB, RAM, 0 },
        { 0, 640 * KiB, RAM, 0 },
        { 4 * MiB, 4 * MiB, RAM, 0 },
        { 640 * KiB, 384 * KiB, RESERVED, 0 },     /* the legacy PC hole */
    };

    CHECK_EQ(parse(map, 5, 16), 2);
    CHECK(range_is(0, 0, 160));
    CHECK(range_is(1, 256, 4096 - 256));
    CHECK_EQ(seen.count, 0);
    CHECK_EQ(res.ram_entries, 4);
    CHECK_EQ(res.ram_pages, 4096 - 96);
}

static void test_zero_length_and_types(void)
{
    static const struct hvm_memmap_table_entry map[] = {
        { 0, 0, RAM, 0 },
        { 4096, 1 * MiB, RAM, 7 },                 /* reserved field set */
        { 512 * KiB, 4096, 99, 0 },                /* unknown type */
        { 0, 0, 99, 0 },
    };

    CHECK_EQ(parse(map, 4, 16), 2);
    CHECK(range_is(0, 1, 127));
    CHECK(range_is(1, 129, 128));
    CHECK_EQ(seen.by_kind[MEMMAP_ZERO_LENGTH], 2);
    CHECK_EQ(seen.by_kind[MEMMAP_RESERVED_FIELD], 1);
    CHECK_EQ(seen.last[MEMMAP_RESERVED_FIELD].index, 1);
    /* The unknown type is reported once (the zero-length one is refused first). */
    CHECK_EQ(seen.by_kind[MEMMAP_UNKNOWN_TYPE], 1);
    CHECK_EQ(seen.last[MEMMAP_UNKNOWN_TYPE].type, 99);
    /* ...and treated as reserved: it wins over the RAM around it. */
    CHECK_EQ(seen.by_kind[MEMMAP_CONFLICT], 1);
    CHECK_EQ(seen.last[MEMMAP_CONFLICT].index, 1);
    CHECK_EQ(seen.last[MEMMAP_CONFLICT].other, 2);
    CHECK_EQ(seen.last[MEMMAP_CONFLICT].pages, 1);
    CHECK_EQ(res.conflict_pages, 1);
    CHECK_EQ(res.refused, 2);
    CHECK_EQ(res.ram_pages, 255);
}

/* RAM rounds inward, reserved outward; a sliver of RAM holds no page. */
static void test_unaligned(void)
{
    static const struct hvm_memmap_table_entry map[] = {
        { 0x1800, 0x10000, RAM, 0 },               /* 0x1800 .. 0x11800 */
        { 0x20000, 0x800, RAM, 0 },                /* half a page */
        { 0x30001, 0x1ffe, RAM, 0 },               /* 0x30001 .. 0x31fff */
        { 0x40000, 0x10000, RAM, 0 },
        { 0x44fff, 2, RESERVED, 0 },               /* touches pages 0x44, 0x45 */
    };

    CHECK_EQ(parse(map, 5, 16), 3);
    CHECK(range_is(0, 2, 15));                    /* 0x2000 .. 0x11000 */
    CHECK(range_is(1, 0x40, 4));
    CHECK(range_is(2, 0x46, 10));
    CHECK_EQ(seen.by_kind[MEMMAP_UNALIGNED], 1);    /* 0; 1 and 2 hold no page */
    CHECK_EQ(seen.by_kind[MEMMAP_TOO_SMALL], 2);    /* 1, and 2 after rounding */
    CHECK_EQ(seen.last[MEMMAP_TOO_SMALL].index, 2);
    CHECK_EQ(seen.by_kind[MEMMAP_CONFLICT], 1);
    CHECK_EQ(seen.last[MEMMAP_CONFLICT].pages, 2);
    CHECK_EQ(res.refused, 2);
    CHECK_EQ(res.ram_entries, 2);
    CHECK_EQ(res.conflict_pages, 2);
}

static void test_unaligned_bytes(void)
{
    static const struct hvm_memmap_table_entry map[] = {
        { 0x1800, 0x10000, RAM, 0 },
    };

    parse(map, 1, 16);
    CHECK_EQ(seen.by_kind[MEMMAP_UNALIGNED], 1);
    /* 0x800 below the first whole page, 0x800 above the last. */
    CHECK_EQ(seen.last[MEMMAP_UNALIGNED].pages, 0x1000);
}

static void test_overlaps(void)
{
    static const struct hvm_memmap_table_entry map[] = {
        { 0, 8 * MiB, RAM, 0 },
        { 4 * MiB, 8 * MiB, RAM, 0 },              /* RAM over RAM: once */
        { 0, 8 * MiB, RAM, 0 },                    /* a duplicate */
        { 6 * MiB, 1 * MiB, RESERVED, 0 },         /* a hole inside both */
    };

    CHECK_EQ(parse(map, 4, 16), 2);
    CHECK(range_is(0, 0, 1536));
    CHECK(range_is(1, 1792, 3072 - 1792));
    CHECK_EQ(seen.by_kind[MEMMAP_OVERLAP], 3);
    CHECK_EQ(seen.by_kind[MEMMAP_CONFLICT], 3);
    CHECK_EQ(res.conflict_pages, 256);              /* counted once */
    CHECK_EQ(res.ram_pages, 3072 - 256);
    CHECK_EQ(res.ram_entries, 3);
}

/* A 32-bit kernel keeps what lies below 4 GiB, and says what it dropped. */
static void test_above_4g(void)
{
    static const struct hvm_memmap_table_entry map[] = {
        { 0, 1 * MiB, RAM, 0 },
        { 4 * GiB - 1 * MiB, 2 * MiB, RAM, 0 },    /* crosses 4 GiB */
        { 5 * GiB, 4 * GiB, RAM, 0 },              /* wholly above */
        { 16 * GiB, 4 * KiB, RESERVED, 0 },
    };

    CHECK_EQ(parse(map, 4, 16), 2);
    CHECK(range_is(0, 0, 256));
    CHECK(range_is(1, (4 * GiB - 1 * MiB) >> 12, 256));
    CHECK_EQ(seen.by_kind[MEMMAP_CLIPPED], 1);
    CHECK_EQ(seen.last[MEMMAP_CLIPPED].index, 1);
    CHECK_EQ(seen.last[MEMMAP_CLIPPED].pages, 256);
    CHECK_EQ(seen.by_kind[MEMMAP_ABOVE_LIMIT], 1);
    CHECK_EQ(seen.last[MEMMAP_ABOVE_LIMIT].index, 2);
    CHECK_EQ(seen.last[MEMMAP_ABOVE_LIMIT].pages, 1 << 20);
    CHECK_EQ(seen.by_kind[MEMMAP_OVERLAP], 0);
    CHECK_EQ(res.clipped_pages, 256 + (1 << 20));
    CHECK_EQ(res.refused, 1);
    CHECK_EQ(res.ram_entries, 2);

    /* A lower limit (say, what the PV window maps) works the same way. */
    cfg.limit_pfn = 128;
    CHECK_EQ(parse(map, 4, 16), 1);
    CHECK(range_is(0, 0, 128));
    CHECK_EQ(seen.by_kind[MEMMAP_CLIPPED], 1);
    CHECK_EQ(seen.by_kind[MEMMAP_ABOVE_LIMIT], 2);
    cfg.limit_pfn = 0;
}

/* Sizes that run past 2^64, and addresses in the last page. */
static void test_wraps(void)
{
    static const struct hvm_memmap_table_entry map[] = {
        { 1 * MiB, ~0ULL, RAM, 0 },
        { ~0ULL - 10, 100, RESERVED, 0 },
        { ~0ULL, 1, RAM, 0 },
        { 2 * MiB, 4 * KiB, RESERVED, 0 },
    };

    CHECK_EQ(parse(map, 4, 16), 2);
    CHECK(range_is(0, 256, 256));
    CHECK(range_is(1, 513, (1UL << 20) - 513));
    CHECK_EQ(seen.by_kind[MEMMAP_WRAPS], 3);
    CHECK_EQ(seen.by_kind[MEMMAP_TOO_SMALL], 1);    /* the last byte */
    CHECK_EQ(seen.by_kind[MEMMAP_CLIPPED], 1);
    CHECK_EQ(res.ram_pages, (1 << 20) - 257);
}

static void test_too_many_entries(void)
{
    static struct hvm_memmap_table_entry map[200];

    /* One page of RAM every other page: 200 entries, 200 ranges. */
    for ( unsigned int i = 0; i < 200; i++ )
        map[i] = (struct hvm_memmap_table_entry){ 2ULL * i * 4096, 4096, RAM, 0 };

    CHECK_EQ(parse(map, 200, 16), 16);
    CHECK_EQ(res.entries, MEMMAP_MAX_ENTRIES);
    CHECK_EQ(res.ignored, 200 - MEMMAP_MAX_ENTRIES);
    CHECK_EQ(seen.by_kind[MEMMAP_TOO_MANY_ENTRIES], 1);
    CHECK_EQ(seen.last[MEMMAP_TOO_MANY_ENTRIES].pages, 200 - MEMMAP_MAX_ENTRIES);
    CHECK_EQ(seen.last[MEMMAP_TOO_MANY_ENTRIES].index, MEMMAP_MAX_ENTRIES);
    /* Only 16 ranges fit: the lowest are kept, the rest counted. */
    CHECK(range_is(15, 30, 1));
    CHECK_EQ(seen.by_kind[MEMMAP_TOO_MANY_RANGES], 1);
    CHECK_EQ(seen.last[MEMMAP_TOO_MANY_RANGES].pages, MEMMAP_MAX_ENTRIES - 16);
    CHECK_EQ(res.dropped_pages, MEMMAP_MAX_ENTRIES - 16);
    CHECK_EQ(res.ram_pages, 16);
    CHECK_EQ(res.ram_entries, 16);

    /* A caller may look at fewer entries, or more. */
    cfg.max_entries = 3;
    CHECK_EQ(parse(map, 200, 16), 3);
    CHECK_EQ(res.ignored, 197);
    cfg.max_entries = 200;
    CHECK_EQ(parse(map, 200, 0), 0);
    CHECK_EQ(res.dropped_pages, 200);
    CHECK_EQ(seen.by_kind[MEMMAP_TOO_MANY_ENTRIES], 0);
    CHECK_EQ(seen.by_kind[MEMMAP_NO_RAM], 1);
    cfg.max_entries = 0;

    /* A hostile count does not make the parser read past what it may. */
    CHECK_EQ(parse(map, 0xffffffffu, 16), 16);
    CHECK_EQ(res.entries, MEMMAP_MAX_ENTRIES);
}

static void test_no_ram(void)
{
    static const struct hvm_memmap_table_entry map[] = {
        { 0, 1 * MiB, RESERVED, 0 },
        { 0, 1 * MiB, RAM, 0 },
    };

    CHECK_EQ(parse(map, 2, 16), 0);
    CHECK_EQ(seen.by_kind[MEMMAP_NO_RAM], 1);
    CHECK_EQ(seen.by_kind[MEMMAP_CONFLICT], 1);
    CHECK_EQ(res.conflict_pages, 256);
    CHECK_EQ(parse(map, 0, 16), 0);
    CHECK_EQ(seen.count, 1);
    CHECK_EQ(parse(NULL, 5, 16), 0);
    CHECK_EQ(res.entries, 0);
    /* No config, no result record: defaults, silence, still an answer. */
    CHECK_EQ(memmap_parse(map + 1, 1, NULL, out, 16, NULL), 1);
    CHECK(range_is(0, 0, 256));
}

static void test_names(void)
{
    for ( unsigned int k = 0; k < MEMMAP_NOTICE_KINDS; k++ )
        CHECK(strcmp(memmap_notice_name(k), "?") != 0);
    CHECK_STR(memmap_notice_name(MEMMAP_NOTICE_KINDS), "?");
    CHECK_STR(memmap_type_name(RAM), "RAM");
    CHECK_STR(memmap_type_name(ACPI), "ACPI");
    CHECK_STR(memmap_type_name(0), "unknown");
}

int main(void)
{
    test_good_map();
    test_unsorted_and_touching();
    test_zero_length_and_types();
    test_unaligned();
    test_unaligned_bytes();
    test_overlaps();
    test_above_4g();
    test_wraps();
    test_too_many_entries();
    test_no_ram();
    test_names();
    return check_summary("memmap");
}
