/*
 * test_format.c: host tests for lib/format.c.
 *
 * About names. The Makefile compiles this whole file, not just format.c,
 * with -Dsnprintf=k_snprintf -Dvsnprintf=k_vsnprintf. So <lib/format.h> declares
 * the kernel's functions as k_snprintf and k_vsnprintf, and <stdio.h>
 * (through check.h) declares libc's under the same k_ names - harmless, the
 * prototypes agree. To reach libc's own snprintf we then drop the macros
 * and declare libc's functions again under their real names. From there
 * on, in this file:
 *
 *     k_snprintf, k_vsnprintf    the kernel's (lib/format.c)
 *     snprintf, vsnprintf        the host C library's, the reference
 */
#include <tinypv/types.h>
#include <tinypv/printk.h>
#include "check.h"

#include <limits.h>
#include <stdlib.h>

#undef snprintf
#undef vsnprintf
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __printf(3, 4);
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap);

#define BUF 512

/*
 * The kernel's snprintf without the compiler's format checking, for the
 * formats that are wrong on purpose (unknown conversions, a trailing '%').
 */
static int k_snprintf_unchecked(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = k_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* The kernel's output must equal a literal, in text and in length. */
#define EXPECT(want, ...)                                                \
    do {                                                                 \
        char kout_[BUF];                                                 \
        int kret_ = k_snprintf(kout_, sizeof(kout_), __VA_ARGS__);       \
        CHECK_STR(kout_, want);                                          \
        CHECK_EQ(kret_, strlen(want));                                   \
    } while ( 0 )

/*
 * The kernel's output must equal the host C library's. (The locals' names
 * must differ from the got_/want_ that CHECK_STR declares inside itself.)
 */
#define SAME(...)                                                        \
    do {                                                                 \
        char kout_[BUF], hout_[BUF];                                     \
        int kret_ = k_snprintf(kout_, sizeof(kout_), __VA_ARGS__);       \
        int hret_ = snprintf(hout_, sizeof(hout_), __VA_ARGS__);         \
        CHECK_STR(kout_, hout_);                                         \
        CHECK_EQ(kret_, hret_);                                          \
    } while ( 0 )

static void test_plain(void)
{
    EXPECT("", "%s", "");
    EXPECT("hello, world", "hello, world");
    EXPECT("100%", "100%%");
    EXPECT("%%", "%%%%");
    EXPECT("a%b", "a%%b");
    SAME("%d%%%s", 5, "x");
}

static void test_signed(void)
{
    SAME("%d", 0);
    SAME("%d", 42);
    SAME("%d", -42);
    SAME("%i", -7);
    SAME("%d", INT_MAX);
    SAME("%d", INT_MIN);
    EXPECT("-2147483648", "%d", INT_MIN);
    SAME("%ld", LONG_MAX);
    SAME("%ld", LONG_MIN);
    SAME("%lld", LLONG_MAX);
    SAME("%lld", LLONG_MIN);
    EXPECT("-9223372036854775808", "%lld", LLONG_MIN);
    EXPECT("9223372036854775807", "%lli", LLONG_MAX);
    SAME("%lld", -1LL);
    SAME("%lld", 4294967296LL);
    SAME("%lld", -4294967297LL);
    SAME("%hd", (short)-32768);
    SAME("%hhd", (signed char)-128);
    SAME("%zd", (ssize_t)-5);
    SAME("%zd", (ssize_t)123456789);
}

static void test_unsigned(void)
{
    SAME("%u", 0u);
    SAME("%u", UINT_MAX);
    SAME("%lu", ULONG_MAX);
    SAME("%llu", ULLONG_MAX);
    EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    SAME("%llu", 10000000000000000000ULL);
    SAME("%llu", 4294967295ULL);
    SAME("%llu", 4294967296ULL);
    SAME("%zu", (size_t)0);
    SAME("%zu", SIZE_MAX);

    SAME("%x", 0u);
    SAME("%x", 0xdeadbeefu);
    SAME("%X", 0xdeadbeefu);
    SAME("%llx", 0x0123456789abcdefULL);
    SAME("%llX", 0xfedcba9876543210ULL);
    SAME("%llx", ULLONG_MAX);
    SAME("%zx", SIZE_MAX);
    SAME("%lx", ULONG_MAX);

    SAME("%o", 0u);
    SAME("%o", 8u);
    SAME("%o", UINT_MAX);
    SAME("%llo", ULLONG_MAX);
    EXPECT("1777777777777777777777", "%llo", ULLONG_MAX);
    SAME("%llo", 01234567012345670123ULL);
}

/*
 * %h and %hh take an int (what a short or char becomes in "...") and cut it
 * back to the short or char it stands for. Passing an int that does not fit
 * is well defined and shows the cut, but clang's format checker objects.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
static void test_cut_back(void)
{
    SAME("%hd", 40000);             /* -25536 */
    SAME("%hhd", 200);              /* -56 */
    SAME("%hhd", 0x1ff);            /* -1 */
    SAME("%hu", 70000);             /* 4464 */
    SAME("%hhu", 300);              /* 44 */
    SAME("%hx", 0x12345);           /* 2345 */
    SAME("%hhx", 0x1ab);            /* ab */
    SAME("%ho", 0x1ffff);           /* 177777 */
    EXPECT("-56|44|ab", "%hhd|%hhu|%hhx", 200, 300, 0x1ab);
}
#pragma GCC diagnostic pop

