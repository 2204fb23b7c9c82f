/*
 * info_ring.c: the line `info` prints for a shared ring, as pure text.
 *
 * Kept apart from info.c (which makes hypercalls) so that host tests can
 * check it: every line ends where it should whether the ring is there or
 * not. (`info` used to print the xenstore line's ", domid N" tail after a
 * "none", and an empty line after a console ring that was absent.)
 */
#include <monitor/info.h>
#include <lib/format.h>

size_t info_format_ring(char *buf, size_t size, const char *label,
                        const struct boot_ring *r, const char *tail)
{
    char pfn[24];
    int n;

    if ( !r->present )
        n = snprintf(buf, size, "  %-13s none\n", label);
    else
    {
        if ( r->pfn == ~0UL )
            snprintf(pfn, sizeof(pfn), "pfn unknown");
        else
            snprintf(pfn, sizeof(pfn), "pfn 0x%lx", r->pfn);
        n = snprintf(buf, size, "  %-13s %p (%s, %s), event channel %u%s\n",
                     label, r->page, pfn, r->how ? r->how : "?", r->port,
                     tail ? tail : "");
    }
    if ( n < 0 )
        return 0;
    if ( (size_t)n >= size && size >= 2 )
        buf[size - 2] = '\n';       /* cut short, but still a whole line */
    return (size_t)n;
}
