/*
 * test_start_info.c: the start_info and M2P checks
 * (arch/x86/pv/start_info_check.c) with good and bad values. The rings'
 * ports and frames are test_ring_check.c's.
 */
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

int main(void)
{
    test_magic();
    test_m2p();
    test_p2m();
    return check_summary("start_info");
}
