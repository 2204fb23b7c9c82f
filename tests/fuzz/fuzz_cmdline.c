/*
 * fuzz_cmdline.c: the kernel command line (lib/cmdline.c).
 *
 * Input: two bytes give `max` (little-endian; 0xffff means SIZE_MAX), the
 * rest is the line. When max is within the line, the parser gets exactly
 * max bytes in an allocation of that size, with no NUL, as a start_info
 * command line that Xen did not terminate; reading line[max] is then an
 * ASan error. Otherwise it gets the line and a NUL.
 *
 * Checks:
 *  - cmdline_parse() delivers the same options, in the same order, as a
 *    reference parser written from the grammar in cmdline.c, and succeeds
 *    or fails with it; *error is NULL on success and a message on failure;
 *  - every key it delivers is 1..CMDLINE_KEY_MAX-1 bytes without blanks or
 *    '=', every value NULL or at most CMDLINE_VALUE_MAX-1 bytes, both
 *    NUL-terminated;
 *  - parse_size() agrees with a reference on the whole line and on every
 *    value delivered, and leaves *out alone when it fails.
 */
#include <lib/cmdline.h>
#include "fuzz.h"

/* The options delivered, one after another: key NUL, 0 or 1, value NUL. */
struct log {
    char *buf;
    size_t len;
};

static void log_add(struct log *lg, const char *key, const char *value)
{
    size_t k = strlen(key) + 1, v = value ? strlen(value) + 1 : 0;

    lg->buf = realloc(lg->buf, lg->len + k + 1 + v);
    memcpy(lg->buf + lg->len, key, k);
    lg->buf[lg->len + k] = value != NULL;
    if ( value != NULL )
        memcpy(lg->buf + lg->len + k + 1, value, v);
    lg->len += k + 1 + v;
}

/* --- references ---------------------------------------------------------- */

static int ref_parse_size(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    unsigned int shift = 0;

    if ( *s < '0' || *s > '9' )
        return -1;
    for ( ; *s >= '0' && *s <= '9'; s++ )
        v = MIN(v * 10 + (uint64_t)(*s - '0'), 1ULL << 40);
    if ( *s == 'K' || *s == 'k' )
        shift = 10;
    else if ( *s == 'M' || *s == 'm' )
        shift = 20;
    else if ( *s == 'G' || *s == 'g' )
        shift = 30;
    s += shift != 0;
    if ( *s != '\0' || v > UINT32_MAX || (v << shift) > UINT32_MAX )
        return -1;
    *out = (uint32_t)(v << shift);
    return 0;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The grammar of cmdline.c, over a NUL-terminated view of the line. */
static int ref_parse(const char *v, struct log *lg)
{
    char key[CMDLINE_KEY_MAX], val[CMDLINE_VALUE_MAX];
    size_t pos = 0, k, n;
    char c;

    for ( ; ; )
    {
        while ( blank(v[pos]) )
            pos++;
        if ( v[pos] == '\0' )
            return 0;

        for ( k = 0; (c = v[pos]) != '\0' && !blank(c) && c != '='; pos++ )
        {
            if ( k + 1 >= CMDLINE_KEY_MAX )
                return -1;                      /* key too long */
            key[k++] = c;
        }
        key[k] = '\0';
        if ( k == 0 )
            return -1;                          /* '=' with no key */
        if ( v[pos] != '=' )
        {
            log_add(lg, key, NULL);
            continue;
        }
        pos++;

        n = 0;
        if ( v[pos] == '"' )
        {
            for ( pos++; (c = v[pos]) != '"'; )
            {
                if ( c == '\0' )
                    return -1;                  /* unterminated */
                pos++;
                if ( c == '\\' && (v[pos] == '"' || v[pos] == '\\') )
                    c = v[pos++];
                if ( n + 1 >= CMDLINE_VALUE_MAX )
                    return -1;                  /* value too long */
                val[n++] = c;
            }
            pos++;
            if ( v[pos] != '\0' && !blank(v[pos]) )
                return -1;                      /* text after the quote */
        }
        else
        {
            for ( ; (c = v[pos]) != '\0' && !blank(c); pos++ )
            {
                if ( n + 1 >= CMDLINE_VALUE_MAX )
                    return -1;
                val[n++] = c;
            }
        }
        val[n] = '\0';
        log_add(lg, key, val);
    }
}

/* --- checks ------------------------------------------------------------- */

static void check_size(const char *s)
{
    uint32_t a = 0xdeadbeef, b = 0xdeadbeef;
    int rc = parse_size(s, &a);

    FUZZ_ASSERT(rc == ref_parse_size(s, &b));
    FUZZ_ASSERT(a == b);
}

static void option(void *ctx, const char *key, const char *value)
{
    size_t k;

    FUZZ_ASSERT(key != NULL);
    k = strlen(key);
    FUZZ_ASSERT(k >= 1 && k < CMDLINE_KEY_MAX);
    FUZZ_ASSERT(strpbrk(key, " \t=") == NULL);
    if ( value != NULL )
    {
        FUZZ_ASSERT(strlen(value) < CMDLINE_VALUE_MAX);
        check_size(value);
    }
    log_add(ctx, key, value);
}

static void never_called(void *ctx, const char *key, const char *value)
{
    FUZZ_ASSERT(!"an option in an empty line");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size };
    uint16_t m = fuzz_u16(&in);
    size_t len = in.n, max, view_len;
    char *line, *view;
    struct log got = { 0 }, want = { 0 };
    const char *error = "not set";
    int rc, ref_rc;

    max = (m == 0xffff) ? SIZE_MAX : m;
    if ( max <= len )
    {
        line = malloc(max ? max : 1);
        memcpy(line, in.p, max);
    }
    else
    {
        line = malloc(len + 1);
        memcpy(line, in.p, len);
        line[len] = '\0';
    }

    /* What the parser may see: up to the first NUL, at most max bytes. */
    view_len = strnlen(line, MIN(max, len));
    view = malloc(view_len + 1);
    memcpy(view, line, view_len);
    view[view_len] = '\0';

    rc = cmdline_parse(line, max, option, &got, &error);
    ref_rc = ref_parse(view, &want);
    FUZZ_ASSERT(rc == 0 || rc < 0);
    FUZZ_ASSERT((rc == 0) == (ref_rc == 0));
    FUZZ_ASSERT(rc == 0 ? error == NULL : error != NULL && *error != '\0');
    FUZZ_ASSERT(got.len == want.len);
    FUZZ_ASSERT(got.len == 0 || memcmp(got.buf, want.buf, got.len) == 0);

    /* error may be NULL; a NULL line is an empty one. */
    free(got.buf);
    got.buf = NULL;
    got.len = 0;
    FUZZ_ASSERT(cmdline_parse(line, max, option, &got, NULL) == rc);
    FUZZ_ASSERT(got.len == want.len);
    FUZZ_ASSERT(cmdline_parse(NULL, max, never_called, NULL, &error) == 0);
    FUZZ_ASSERT(error == NULL);

    check_size(view);

    free(got.buf);
    free(want.buf);
    free(view);
    free(line);
    return 0;
}
