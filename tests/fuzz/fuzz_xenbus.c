/*
 * fuzz_xenbus.c: what xenbus reads from xenstore (xenbus/xenbus_path.c),
 * as a hostile dom0 could write it.
 *
 * Input: u8 selector, u16 be_domid, u16 our_domid, then the rest as the
 * value read (a backend path, a state or a domain id, with any bytes,
 * NULs included; len is exact, nothing past it may be read: the value
 * is copied into a buffer of exactly that size).
 *
 * Checked: nothing reads outside the value; a path is accepted only if
 * it is byte for byte the one the protocol gives; a state only if it is
 * 0..8 written plainly; a domain id only below DOMID_FIRST_RESERVED and
 * written back the same; every refusal says why.
 */
#include <tinypv/xenbus_path.h>
#include <tinypv/xs_proto.h>
#include "fuzz.h"

static void fuzz_path(const char *v, size_t len, domid_t be, domid_t us)
{
    const char *why = NULL;
    char want[XENBUS_PATH_MAX];
    int rc = xenbus_check_backend(v, len, "vbd", us, "51712", be, &why);
    int n = snprintf(want, sizeof(want), "/local/domain/%u/backend/vbd/%u/51712",
                     be, us);

    FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(want));
    if ( rc == 0 )
        FUZZ_ASSERT(len == (size_t)n && memcmp(v, want, len) == 0);
    else
    {
        FUZZ_ASSERT(rc == -EINVAL && why && why[0]);
        if ( be < DOMID_FIRST_RESERVED && us < DOMID_FIRST_RESERVED )
            FUZZ_ASSERT(len != (size_t)n || memcmp(v, want, len) != 0);
    }
}

static void fuzz_state(const char *v, size_t len)
{
    XenbusState st;
    char back[8];

    if ( xenbus_parse_state(v, len, &st) == 0 )
    {
        FUZZ_ASSERT((unsigned int)st <= XenbusStateReconfigured);
        snprintf(back, sizeof(back), "%u", (unsigned int)st);
        FUZZ_ASSERT(strlen(back) == len && memcmp(back, v, len) == 0);
        FUZZ_ASSERT(strcmp(xenbus_state_name(st), "invalid") != 0);
    }
}

static void fuzz_domid(const char *v, size_t len)
{
    domid_t d;
    char back[8];

    if ( xenbus_parse_domid(v, len, &d) == 0 )
    {
        FUZZ_ASSERT(d < DOMID_FIRST_RESERVED);
        snprintf(back, sizeof(back), "%u", (unsigned int)d);
        FUZZ_ASSERT(strlen(back) == len && memcmp(back, v, len) == 0);
    }
}

static void fuzz_name(const char *v, size_t len)
{
    char name[XENBUS_NAME_MAX + 4];
    size_t n = len < sizeof(name) - 1 ? len : sizeof(name) - 1;

    memcpy(name, v, n);
    name[n] = '\0';
    if ( xenbus_valid_name(name) )
        FUZZ_ASSERT(strlen(name) < XENBUS_NAME_MAX && !strchr(name, '/'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t sel;
    domid_t be, us;
    char *v;
    size_t len;

    if ( size < 5 )
        return 0;
    sel = data[0];
    be = (domid_t)(data[1] | (data[2] << 8));
    us = (domid_t)(data[3] | (data[4] << 8));
    len = size - 5;
    v = malloc(len ? len : 1);      /* exactly len: ASan sees any overread */
    memcpy(v, data + 5, len);
    switch ( sel % 4 )
    {
    case 0:
        fuzz_path(v, len, be, us);
        break;
    case 1:
        fuzz_state(v, len);
        break;
    case 2:
        fuzz_domid(v, len);
        break;
    default:
        fuzz_name(v, len);
        break;
    }
    free(v);
    return 0;
}