/*
 * Every 64-bit division goes through divide_small(); sweep values near
 * powers of two and of ten, where carries between its 16-bit steps happen.
 */
static void test_wide_sweep(void)
{
    unsigned int bad = 0, i;
    int shift;

    for ( shift = 0; shift < 64; shift++ )
    {
        for ( i = 0; i < 5; i++ )
        {
            unsigned long long v = (1ULL << shift) + i - 2;
            char got[64], want[64];
            const char *fmts[] = { "%llu", "%llx", "%llo", "%lld" };
            unsigned int f;

            for ( f = 0; f < ARRAY_SIZE(fmts); f++ )
            {
                k_snprintf(got, sizeof(got), fmts[f], v);
                snprintf(want, sizeof(want), fmts[f], v);
                if ( strcmp(got, want) != 0 )
                {
                    fprintf(stderr, "  %s of %llu: got %s, want %s\n",
                            fmts[f], v, got, want);
                    bad++;
                }
            }
        }
    }

    /* Powers of ten and their neighbours. */
    {
        unsigned long long p = 1;

        for ( i = 0; i < 20; i++, p *= 10 )
        {
            char got[64], want[64];
            unsigned long long v;

            for ( v = p - 1; v <= p + 1; v++ )
            {
                k_snprintf(got, sizeof(got), "%llu", v);
                snprintf(want, sizeof(want), "%llu", v);
                if ( strcmp(got, want) != 0 )
                    bad++;
            }
        }
    }
    CHECK_EQ(bad, 0);
}

static void test_pointer(void)
{
    char want[64], got[64];
    int digits = (int)(2 * sizeof(void *));

    /* "0x" and every hex digit of a pointer: 8 in the kernel, 16 here. */
    snprintf(want, sizeof(want), "0x%0*llx", digits, 0x1234ULL);
    EXPECT(want, "%p", (void *)0x1234);

    snprintf(want, sizeof(want), "0x%0*llx", digits, 0ULL);
    EXPECT(want, "%p", (void *)NULL);

    snprintf(want, sizeof(want), "0x%0*llx", digits,
             (unsigned long long)UINTPTR_MAX);
    EXPECT(want, "%p", (void *)UINTPTR_MAX);

    /*
     * The width applies, and '-'; '0' and a precision do not. (gcc warns
     * about '0' and a precision with %p, hence the unchecked calls.)
     */
    snprintf(want, sizeof(want), "    0x%0*llx", digits, 0xabcULL);
    EXPECT(want, "%*p", digits + 6, (void *)0xabc);
    k_snprintf_unchecked(got, sizeof(got), "%0*p", digits + 6, (void *)0xabc);
    CHECK_STR(got, want);
    k_snprintf_unchecked(got, sizeof(got), "%.1p", (void *)0xabc);
    CHECK_STR(got, want + 4);

    snprintf(want, sizeof(want), "0x%0*llx  |", digits, 0xabcULL);
    EXPECT(want, "%-*p|", digits + 4, (void *)0xabc);
}

