/*
 * fuzz_memmap.c: the PVH memory-map parser (mm/memmap.c).
 *
 * Input: u8 out_max (% 20), u8 max_entries (0: the default), u16
 * limit_pfn (0: 4 GiB), u8 entry count (% 64), then per entry a mode byte
 * and its fields:
 *   mode % 4 == 0   raw: u32 addr lo, u32 addr hi, u32 size lo, u32 size hi
 *   mode % 4 == 1   near 4 GiB: addr = 4 GiB + (s32) u32, size = u32
 *   otherwise       small: addr = u16 * 256, size = u16 * 256 (64 MiB world)
 * then u8 type (% 9: 0 and 8 are unknown types) and, when mode & 0x80,
 * u32 reserved. The table is copied into an allocation of exactly its
 * size, so reading past the entries the parser may look at is an ASan
 * error.
 *
 * Checks, on every input: the ranges are sorted, apart (not touching),
 * non-empty and below the limit; each of their pages is covered by a RAM
 * entry (rounded inward) and by no other entry (rounded outward); the
 * counts add up; every notice was counted. When every entry lies in the
 * first 64 MiB, a page-by-page model predicts the ranges exactly, and the
 * conflicting, clipped and dropped pages.
 */
#include <tinypv/memmap.h>
#include "fuzz.h"

#define SMALL_PAGES     16384           /* 64 MiB */
#define MAX_IN          64

static unsigned int notices;

static void count_notice(void *ctx, const struct memmap_notice *n)
{
    FUZZ_ASSERT(n->kind < MEMMAP_NOTICE_KINDS);
    notices++;
}

/* An entry's frames, the way the header describes: inward for RAM. */
static bool frames(const struct hvm_memmap_table_entry *e, uint64_t *s,
                   uint64_t *end)
{
    unsigned __int128 a = e->addr, b = (unsigned __int128)e->addr + e->size;

    if ( b > ((unsigned __int128)1 << 64) )
        b = (unsigned __int128)1 << 64;
    if ( e->size == 0 )
        return false;
    if ( e->type == XEN_HVM_MEMMAP_TYPE_RAM )
    {
        *s = (uint64_t)((a + 4095) >> 12);
        *end = (uint64_t)(b >> 12);
    }
    else
    {
        *s = (uint64_t)(a >> 12);
        *end = (uint64_t)((b + 4095) >> 12);
    }
    return *s < *end;
}

