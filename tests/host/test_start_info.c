/*
 * test_start_info.c: the start_info and M2P checks
 * (arch/x86/pv/start_info_check.c) with good and bad values. The rings'
 * ports and frames are test_ring_check.c's.
 */
#include <stdlib.h>
#include <string.h>
#include "../../arch/x86/pv/start_info_check.h"
#include "check.h"

static void test_magic(void)
{
    char magic[START_INFO_MAGIC_SIZE];

    memset(magic, 0, sizeof(magic));
    memcpy(magic, "xen-3.0-x86_32p", 15);
    CHECK(start_info_magic_ok(magic));

    memcpy(magic, "xen-3.0-x86_64", 15);            /* a 64-bit guest's */
    CHECK(!start_info_magic_ok(magic));
    memcpy(magic, "xen-3.0-x86_32", 15);            /* non-PAE */
    CHECK(!start_info_magic_ok(magic));
    memset(magic, 0, sizeof(magic));
    CHECK(!start_info_magic_ok(magic));             /* empty */
    memset(magic, 'x', sizeof(magic));
    CHECK(!start_info_magic_ok(magic));             /* garbage, unterminated */
    memcpy(magic, "xen-3.0-x86_32p-and-more", 25);  /* a longer string */
    CHECK(!start_info_magic_ok(magic));
}

static void test_m2p(void)
{
    /* Xen 4.17's compat M2P: 0xf5800000..0xf6000000-ish, 4-byte entries. */
    unsigned long start = 0xf5800000ul, end = 0xf5a00000ul;  /* 512K entries */

    CHECK(m2p_entry_ok(0, start, end, 0x1ffff, 4));
    CHECK(m2p_entry_ok(0x1ffff, start, end, 0x1ffff, 4));
    CHECK(!m2p_entry_ok(0x20000, start, end, 0x1ffff, 4));     /* > max_mfn */
    CHECK(!m2p_entry_ok(0x80000, start, end, 0xfffff, 4));     /* past the end */
    CHECK(m2p_entry_ok(0x7ffff, start, end, 0xfffff, 4));
    CHECK(!m2p_entry_ok(~0ul, start, end, ~0ul, 4));           /* no wrap */
    CHECK(!m2p_entry_ok(5, 0, 0, 0x1ffff, 4));                 /* no table */
    CHECK(!m2p_entry_ok(5, end, start, 0x1ffff, 4));           /* reversed */
}

static void test_p2m(void)
{
    unsigned long map_start = 0xc0000000ul, map_end = 0xc0400000ul;

    CHECK(p2m_list_ok(0xc0100000ul, 4096, 4, map_start, map_end));
    /* Exactly to the end of the mapping, and one entry past it. */
    CHECK(p2m_list_ok(map_end - 4096 * 4, 4096, 4, map_start, map_end));
    CHECK(!p2m_list_ok(map_end - 4096 * 4, 4097, 4, map_start, map_end));
    CHECK(!p2m_list_ok(0xc0100000ul, ~0ul, 4, map_start, map_end));
    CHECK(!p2m_list_ok(0xc0100000ul, 0x40000000ul, 4, map_start, map_end));
    CHECK(!p2m_list_ok(0xbffff000ul, 16, 4, map_start, map_end));  /* below */
    CHECK(!p2m_list_ok(map_end, 16, 4, map_start, map_end));        /* above */
    CHECK(!p2m_list_ok(0xc0100002ul, 16, 4, map_start, map_end));   /* askew */
    CHECK(!p2m_list_ok(0xc0100000ul, 0, 4, map_start, map_end));    /* empty */
}

/*
 * The P2M list as mm.c reads it: an "image" of pages at base, the list in
 * one of them. NULL stands for a list mm_init() refused: mm_virt_to_mfn()
 * once read start_info's list anyway (a local shadowed the checked one),
 * and a bogus mfn_list then faulted at boot, before the trap table.
 */
#define HOST_PAGE 4096ul

static void fill_list(unsigned long *list, unsigned long n, unsigned long first)
{
    for ( unsigned long i = 0; i < n; i++ )
        list[i] = first + i;
}