static void test_strings_and_chars(void)
{
    const char unterminated[3] = { 'a', 'b', 'c' };
    char got[64];

    SAME("%s", "text");
    SAME("[%10s]", "right");
    SAME("[%-10s]", "left");
    SAME("[%3s]", "longer than width");
    SAME("[%.3s]", "truncated");
    SAME("[%.0s]", "gone");
    SAME("[%8.3s]", "abcdef");
    SAME("[%-8.3s]", "abcdef");
    SAME("[%.*s]", 2, "abcdef");
    SAME("[%.*s]", -1, "abcdef");   /* negative: as if no precision */
    SAME("[%*s]", 6, "ab");
    SAME("[%*s]", -6, "ab");        /* negative width: '-' */
    SAME("[%-*s]", 6, "ab");

    /* The precision is a limit: bytes beyond it are never read. */
    EXPECT("[abc]", "[%.3s]", unterminated);
    EXPECT("[ab]", "[%.2s]", unterminated);

    /*
     * NULL is printed as "(null)", which a precision cuts like any text.
     * (Unchecked: gcc rightly objects to a NULL %s at compile time.)
     */
    CHECK_EQ(k_snprintf_unchecked(got, sizeof(got), "%s", NULL), 6);
    CHECK_STR(got, "(null)");
    k_snprintf_unchecked(got, sizeof(got), "[%8s]", NULL);
    CHECK_STR(got, "[  (null)]");
    k_snprintf_unchecked(got, sizeof(got), "[%-8s]", NULL);
    CHECK_STR(got, "[(null)  ]");
    k_snprintf_unchecked(got, sizeof(got), "[%.3s]", NULL);
    CHECK_STR(got, "[(nu]");

    SAME("%c", 'x');
    SAME("[%3c]", 'y');
    SAME("[%-3c]", 'z');
    SAME("%c%c%c", 'a', 'b', 'c');
    SAME("%c", 0x141);              /* converted to unsigned char: 'A' */

    /* %c of NUL stores a NUL and counts it. */
    {
        char nul[8];
        int n = k_snprintf(nul, sizeof(nul), "a%cb", 0);

        CHECK_EQ(n, 3);
        CHECK(nul[0] == 'a' && nul[1] == '\0' && nul[2] == 'b'
              && nul[3] == '\0');
    }
}

static void test_width_precision_flags(void)
{
    SAME("[%5d]", 42);
    SAME("[%-5d]", 42);
    SAME("[%05d]", 42);
    SAME("[%05d]", -42);
    SAME("[%5.3d]", 7);
    SAME("[%.5d]", -42);
    SAME("[%.0d]", 0);              /* no digits at all */
    SAME("[%5.0d]", 0);
    SAME("[%.0u]", 0u);
    SAME("[%.0x]", 0u);
    SAME("[%.0o]", 0u);
    SAME("[%.0d]", 1);
    SAME("[%.d]", 0);               /* a bare '.' is precision 0 */
    SAME("[%1d]", 12345);           /* width smaller than the number */
    SAME("[%08x]", 0xbeefu);
    SAME("[%-8X]", 0xbeefu);
    SAME("[%.8x]", 0xbeefu);
    SAME("[%012llx]", 0xdeadbeefcafeULL);
    SAME("[%022llo]", ULLONG_MAX);
    SAME("[%025lld]", LLONG_MIN);
    SAME("[%-25lld]", LLONG_MIN);
    SAME("[%.25lld]", LLONG_MIN);
    SAME("[%30.25lld]", LLONG_MIN);
    SAME("[%*d]", 6, 42);
    SAME("[%*d]", -6, 42);
    SAME("[%-*d]", 6, 42);
    SAME("[%0*d]", 6, -42);
    SAME("[%.*d]", 4, 42);
    SAME("[%.*d]", -4, 42);
    SAME("[%*.*d]", 8, 4, -42);
    SAME("[%-*.*d]", 8, 4, -42);
    SAME("[%0d]", 1);
    SAME("[%20u]", UINT_MAX);
    SAME("[%-3u|%3u]", 1u, 2u);
}

