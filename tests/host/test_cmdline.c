/*
 * test_cmdline.c: host tests for lib/cmdline.c.
 *
 * The callback records every option as "key" or "key=<value>" into one
 * string, options separated by '|', so that each test compares the whole
 * outcome of a parse with one line. The <> make an empty value visible and
 * tell it apart from a bare key.
 */
#include <tinypv/types.h>
#include <lib/cmdline.h>
#include "check.h"

#include <stdlib.h>

/*
 * Room for the longest value plus the key and the markup, since
 * one test delivers a value of CMDLINE_VALUE_MAX - 1 bytes.
 */
#define LOG_SIZE    (CMDLINE_VALUE_MAX + 256)

struct log
{
    char text[LOG_SIZE];
    unsigned int options;
};

static void log_add(struct log *l, const char *s)
{
    size_t used = strlen(l->text);

    if ( used + strlen(s) < sizeof(l->text) )
        strcpy(l->text + used, s);
}

static void record(void *ctx, const char *key, const char *value)
{
    struct log *l = ctx;

    if ( l->options++ > 0 )
        log_add(l, "|");
    log_add(l, key);
    if ( value != NULL )
    {
        log_add(l, "=<");
        log_add(l, value);
        log_add(l, ">");
    }
}

/* Parse a C string; return the status, the log in *l, the message in *why. */
static int parse(const char *line, struct log *l, const char **why)
{
    memset(l, 0, sizeof(*l));
    *why = "untouched";
    return cmdline_parse(line, strlen(line), record, l, why);
}

/* A line that must parse, with the options it must give. */
#define GOOD(line, want)                                                 \
    do {                                                                 \
        struct log l_;                                                   \
        const char *why_;                                                \
        CHECK_EQ(parse(line, &l_, &why_), 0);                            \
        CHECK_STR(l_.text, want);                                        \
        CHECK(why_ == NULL);                                             \
    } while ( 0 )

/* A line that must fail, after delivering the options before the fault. */
#define BAD(line, want)                                                  \
    do {                                                                 \
        struct log l_;                                                   \
        const char *why_;                                                \
        CHECK(parse(line, &l_, &why_) < 0);                              \
        CHECK_STR(l_.text, want);                                        \
        CHECK(why_ != NULL && strcmp(why_, "untouched") != 0);           \
    } while ( 0 )

static void test_simple(void)
{
    GOOD("", "");
    GOOD(" ", "");
    GOOD(" \t  \t", "");
    GOOD("quiet", "quiet");
    GOOD("  quiet  ", "quiet");
    GOOD("a b\tc", "a|b|c");
    GOOD("burst=262144", "burst=<262144>");
    GOOD("burst=262144 quiet", "burst=<262144>|quiet");
    GOOD("\tx=1\t\ty=2 ", "x=<1>|y=<2>");
    GOOD("empty=", "empty=<>");
    GOOD("empty= next", "empty=<>|next");
    GOOD("a=b=c", "a=<b=c>");                   /* only the first '=' */
    GOOD("v=a\"b", "v=<a\"b>");                 /* a quote inside is plain */
    GOOD("v=a\\b", "v=<a\\b>");
    GOOD("k\"ey=1", "k\"ey=<1>");
}

static void test_quoted(void)
{
    GOOD("run=\"info; stats; poweroff\"", "run=<info; stats; poweroff>");
    GOOD("burst=262144 run=\"info; stats; poweroff\" quiet",
         "burst=<262144>|run=<info; stats; poweroff>|quiet");
    GOOD("q=\"\"", "q=<>");
    GOOD("q=\"\" r", "q=<>|r");
    GOOD("q=\" \t \"", "q=< \t >");
    GOOD("q=\"say \\\"hi\\\"\"", "q=<say \"hi\">");
    GOOD("q=\"back\\\\slash\"", "q=<back\\slash>");
    GOOD("q=\"\\\\\"", "q=<\\>");
    GOOD("q=\"C:\\dir\"", "q=<C:\\dir>");       /* other escapes kept */
    GOOD("q=\"a=b c\"", "q=<a=b c>");
    GOOD("q=\"x\"\ty", "q=<x>|y");
}

