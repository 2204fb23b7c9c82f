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