/*
 * Valid C that gcc's format checker frowns on, because a flag has no effect
 * or is repeated. The engine must still get them right.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
static void test_redundant_flags(void)
{
    SAME("[%-05d]", -42);           /* '-' wins over '0' */
    SAME("[%0-5d]", -42);
    SAME("[%05.3d]", 7);            /* a precision turns '0' off */
    SAME("[%0*.*d]", 8, 4, -42);
    SAME("[%--5d]", 1);             /* repeated flags */
    SAME("[%005d]", 1);
    SAME("[%05.0d]", 0);
    SAME("[%-0*d]", 4, 3);
}
#pragma GCC diagnostic pop

static void test_bad_formats(void)
{
    char got[64];
    int n;

    /* Unknown conversions are shown as they stand. */
    n = k_snprintf_unchecked(got, sizeof(got), "a%yb");
    CHECK_STR(got, "a%yb");
    CHECK_EQ(n, 4);
    n = k_snprintf_unchecked(got, sizeof(got), "[%-08.3lly]");
    CHECK_STR(got, "[%-08.3lly]");
    CHECK_EQ(n, 11);
    n = k_snprintf_unchecked(got, sizeof(got), "%q%d", 5);
    CHECK_STR(got, "%q5");
    n = k_snprintf_unchecked(got, sizeof(got), "%#x", 5);
    CHECK_STR(got, "%#x");
    n = k_snprintf_unchecked(got, sizeof(got), "[%5%]");
    CHECK_STR(got, "[%]");          /* as glibc: %% takes no width */
    n = k_snprintf_unchecked(got, sizeof(got), "%f");
    CHECK_STR(got, "%f");

    /* A format that ends in '%' or in a specification. */
    n = k_snprintf_unchecked(got, sizeof(got), "100%");
    CHECK_STR(got, "100%");
    CHECK_EQ(n, 4);
    n = k_snprintf_unchecked(got, sizeof(got), "%");
    CHECK_STR(got, "%");
    CHECK_EQ(n, 1);
    n = k_snprintf_unchecked(got, sizeof(got), "x%-05.2ll");
    CHECK_STR(got, "x%-05.2ll");
    CHECK_EQ(n, 9);
    n = k_snprintf_unchecked(got, sizeof(got), "%h");
    CHECK_STR(got, "%h");

    /* Huge widths are capped rather than overflowing an int. */
    n = k_snprintf_unchecked(got, sizeof(got), "%99999999999999999999d", 1);
    CHECK_EQ(n, 65535);
    CHECK_EQ(strlen(got), sizeof(got) - 1);
    n = k_snprintf_unchecked(got, sizeof(got), "%*d", INT_MIN, 1);
    CHECK_EQ(n, 65535);
    CHECK(got[0] == '1' && got[1] == ' ');
    n = k_snprintf_unchecked(got, sizeof(got), "%.99999999999999d", 1);
    CHECK_EQ(n, 65535);
}

/* --- truncation ---------------------------------------------------------- */

#define GUARD 32

static const char *long_format = "%s|%d|%-12s|%08x|%llu|%c|%5.2s|end of it";
#define LONG_ARGS "alpha beta", INT_MIN, "left", 0xc0ffeeu, ULLONG_MAX, \
                  'Q', "xyz"

/*
 * Every size from 0 to past the full length: the return value never
 * changes, the stored text is the longest prefix that fits, it is always
 * terminated, and nothing beyond size is written. Checked two ways: a
 * guard region filled with a pattern, and an exact-size heap block for
 * ASan (NULL when size is 0, which C allows).
 */