static void test_errors(void)
{
    BAD("a=1 q=\"open", "a=<1>");
    BAD("a q=\"", "a");
    BAD("q=\"ends in backslash\\", "");
    BAD("q=\"escaped close\\\"", "");
    BAD("a=1 =2", "a=<1>");                      /* no key */
    BAD("=", "");
    BAD("ok q=\"x\"y", "ok");                    /* text after the quote */
}

/* Build "k=v" lines with a key and a value of given lengths. */
static char *make_option(size_t key_len, size_t value_len, bool quoted)
{
    char *s = malloc(key_len + value_len + 16);
    char *p = s;

    memcpy(p, "ok ", 3);
    p += 3;
    memset(p, 'k', key_len);
    p += key_len;
    if ( value_len > 0 || quoted )
    {
        *p++ = '=';
        if ( quoted )
            *p++ = '"';
        memset(p, 'v', value_len);
        p += value_len;
        if ( quoted )
            *p++ = '"';
    }
    *p = '\0';
    return s;
}

static void test_lengths(void)
{
    struct log l;
    const char *why;
    char *line;

    /* The longest key that fits: CMDLINE_KEY_MAX - 1 bytes. */
    line = make_option(CMDLINE_KEY_MAX - 1, 0, false);
    CHECK_EQ(parse(line, &l, &why), 0);
    CHECK_EQ(l.options, 2);
    CHECK_EQ(strlen(l.text), 3 + CMDLINE_KEY_MAX - 1);
    free(line);

    /* One more is an error, and the option before it was delivered. */
    line = make_option(CMDLINE_KEY_MAX, 0, false);
    CHECK(parse(line, &l, &why) < 0);
    CHECK_STR(l.text, "ok");
    CHECK(why != NULL);
    free(line);

    /* A very long key, far beyond the buffer. */
    line = make_option(10000, 5, false);
    CHECK(parse(line, &l, &why) < 0);
    CHECK_STR(l.text, "ok");
    free(line);

    /* The longest value that fits, bare and quoted; then one more. */
    line = make_option(1, CMDLINE_VALUE_MAX - 1, false);
    CHECK_EQ(parse(line, &l, &why), 0);
    CHECK_EQ(l.options, 2);
    CHECK_EQ(strlen(l.text), 3 + 1 + 2 + CMDLINE_VALUE_MAX - 1 + 1);
    free(line);

    line = make_option(1, CMDLINE_VALUE_MAX - 1, true);
    CHECK_EQ(parse(line, &l, &why), 0);
    CHECK_EQ(l.options, 2);
    free(line);

    line = make_option(1, CMDLINE_VALUE_MAX, false);
    CHECK(parse(line, &l, &why) < 0);
    CHECK_STR(l.text, "ok");
    free(line);

    line = make_option(1, CMDLINE_VALUE_MAX, true);
    CHECK(parse(line, &l, &why) < 0);
    CHECK_STR(l.text, "ok");
    free(line);

    line = make_option(1, 50000, true);
    CHECK(parse(line, &l, &why) < 0);
    CHECK_STR(l.text, "ok");
    free(line);
}

/*
 * max: the parser must stop there as if the line ended. The line is copied
 * to a heap block of exactly max bytes with no NUL, so ASan would report
 * any read past it.
 */
static int parse_bounded(const char *line, size_t max, struct log *l,
                         const char **why)
{
    char *copy = malloc(max ? max : 1);
    int rc;

    memcpy(copy, line, max);
    memset(l, 0, sizeof(*l));
    rc = cmdline_parse(copy, max, record, l, why);
    free(copy);
    return rc;
}