static void test_p2m_lookup(void)
{
    unsigned long *image = aligned_alloc(HOST_PAGE, 8 * HOST_PAGE);
    unsigned long base = (unsigned long)image;
    unsigned long *list = image + 2 * HOST_PAGE / sizeof(*image);

    fill_list(list, 8, 0x1000);
    CHECK_EQ(p2m_lookup(list, 8, base, base), 0x1000);
    CHECK_EQ(p2m_lookup(list, 8, base, base + HOST_PAGE - 1), 0x1000);
    CHECK_EQ(p2m_lookup(list, 8, base, base + 7 * HOST_PAGE + 5), 0x1007);
    CHECK_EQ(p2m_lookup(list, 8, base, base + 8 * HOST_PAGE), 0);  /* past */
    CHECK_EQ(p2m_lookup(list, 8, base, base - 1), 0);              /* below */
    CHECK_EQ(p2m_lookup(list, 8, base, ~0ul), 0);
    /* Refused: nothing read, nothing known. */
    CHECK_EQ(p2m_lookup(NULL, 8, base, base), 0);
    CHECK_EQ(p2m_lookup(NULL, ~0ul, base, base + HOST_PAGE), 0);
    free(image);
}

static void test_p2m_frame_list(void)
{
    /* 1100 entries: three pages of 8-byte host words (two in the guest). */
    unsigned long nr = 1100, per_page = HOST_PAGE / sizeof(unsigned long);
    unsigned long *image = aligned_alloc(HOST_PAGE, nr * HOST_PAGE);
    unsigned long base = (unsigned long)image;
    unsigned long *list = image + 10 * per_page;   /* page 10 of the image */
    unsigned long fl[per_page];

    fill_list(list, nr, 0x5000);
    memset(fl, 0xee, sizeof(fl));
    CHECK(p2m_frame_list(list, nr, base, fl, per_page) == NULL);
    CHECK_EQ(fl[0], 0x500a);
    CHECK_EQ(fl[1], 0x500b);
    CHECK_EQ(fl[2], 0x500c);
    CHECK_EQ(fl[3], 0);
    CHECK_EQ(fl[per_page - 1], 0);

    /* Every refusal leaves fl alone. */
    memset(fl, 0xee, sizeof(fl));
    CHECK(p2m_frame_list(NULL, nr, base, fl, per_page) != NULL);
    CHECK(p2m_frame_list(list + 1, nr - 1, base, fl, per_page) != NULL);
    CHECK(p2m_frame_list(list, nr, base, fl, 2) != NULL);  /* needs 3 */
    /* The list's pages must be pages the list covers: here it lies below
     * the first page it describes. */
    CHECK(p2m_frame_list(list, 4, base + 11 * HOST_PAGE, fl, per_page) != NULL);
    CHECK_EQ(fl[0], 0xeeeeeeeeeeeeeeeeul);
    free(image);
}

/*
 * After ballooning the P2M has holes (INVALID_P2M_ENTRY, ~0): a lookup there
 * is "not ours", never the frame ~0; the frame list is still built from the
 * list's own pages, which are never given back; a hole in one of them (a
 * list that lost a page of itself) is refused, not published.
 */
static void test_p2m_holes(void)
{
    unsigned long nr = 1100, per_page = HOST_PAGE / sizeof(unsigned long);
    unsigned long *image = aligned_alloc(HOST_PAGE, nr * HOST_PAGE);
    unsigned long base = (unsigned long)image;
    unsigned long *list = image + 10 * per_page;
    unsigned long fl[per_page];

    fill_list(list, nr, 0x5000);
    for ( unsigned long pfn = 100; pfn < nr; pfn += 3 )
        if ( pfn < 10 || pfn > 12 )
            list[pfn] = INVALID_P2M_ENTRY;
    CHECK_EQ(p2m_lookup(list, nr, base, base + 100 * HOST_PAGE), 0);
    CHECK_EQ(p2m_lookup(list, nr, base, base + 1099 * HOST_PAGE + 7), 0);
    CHECK_EQ(p2m_lookup(list, nr, base, base + 101 * HOST_PAGE), 0x5065);
    memset(fl, 0xee, sizeof(fl));
    CHECK(p2m_frame_list(list, nr, base, fl, per_page) == NULL);
    CHECK_EQ(fl[0], 0x500a);
    CHECK_EQ(fl[2], 0x500c);
    CHECK_EQ(fl[3], 0);
    /* The second page of the list given back: refused, fl untouched. */
    list[11] = INVALID_P2M_ENTRY;
    memset(fl, 0xee, sizeof(fl));
    CHECK(p2m_frame_list(list, nr, base, fl, per_page) != NULL);
    CHECK_EQ(fl[0], 0xeeeeeeeeeeeeeeeeul);
    free(image);
}

int main(void)
{
    test_magic();
    test_m2p();
    test_p2m();
    test_p2m_lookup();
    test_p2m_frame_list();
    test_p2m_holes();
    return check_summary("start_info");
}