static uint64_t in_u64(struct fuzz_input *in)
{
    uint64_t lo = fuzz_u32(in);

    return lo | (uint64_t)fuzz_u32(in) << 32;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size };
    struct memmap_range out[20];
    struct memmap_result res;
    struct memmap_config cfg = { .report = count_notice };
    struct hvm_memmap_table_entry *map;
    size_t out_max, n;
    uint32_t nr, looked;
    uint64_t limit, pages = 0;
    bool small = true;

    out_max = fuzz_u8(&in) % 20;
    cfg.max_entries = fuzz_u8(&in);
    cfg.limit_pfn = fuzz_u16(&in);
    nr = fuzz_u8(&in) % MAX_IN;
    map = malloc(nr ? nr * sizeof(*map) : 1);
    for ( uint32_t i = 0; i < nr; i++ )
    {
        uint8_t mode = fuzz_u8(&in);

        switch ( mode % 4 )
        {
        case 0:
            map[i].addr = in_u64(&in);
            map[i].size = in_u64(&in);
            break;
        case 1:
            map[i].addr = (1ULL << 32) + (int64_t)(int32_t)fuzz_u32(&in);
            map[i].size = fuzz_u32(&in);
            break;
        default:
            map[i].addr = (uint64_t)fuzz_u16(&in) * 256;
            map[i].size = (uint64_t)fuzz_u16(&in) * 256;
            break;
        }
        map[i].type = fuzz_u8(&in) % 9;
        map[i].reserved = mode & 0x80 ? fuzz_u32(&in) : 0;
    }

    notices = 0;
    memset(out, 0xa5, sizeof(out));
    n = memmap_parse(map, nr, &cfg, out, out_max, &res);

    looked = MIN(nr, cfg.max_entries ? cfg.max_entries : MEMMAP_MAX_ENTRIES);
    limit = cfg.limit_pfn ? cfg.limit_pfn : MEMMAP_LIMIT_4G_PFN;
    FUZZ_ASSERT(n == res.ranges && n <= out_max);
    FUZZ_ASSERT(res.entries == looked && res.ignored == nr - looked);
    FUZZ_ASSERT(res.notices == notices);
    FUZZ_ASSERT(res.ram_entries + res.refused <= looked);

    /* The ranges: in order, apart, below the limit, RAM and nothing else. */
    for ( size_t r = 0; r < n; r++ )
    {
        uint64_t rs = out[r].first_pfn, re = rs + out[r].nr_pfns;
        uint64_t cur = rs;

        FUZZ_ASSERT(out[r].nr_pfns > 0 && re <= limit);
        if ( r > 0 )
            FUZZ_ASSERT(rs > (uint64_t)out[r - 1].first_pfn + out[r - 1].nr_pfns);
        pages += out[r].nr_pfns;
        for ( uint32_t i = 0; i < looked; i++ )
        {
            uint64_t s, e;

            if ( map[i].type != XEN_HVM_MEMMAP_TYPE_RAM && frames(&map[i], &s, &e) )
                FUZZ_ASSERT(e <= rs || s >= re);
        }
        while ( cur < re )
        {
            uint64_t next = cur;

            for ( uint32_t i = 0; i < looked; i++ )
            {
                uint64_t s, e;

                if ( map[i].type == XEN_HVM_MEMMAP_TYPE_RAM &&
                     frames(&map[i], &s, &e) && s <= cur && cur < e )
                    next = MAX(next, MIN(e, re));
            }
            FUZZ_ASSERT(next > cur);            /* some RAM entry covers cur */
            cur = next;
        }
    }
    FUZZ_ASSERT(pages == res.ram_pages);

    /* Small worlds: page by page. */
    for ( uint32_t i = 0; i < looked; i++ )
    {
        uint64_t s, e;

        if ( frames(&map[i], &s, &e) && e > SMALL_PAGES )
            small = false;
    }
    if ( small )
    {
        static uint8_t ram[SMALL_PAGES], other[SMALL_PAGES];
        uint64_t conflict = 0, clipped = 0, dropped = 0;
        size_t runs = 0;

        memset(ram, 0, sizeof(ram));
        memset(other, 0, sizeof(other));
        for ( uint32_t i = 0; i < looked; i++ )
        {
            uint64_t s, e;

            if ( !frames(&map[i], &s, &e) )
                continue;
            for ( uint64_t p = s; p < e; p++ )
                if ( map[i].type == XEN_HVM_MEMMAP_TYPE_RAM )
                    ram[p] = 1;
                else
                    other[p] = 1;
        }
        for ( uint64_t p = 0; p < SMALL_PAGES; )
        {
            uint64_t q = p;

            if ( ram[p] && other[p] )
                conflict++;
            else if ( ram[p] && p >= limit )
                clipped++;
            if ( !ram[p] || other[p] || p >= limit )
            {
                p++;
                continue;
            }
            while ( q < SMALL_PAGES && q < limit && ram[q] && !other[q] )
                q++;
            /* A run [p, q): the next range, or dropped for want of room. */
            if ( runs < out_max )
                FUZZ_ASSERT(runs < n && out[runs].first_pfn == p &&
                            out[runs].nr_pfns == q - p);
            else
                dropped += q - p;
            runs++;
            p = q;
        }
        FUZZ_ASSERT(n == MIN(runs, out_max));
        FUZZ_ASSERT(res.conflict_pages == conflict);
        FUZZ_ASSERT(res.clipped_pages == clipped);
        FUZZ_ASSERT(res.dropped_pages == dropped);
    }
    free(map);
    return 0;
}
