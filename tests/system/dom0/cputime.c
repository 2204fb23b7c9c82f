/*
 * cputime.c: a domain's CPU time, from dom0, in seconds to the
 * microsecond, for tinypv's idle checks (dom0/lib.sh guest_cpu_seconds).
 *
 *   cputime DOMID
 *
 * `xl list` rounds CPU time to a tenth of a second, so "at most 0.1 s
 * over 10 s idle" read from it passes or fails on where the rounding
 * falls; Xen keeps the time in nanoseconds (XEN_DOMCTL_getdomaininfo),
 * and this prints it. Exit 1 when the domain does not exist.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <xenctrl.h>

int main(int argc, char **argv)
{
    xc_interface *xch;
    xc_dominfo_t info;
    char *end;
    unsigned long domid;
    int n;

    if ( argc != 2 || (domid = strtoul(argv[1], &end, 10), *end) ||
         domid >= DOMID_FIRST_RESERVED )
    {
        fprintf(stderr, "usage: cputime DOMID\n");
        return 2;
    }
    xch = xc_interface_open(NULL, NULL, 0);
    if ( !xch )
    {
        perror("cputime: xc_interface_open");
        return 2;
    }
    /* The first domain from DOMID on: it must be DOMID itself. */
    n = xc_domain_getinfo(xch, (uint32_t)domid, 1, &info);
    xc_interface_close(xch);
    if ( n != 1 || info.domid != domid )
    {
        fprintf(stderr, "cputime: no domain %lu\n", domid);
        return 1;
    }
    printf("%" PRIu64 ".%06" PRIu64 "\n", info.cpu_time / 1000000000,
           info.cpu_time % 1000000000 / 1000);
    return 0;
}
