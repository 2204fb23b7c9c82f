/*
 * hvmparam.c: read or overwrite one HVM parameter of a domain, from dom0,
 * for tinypv's system tests (tests/system/dom0/early.sh).
 *
 *   hvmparam DOMID NAME            prints the value, in decimal
 *   hvmparam DOMID NAME VALUE      sets it (decimal, or hex with 0x; 64 bits)
 *   hvmparam DOMID NAME +VALUE     adds VALUE to what it is (no shell in
 *                                  dom0 is sure to do 64-bit arithmetic)
 *
 * NAME is one of console_pfn, console_evtchn, store_pfn, store_evtchn: the
 * four parameters a PVH guest reads to find its console and xenstore rings.
 * The cases create a guest paused, give one of them a value no toolstack
 * would (a port of 2^32 + the real one, a frame of 2^52 + the real one),
 * and unpause it; whether the guest did the right thing is judged in
 * tests/system/cases.sh. The toolstack lets dom0 set these at any time
 * (Xen's hvm_allow_set_param()); a guest cannot set the frames itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xen/hvm/params.h>

static const struct {
    const char *name;
    int index;
} params[] = {
    { "console_pfn", HVM_PARAM_CONSOLE_PFN },
    { "console_evtchn", HVM_PARAM_CONSOLE_EVTCHN },
    { "store_pfn", HVM_PARAM_STORE_PFN },
    { "store_evtchn", HVM_PARAM_STORE_EVTCHN },
};

static void usage(void)
{
    fprintf(stderr, "usage: hvmparam DOMID console_pfn|console_evtchn|"
            "store_pfn|store_evtchn [[+]VALUE]\n");
    exit(2);
}

static uint64_t parse_u64(const char *s)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 0);
    if ( errno || end == s || *end || *s == '-' )
    {
        fprintf(stderr, "hvmparam: '%s' is not a 64-bit unsigned number\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    xc_interface *xch;
    uint64_t domid, value;
    int index = -1, rc;

    if ( argc != 3 && argc != 4 )
        usage();
    domid = parse_u64(argv[1]);
    if ( domid >= DOMID_FIRST_RESERVED )
        usage();
    for ( size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++ )
        if ( strcmp(argv[2], params[i].name) == 0 )
            index = params[i].index;
    if ( index < 0 )
        usage();

    xch = xc_interface_open(NULL, NULL, 0);
    if ( !xch )
    {
        fprintf(stderr, "hvmparam: cannot open libxenctrl (is this dom0?)\n");
        return 1;
    }
    rc = xc_hvm_param_get(xch, (uint32_t)domid, index, &value);
    if ( rc == 0 && argc == 4 )
    {
        if ( argv[3][0] == '+' )
            value += parse_u64(argv[3] + 1);
        else
            value = parse_u64(argv[3]);
        rc = xc_hvm_param_set(xch, (uint32_t)domid, index, value);
    }
    if ( rc )
    {
        fprintf(stderr, "hvmparam: %s of domain %" PRIu64 ": %s\n", argv[2],
                domid, strerror(errno));
        xc_interface_close(xch);
        return 1;
    }
    printf("%" PRIu64 "\n", value);
    xc_interface_close(xch);
    return 0;
}