static void test_max(void)
{
    const char *line = "alpha=1 beta=\"two words\" gamma";
    struct log l;
    const char *why;

    CHECK_EQ(parse_bounded(line, strlen(line), &l, &why), 0);
    CHECK_STR(l.text, "alpha=<1>|beta=<two words>|gamma");
    CHECK_EQ(parse_bounded(line, 0, &l, &why), 0);
    CHECK_STR(l.text, "");
    CHECK_EQ(parse_bounded(line, 3, &l, &why), 0);
    CHECK_STR(l.text, "alp");
    CHECK_EQ(parse_bounded(line, 7, &l, &why), 0);
    CHECK_STR(l.text, "alpha=<1>");
    CHECK_EQ(parse_bounded(line, 6, &l, &why), 0);
    CHECK_STR(l.text, "alpha=<>");
    CHECK_EQ(parse_bounded(line, 28, &l, &why), 0);
    CHECK_STR(l.text, "alpha=<1>|beta=<two words>|gam");
    /* Cut inside the quotes: unterminated. */
    CHECK(parse_bounded(line, 20, &l, &why) < 0);
    CHECK_STR(l.text, "alpha=<1>");

    /*
     * Every cut: no read past max (ASan watches), and a cut at max parses
     * exactly as the same prefix ended by a NUL does.
     */
    {
        size_t max;
        unsigned int same = 0;

        for ( max = 0; max <= strlen(line); max++ )
        {
            char *prefix = strndup(line, max);
            struct log want;
            int want_rc, rc;

            memset(&want, 0, sizeof(want));
            want_rc = cmdline_parse(prefix, max + 1, record, &want, NULL);
            rc = parse_bounded(line, max, &l, &why);
            free(prefix);
            same += rc == want_rc && strcmp(l.text, want.text) == 0;
        }
        CHECK_EQ(same, strlen(line) + 1);
    }

    /* A NUL inside ends the line even when max goes further. */
    {
        static const char with_nul[] = "a=1 b\0c=3";
        struct log l2;

        memset(&l2, 0, sizeof(l2));
        CHECK_EQ(cmdline_parse(with_nul, sizeof(with_nul), record, &l2, NULL),
                 0);
        CHECK_STR(l2.text, "a=<1>|b");

        memset(&l2, 0, sizeof(l2));
        CHECK(cmdline_parse("q=\"a\0b\"", 7, record, &l2, NULL) < 0);
        CHECK_STR(l2.text, "");
    }

    /* A NULL line is an empty one; a NULL error pointer is allowed. */
    CHECK_EQ(cmdline_parse(NULL, 100, record, &l, NULL), 0);
}

static void test_parse_size(void)
{
    uint32_t v;

    v = 7;
    CHECK_EQ(parse_size("0", &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(parse_size("262144", &v), 0);
    CHECK_EQ(v, 262144);
    CHECK_EQ(parse_size("007", &v), 0);
    CHECK_EQ(v, 7);
    CHECK_EQ(parse_size("4K", &v), 0);
    CHECK_EQ(v, 4096);
    CHECK_EQ(parse_size("4k", &v), 0);
    CHECK_EQ(v, 4096);
    CHECK_EQ(parse_size("3M", &v), 0);
    CHECK_EQ(v, 3u << 20);
    CHECK_EQ(parse_size("2G", &v), 0);
    CHECK_EQ(v, 2u << 30);
    CHECK_EQ(parse_size("3G", &v), 0);
    CHECK_EQ(v, 3u << 30);
    CHECK_EQ(parse_size("0G", &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(parse_size("4294967295", &v), 0);
    CHECK_EQ(v, 4294967295u);
    CHECK_EQ(parse_size("4194303K", &v), 0);
    CHECK_EQ(v, 4194303u << 10);

    /* Failures leave *out alone. */
    v = 12345;
    CHECK(parse_size("", &v) < 0);
    CHECK(parse_size("K", &v) < 0);
    CHECK(parse_size("abc", &v) < 0);
    CHECK(parse_size("12x", &v) < 0);
    CHECK(parse_size("12KB", &v) < 0);
    CHECK(parse_size("12 ", &v) < 0);
    CHECK(parse_size(" 12", &v) < 0);
    CHECK(parse_size("+12", &v) < 0);
    CHECK(parse_size("-1", &v) < 0);
    CHECK(parse_size("1.5M", &v) < 0);
    CHECK(parse_size("0x10", &v) < 0);
    CHECK(parse_size("4294967296", &v) < 0);        /* 2^32 */
    CHECK(parse_size("4294967300", &v) < 0);
    CHECK(parse_size("99999999999999999999", &v) < 0);
    CHECK(parse_size("4194304K", &v) < 0);          /* exactly 2^32 */
    CHECK(parse_size("4096M", &v) < 0);
    CHECK(parse_size("4G", &v) < 0);
    CHECK(parse_size(NULL, &v) < 0);
    CHECK_EQ(v, 12345);
}

int main(void)
{
    test_simple();
    test_quoted();
    test_errors();
    test_lengths();
    test_max();
    test_parse_size();
    return check_summary("cmdline");
}