static void test_truncation(void)
{
    char full[BUF];
    int len = snprintf(full, sizeof(full), long_format, LONG_ARGS);
    size_t size;
    unsigned int bad_ret = 0, bad_text = 0, bad_guard = 0;

    CHECK_EQ(k_snprintf(full, sizeof(full), long_format, LONG_ARGS), len);

    for ( size = 0; size <= (size_t)len + 3; size++ )
    {
        char area[BUF + GUARD];
        char *heap = size ? malloc(size) : NULL;
        size_t keep = size ? MIN(size - 1, (size_t)len) : 0;
        size_t i;

        memset(area, 0xa5, sizeof(area));
        if ( k_snprintf(area, size, long_format, LONG_ARGS) != len )
            bad_ret++;
        if ( k_snprintf(heap, size, long_format, LONG_ARGS) != len )
            bad_ret++;

        if ( size > 0 )
        {
            if ( memcmp(area, full, keep) != 0 || area[keep] != '\0' )
                bad_text++;
            if ( memcmp(heap, full, keep) != 0 || heap[keep] != '\0' )
                bad_text++;
        }
        for ( i = size; i < size + GUARD; i++ )
        {
            if ( (unsigned char)area[i] != 0xa5 )
                bad_guard++;
        }
        free(heap);
    }
    CHECK_EQ(bad_ret, 0);
    CHECK_EQ(bad_text, 0);
    CHECK_EQ(bad_guard, 0);

    /* Size 0 with a NULL buffer: only the length. */
    CHECK_EQ(k_snprintf(NULL, 0, "%d", 12345), 5);
    /* Size 1: just the NUL. */
    {
        char one[2] = { 'x', 'y' };

        CHECK_EQ(k_snprintf(one, 1, "abc"), 3);
        CHECK(one[0] == '\0' && one[1] == 'y');
    }
}

/* --- the engine and its sink --------------------------------------------- */

struct recording
{
    char text[BUF];
    size_t len;
    unsigned int calls;
    unsigned int empty_calls;
    size_t longest;
};

static void record_sink(void *ctx, const char *s, size_t n)
{
    struct recording *r = ctx;

    r->calls++;
    if ( n == 0 )
        r->empty_calls++;
    r->longest = MAX(r->longest, n);
    if ( r->len + n < sizeof(r->text) )
    {
        memcpy(r->text + r->len, s, n);
        r->len += n;
        r->text[r->len] = '\0';
    }
}

static size_t format_to(struct recording *r, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    memset(r, 0, sizeof(*r));
    va_start(ap, fmt);
    n = vformat(record_sink, r, fmt, ap);
    va_end(ap);
    return n;
}

static void test_vformat_runs(void)
{
    struct recording r;
    size_t n;

    /* Literal text goes out as one run. */
    n = format_to(&r, "hello, world");
    CHECK_EQ(n, 12);
    CHECK_EQ(r.calls, 1);
    CHECK_STR(r.text, "hello, world");

    n = format_to(&r, "");
    CHECK_EQ(n, 0);
    CHECK_EQ(r.calls, 0);

    /* A number is one run of digits (plus its padding). */
    n = format_to(&r, "%llu", ULLONG_MAX);
    CHECK_EQ(n, 20);
    CHECK_EQ(r.calls, 1);

    /* Padding comes in runs, and the sink never sees n == 0. */
    n = format_to(&r, "[%100d][%-100s][%.0d][%s]", 1, "x", 0, "");
    CHECK_EQ(n, 2 + 100 + 2 + 100 + 2 + 2);
    CHECK_EQ(r.empty_calls, 0);
    CHECK(r.calls < 30);
    CHECK(r.longest >= 16);

    n = format_to(&r, "%s=%d (%s)", "answer", 42, "exact");
    CHECK_STR(r.text, "answer=42 (exact)");
    CHECK_EQ(n, strlen("answer=42 (exact)"));
}

/* The engine leaves its va_list usable the way vprintf-style callers expect. */
static int twice(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap, again;
    int n;

    va_start(ap, fmt);
    va_copy(again, ap);
    n = k_vsnprintf(buf, size, fmt, ap);
    n += k_vsnprintf(buf + n, size - (size_t)n, fmt, again);
    va_end(again);
    va_end(ap);
    return n;
}

static void test_va_list(void)
{
    char buf[64];

    CHECK_EQ(twice(buf, sizeof(buf), "%d-%s;", 7, "x"), 8);
    CHECK_STR(buf, "7-x;7-x;");
}

int main(void)
{
    test_plain();
    test_signed();
    test_unsigned();
    test_cut_back();
    test_wide_sweep();
    test_pointer();
    test_strings_and_chars();
    test_width_precision_flags();
    test_redundant_flags();
    test_bad_formats();
    test_truncation();
    test_vformat_runs();
    test_va_list();
    return check_summary("format");
}
