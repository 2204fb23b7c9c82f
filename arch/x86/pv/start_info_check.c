/*
 * start_info_check.c: the pure checks of start_info_check.h.
 *
 * Every bound is checked without arithmetic that could wrap: a huge
 * nr_pages or mfn must fail the check, not pass it by overflowing.
 */
#include "start_info_check.h"
#include <lib/string.h>

bool start_info_magic_ok(const char *magic)
{
    /* The terminator is part of the match: "xen-3.0-x86_32p-extra" fails. */
    return memcmp(magic, START_INFO_MAGIC, sizeof(START_INFO_MAGIC)) == 0;
}

bool m2p_entry_ok(unsigned long mfn, unsigned long m2p_start,
                  unsigned long m2p_end, unsigned long max_mfn,
                  size_t entry_size)
{
    if ( m2p_start == 0 || m2p_end <= m2p_start || entry_size == 0 )
        return false;               /* no table known */
    if ( mfn > max_mfn )
        return false;
    return mfn < (m2p_end - m2p_start) / entry_size;
}

bool p2m_list_ok(unsigned long list, unsigned long nr_pages,
                 size_t entry_size, unsigned long map_start,
                 unsigned long map_end)
{
    if ( list < map_start || list >= map_end || entry_size == 0 ||
         nr_pages == 0 )
        return false;
    if ( list % entry_size )
        return false;
    return nr_pages <= (map_end - list) / entry_size;
}

unsigned long p2m_lookup(const unsigned long *p2m, unsigned long nr_pages,
                         unsigned long base, unsigned long va)
{
    unsigned long pfn;

    if ( !p2m || va < base )
        return 0;
    pfn = (va - base) / PAGE_SIZE;
    if ( pfn >= nr_pages || p2m[pfn] == INVALID_P2M_ENTRY )
        return 0;
    return p2m[pfn];
}

const char *p2m_frame_list(const unsigned long *p2m, unsigned long nr_pages,
                           unsigned long base, unsigned long *fl,
                           size_t fl_len)
{
    unsigned long list = (unsigned long)p2m;
    unsigned long per_page = PAGE_SIZE / sizeof(*p2m);
    unsigned long pages = nr_pages / per_page + (nr_pages % per_page != 0);

    if ( !p2m )
        return "start_info's page-frame list was refused at boot";
    /* The save code maps the list page by page: it must start a page. */
    if ( list % PAGE_SIZE )
        return "the P2M list is not page aligned";
    if ( pages > fl_len )
        return "the P2M list needs more than one frame list page";
    for ( unsigned long i = 0; i < pages; i++ )
        if ( !p2m_lookup(p2m, nr_pages, base, list + i * PAGE_SIZE) )
            return "a page of the P2M list is not in the P2M";
    for ( unsigned long i = 0; i < fl_len; i++ )
        fl[i] = i < pages ? p2m_lookup(p2m, nr_pages, base,
                                       list + i * PAGE_SIZE) : 0;
    return NULL;
}
