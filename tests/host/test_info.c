/*
 * test_info.c: the line `info` prints for a shared ring (monitor/info_ring.c).
 *
 * Issue 15: with a ring absent, `info` printed an empty line (after the
 * console's "none") or a stray ", domid N" (after the xenstore's). Each
 * line must be exactly one line, whatever the ring's state.
 */
#include <tinypv/boot_info.h>
#include <monitor/info.h>
#include <lib/format.h>
#include "check.h"

/* The number of '\n' in s, and whether the last character is one. */
static unsigned int lines(const char *s)
{
    unsigned int n = 0;

    for ( ; *s; s++ )
        n += *s == '\n';
    return n;
}

static bool ends_with_newline(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && s[n - 1] == '\n';
}

static void test_absent(void)
{
    struct boot_ring r = { .present = false, .pfn = ~0UL, .how = "refused" };
    char buf[160];

    info_format_ring(buf, sizeof(buf), "console ring", &r, NULL);
    CHECK_STR(buf, "  console ring  none\n");
    /* The tail belongs to a ring that is there: not after "none". */
    info_format_ring(buf, sizeof(buf), "xenstore ring", &r, ", domid 7");
    CHECK_STR(buf, "  xenstore ring none\n");
}

static void test_present(void)
{
    static char page[4096];
    struct boot_ring r = {
        .present = true, .page = page, .pfn = 0x27,
        .how = "bootstrap mapping", .port = 2,
    };
    char buf[160], want[160], ptr[40];

    snprintf(ptr, sizeof(ptr), "%p", (void *)page);

    info_format_ring(buf, sizeof(buf), "console ring", &r, NULL);
    snprintf(want, sizeof(want), "  console ring  %s (pfn 0x27, bootstrap "
             "mapping), event channel 2\n", ptr);
    CHECK_STR(buf, want);
    CHECK_EQ(lines(buf), 1);

    r.port = 1;
    r.how = "identity map";
    r.pfn = 0xfeffc;
    info_format_ring(buf, sizeof(buf), "xenstore ring", &r, ", domid 12");
    snprintf(want, sizeof(want), "  xenstore ring %s (pfn 0xfeffc, identity "
             "map), event channel 1, domid 12\n", ptr);
    CHECK_STR(buf, want);

    /* A frame we could not work out back to a pfn says so. */
    r.pfn = ~0UL;
    info_format_ring(buf, sizeof(buf), "xenstore ring", &r, NULL);
    snprintf(want, sizeof(want), "  xenstore ring %s (pfn unknown, identity "
             "map), event channel 1\n", ptr);
    CHECK_STR(buf, want);
}

/* Cut short: still one line, with its newline, and the full length told. */
static void test_cut(void)
{
    struct boot_ring r = {
        .present = true, .page = NULL, .pfn = 1, .how = "remapped", .port = 3,
    };
    char buf[24], full[160];
    size_t n, len;

    len = info_format_ring(full, sizeof(full), "console ring", &r, ", x");
    n = info_format_ring(buf, sizeof(buf), "console ring", &r, ", x");
    CHECK_EQ(n, len);
    CHECK_EQ(strlen(buf), sizeof(buf) - 1);
    CHECK(ends_with_newline(buf));
    CHECK_EQ(lines(buf), 1);
    CHECK(memcmp(buf, full, sizeof(buf) - 2) == 0);
}

int main(void)
{
    test_absent();
    test_present();
    test_cut();
    return check_summary("info");
}
