/*
 * test_string.c: host tests for lib/string.c, against the host's libc.
 *
 * About names. This file is built with -DTINYPV_RENAME_STRING, so <lib/string.h>
 * declares the kernel's functions as k_memcpy, k_strlen and so on, and also
 * defines memcpy etc. as macros for those names. <string.h> comes first
 * (through check.h) so that libc's declarations keep their real names, and
 * the macros are dropped after <lib/string.h>. From there on, in this file:
 *
 *     k_memcpy, k_strlen, ...    the kernel's (lib/string.c)
 *     memcpy, strlen, ...        the host C library's, the reference
 *
 * The file is also built with -fno-builtin, so the libc calls really are
 * calls and the compiler does not fold them into something of its own.
 */
#include "check.h"
#include <tinypv/types.h>
#include <lib/string.h>

#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr

#define MAXLEN  80      /* lengths 0..MAXLEN-1 */
#define ALIGNS  8       /* start offsets 0..ALIGNS-1 */
#define GUARD   16
#define AREA    (GUARD + ALIGNS + MAXLEN + GUARD)

/* A fixed, varied byte pattern, with high-bit bytes and no NULs. */
static void fill(unsigned char *p, size_t n, unsigned int seed)
{
    size_t i;

    for ( i = 0; i < n; i++ )
        p[i] = (unsigned char)(((i + seed) * 37u + 11u) | 1u);
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

/* Every length and every pair of alignments; the areas must end identical. */
static void test_memcpy(void)
{
    unsigned int bad = 0, bad_ret = 0;
    size_t n, da, sa;

    for ( n = 0; n < MAXLEN; n++ )
        for ( da = 0; da < ALIGNS; da++ )
            for ( sa = 0; sa < ALIGNS; sa++ )
            {
                unsigned char src[AREA], mine[AREA], ref[AREA];

                fill(src, sizeof(src), 1);
                memset(mine, 0xee, sizeof(mine));
                memset(ref, 0xee, sizeof(ref));

                if ( k_memcpy(mine + GUARD + da, src + GUARD + sa, n)
                     != mine + GUARD + da )
                    bad_ret++;
                memcpy(ref + GUARD + da, src + GUARD + sa, n);
                if ( memcmp(mine, ref, sizeof(ref)) != 0 )
                    bad++;
            }
    CHECK_EQ(bad, 0);
    CHECK_EQ(bad_ret, 0);
}

/* Every length, alignment and value, including values beyond a byte. */
static void test_memset(void)
{
    static const int values[] = { 0, 1, 0x5a, 0x80, 0xff, 0x1ab, -1, -128 };
    unsigned int bad = 0, bad_ret = 0;
    size_t n, a, v;

    for ( n = 0; n < MAXLEN; n++ )
        for ( a = 0; a < ALIGNS; a++ )
            for ( v = 0; v < ARRAY_SIZE(values); v++ )
            {
                unsigned char mine[AREA], ref[AREA];

                fill(mine, sizeof(mine), 2);
                fill(ref, sizeof(ref), 2);
                if ( k_memset(mine + GUARD + a, values[v], n)
                     != mine + GUARD + a )
                    bad_ret++;
                memset(ref + GUARD + a, values[v], n);
                if ( memcmp(mine, ref, sizeof(ref)) != 0 )
                    bad++;
            }
    CHECK_EQ(bad, 0);
    CHECK_EQ(bad_ret, 0);
}

/*
 * Within one buffer, every source and destination offset (so overlaps in
 * both directions, and no overlap) and every length.
 */
static void test_memmove(void)
{
    enum { SPAN = 48 };
    unsigned int bad = 0, bad_ret = 0;
    size_t n, d, s;

    for ( n = 0; n <= SPAN; n++ )
        for ( d = 0; d + n <= SPAN; d++ )
            for ( s = 0; s + n <= SPAN; s++ )
            {
                unsigned char mine[GUARD + SPAN + GUARD];
                unsigned char ref[GUARD + SPAN + GUARD];

                fill(mine, sizeof(mine), 3);
                fill(ref, sizeof(ref), 3);
                if ( k_memmove(mine + GUARD + d, mine + GUARD + s, n)
                     != mine + GUARD + d )
                    bad_ret++;
                memmove(ref + GUARD + d, ref + GUARD + s, n);
                if ( memcmp(mine, ref, sizeof(ref)) != 0 )
                    bad++;
            }
    CHECK_EQ(bad, 0);
    CHECK_EQ(bad_ret, 0);

    /* The two directions by hand, so a failure is easy to read. */
    {
        char up[] = "abcdefgh", down[] = "abcdefgh";

        k_memmove(up + 2, up, 5);       /* destination above the source */
        CHECK_STR(up, "ababcdeh");
        k_memmove(down, down + 2, 5);   /* destination below the source */
        CHECK_STR(down, "cdefgfgh");
    }
}

/* memcmp: the sign must agree with libc's, bytes compare as unsigned. */
static void test_memcmp(void)
{
    unsigned int bad = 0;
    size_t n, a, pos;

    for ( n = 0; n < MAXLEN; n++ )
        for ( a = 0; a < ALIGNS; a++ )
            for ( pos = 0; pos <= n; pos++ )
            {
                unsigned char x[AREA], y[AREA];
                unsigned char *p = x + GUARD + a, *q = y + GUARD;

                fill(x, sizeof(x), 4);
                memcpy(q, p, n);
                if ( pos < n )
                    q[pos] ^= (pos & 1) ? 0x80 : 0x01;  /* one difference */

                if ( sign(k_memcmp(p, q, n)) != sign(memcmp(p, q, n)) )
                    bad++;
                if ( sign(k_memcmp(q, p, n)) != sign(memcmp(q, p, n)) )
                    bad++;
            }
    CHECK_EQ(bad, 0);

    CHECK(k_memcmp("\x80", "\x01", 1) > 0);
    CHECK(k_memcmp("\x01", "\x80", 1) < 0);
    CHECK(k_memcmp("abc", "abd", 2) == 0);
    CHECK(k_memcmp("a", "b", 0) == 0);
}

static void test_strlen(void)
{
    unsigned int bad = 0;
    size_t n, a, max;

    for ( n = 0; n < MAXLEN; n++ )
        for ( a = 0; a < ALIGNS; a++ )
        {
            char buf[AREA];
            char *s = buf + GUARD + a;

            fill((unsigned char *)buf, sizeof(buf), 5);
            s[n] = '\0';
            if ( k_strlen(s) != strlen(s) )
                bad++;
            for ( max = 0; max <= n + 2; max++ )
            {
                if ( k_strnlen(s, max) != strnlen(s, max) )
                    bad++;
            }
        }
    CHECK_EQ(bad, 0);

    /* strnlen must stop at max even with no NUL in sight. */
    {
        char no_nul[4] = { 'a', 'b', 'c', 'd' };

        CHECK_EQ(k_strnlen(no_nul, 4), 4);
        CHECK_EQ(k_strnlen(no_nul, 2), 2);
        CHECK_EQ(k_strnlen(no_nul, 0), 0);
    }
    CHECK_EQ(k_strlen(""), 0);
}

static void test_strcmp(void)
{
    static const char *const words[] = {
        "", "a", "b", "ab", "abc", "abd", "abcd", "ABC", "a\x80", "a\x7f",
        "\xff", "\x01", "zzz", "zz",
    };
    unsigned int bad = 0;
    size_t i, j, n;

    for ( i = 0; i < ARRAY_SIZE(words); i++ )
        for ( j = 0; j < ARRAY_SIZE(words); j++ )
        {
            const char *a = words[i], *b = words[j];

            if ( sign(k_strcmp(a, b)) != sign(strcmp(a, b)) )
                bad++;
            for ( n = 0; n <= 6; n++ )
            {
                if ( sign(k_strncmp(a, b, n)) != sign(strncmp(a, b, n)) )
                    bad++;
            }
        }
    CHECK_EQ(bad, 0);

    CHECK(k_strcmp("a\x80", "a\x01") > 0);      /* unsigned bytes */
    CHECK(k_strncmp("abcX", "abcY", 3) == 0);
    CHECK(k_strncmp("abc", "abc", 100) == 0);   /* stops at the NUL */
}

static void test_strchr(void)
{
    const char *s = "hello, world";
    unsigned int bad = 0;
    int c;

    for ( c = 0; c < 256; c++ )
    {
        if ( k_strchr(s, c) != strchr(s, c) )
            bad++;
    }
    CHECK_EQ(bad, 0);

    CHECK(k_strchr(s, 'o') == s + 4);           /* the first one */
    CHECK(k_strchr(s, '\0') == s + strlen(s));  /* the NUL counts */
    CHECK(k_strchr(s, 'z') == NULL);
    CHECK(k_strchr(s, 'h' + 256) == s);         /* c is taken as a char */
    CHECK(k_strchr("a\xe9", 0xe9) != NULL);     /* and works for high bytes */
    CHECK(k_strchr("", 'a') == NULL);
}

int main(void)
{
    test_memcpy();
    test_memset();
    test_memmove();
    test_memcmp();
    test_strlen();
    test_strcmp();
    test_strchr();
    return check_summary("string");
}
