/*
 * test_shell_parse.c: host tests for monitor/shell_parse.c.
 *
 * Each input is copied into a heap block of exactly its size, and argv
 * into one of exactly max_args + 1 pointers, so that AddressSanitizer
 * catches any read or write past either. Results are compared as one
 * string: every word in <>, so that empty words and blanks show.
 *
 * (sprintf, not snprintf: the host-test flags rename snprintf to the
 * kernel's k_snprintf, which this test does not link.)
 */
#include <tinypv/types.h>
#include <monitor/shell_parse.h>
#include "check.h"

#include <limits.h>
#include <stdlib.h>

/* --- shell_split --------------------------------------------------------- */

#define JOINED_SIZE 32768

static char joined[JOINED_SIZE];

static void join_add(const char *s)
{
    size_t used = strlen(joined);

    if ( used + strlen(s) < sizeof(joined) )
        strcpy(joined + used, s);
}

/*
 * Split a copy of `line` with the given max_args. Returns the status; the
 * words, joined, are left in `joined` ("" on error), *argc_out gets argc.
 * Checks the promises every call makes, whatever the input.
 */
static enum shell_split_status split(const char *line, int max_args,
                                     int *argc_out)
{
    size_t size = strlen(line) + 1;
    char *copy = malloc(size);
    size_t slots = (max_args > 0 ? (size_t)max_args : 0) + 1;
    char **argv = malloc(slots * sizeof(*argv));
    enum shell_split_status st;
    int argc = -1, i, inside = 0;

    memcpy(copy, line, size);
    for ( i = 0; i < (int)slots; i++ )
        argv[i] = (char *)"untouched";

    st = shell_split(copy, &argc, argv, max_args);

    joined[0] = '\0';
    CHECK(argc >= 0 && argc <= (max_args > 0 ? max_args : 0));
    CHECK(argv[argc] == NULL);
    if ( st != SPLIT_OK )
        CHECK_EQ(argc, 0);
    for ( i = 0; i < argc; i++ )
    {
        inside += argv[i] >= copy && argv[i] < copy + size;
        join_add("<");
        join_add(argv[i]);
        join_add(">");
    }
    /* Every word lies inside the line it was split from. */
    CHECK(inside == argc);

    *argc_out = argc;
    free(argv);
    free(copy);
    return st;
}

/* A line that must split into these words (joined). */
#define WORDS(line, want)                                                \
    do {                                                                 \
        int argc_;                                                       \
        CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc_), SPLIT_OK);         \
        CHECK_STR(joined, want);                                         \
    } while ( 0 )

#define SPLIT_FAILS(line, max, status)                                   \
    do {                                                                 \
        int argc_;                                                       \
        CHECK_EQ(split(line, max, &argc_), status);                      \
    } while ( 0 )

static void test_split_basic(void)
{
    int argc;

    WORDS("", "");
    WORDS(" ", "");
    WORDS(" \t  \t", "");
    WORDS("ls", "<ls>");
    WORDS("  ls  ", "<ls>");
    WORDS("\tls\t", "<ls>");
    WORDS("echo hello world", "<echo><hello><world>");
    WORDS("a  b\t\tc \t d", "<a><b><c><d>");
    WORDS("peek 0x1000 16", "<peek><0x1000><16>");

    /* Only blanks separate: other characters are part of words. */
    WORDS("a;b c=d 'e f'", "<a;b><c=d><'e><f'>");
    WORDS("a\\ b", "<a\\><b>");
    WORDS("x\ny", "<x\ny>");

    CHECK_EQ(split("one two three", SHELL_MAX_ARGS, &argc), SPLIT_OK);
    CHECK_EQ(argc, 3);

    /* A NULL line is an empty one. */
    {
        char *argv[2] = { (char *)"x", (char *)"y" };
        CHECK_EQ(shell_split(NULL, &argc, argv, 1), SPLIT_OK);
        CHECK_EQ(argc, 0);
        CHECK(argv[0] == NULL);
    }
}

/* n words "w0 w1 ...", then the tail. */
static char *numbered_words(int n, const char *tail)
{
    char *line = malloc((size_t)n * 8 + strlen(tail) + 1);
    size_t len = 0;
    int i;

    line[0] = '\0';
    for ( i = 0; i < n; i++ )
        len += (size_t)sprintf(line + len, "%sw%d", i ? " " : "", i);
    strcpy(line + len, tail);
    return line;
}

static void test_split_limits(void)
{
    char *line;
    int argc;

    /* Exactly SHELL_MAX_ARGS words. */
    line = numbered_words(SHELL_MAX_ARGS, "");
    CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc), SPLIT_OK);
    CHECK_EQ(argc, SHELL_MAX_ARGS);
    CHECK(strncmp(joined, "<w0><w1>", 8) == 0);
    CHECK(strstr(joined, "<w15>") != NULL);
    free(line);

    /* Trailing blanks are not another word. */
    line = numbered_words(SHELL_MAX_ARGS, "  \t ");
    CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc), SPLIT_OK);
    CHECK_EQ(argc, SHELL_MAX_ARGS);
    free(line);

    /* One more. */
    line = numbered_words(SHELL_MAX_ARGS + 1, "");
    CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc), SPLIT_TOO_MANY_WORDS);
    free(line);

    /* An empty quoted word counts as a word. */
    line = numbered_words(SHELL_MAX_ARGS, " \"\"");
    CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc), SPLIT_TOO_MANY_WORDS);
    free(line);

    /* Other limits. */
    SPLIT_FAILS("a", 0, SPLIT_TOO_MANY_WORDS);
    SPLIT_FAILS("a", -3, SPLIT_TOO_MANY_WORDS);
    CHECK_EQ(split("", 0, &argc), SPLIT_OK);
    CHECK_EQ(split("   ", -1, &argc), SPLIT_OK);
    CHECK_EQ(split("a", 1, &argc), SPLIT_OK);
    CHECK_EQ(argc, 1);
    SPLIT_FAILS("a b", 1, SPLIT_TOO_MANY_WORDS);
}

static void test_split_quotes(void)
{
    WORDS("\"hello   world\"", "<hello   world>");
    WORDS("say \"hello   world\" twice", "<say><hello   world><twice>");
    WORDS("\"a\tb\"", "<a\tb>");

    /* Quotes may sit anywhere in a word and join its parts. */
    WORDS("a\"b c\"d", "<ab cd>");
    WORDS("say\" hi \"there", "<say hi there>");
    WORDS("\"a\"\"b\"", "<ab>");
    WORDS("\"a\" \"b\"", "<a><b>");

    /* Empty words. */
    WORDS("\"\"", "<>");
    WORDS("x \"\" y", "<x><><y>");
    WORDS("\"\"\"\"", "<>");
    WORDS("\" \"", "< >");

    /* Escapes inside quotes. */
    WORDS("\"a\\\"b\"", "<a\"b>");
    WORDS("\"a\\\\b\"", "<a\\b>");
    WORDS("\"\\\\\"", "<\\>");
    WORDS("\"\\\"\"", "<\">");
    WORDS("\"\\\\\\\"\"", "<\\\">");
    WORDS("\"C:\\dir\\n\"", "<C:\\dir\\n>");   /* other backslashes stay */

    /* Outside quotes a backslash is an ordinary character. */
    WORDS("a\\b", "<a\\b>");
    WORDS("\\\\", "<\\\\>");
    WORDS("a\\\"b c\"", "<a\\b c>");           /* a\ then a quoted "b c" */
}

static void test_split_unterminated(void)
{
    SPLIT_FAILS("\"", SHELL_MAX_ARGS, SPLIT_UNTERMINATED_QUOTE);
    SPLIT_FAILS("\"abc", SHELL_MAX_ARGS, SPLIT_UNTERMINATED_QUOTE);
    SPLIT_FAILS("echo \"a b", SHELL_MAX_ARGS, SPLIT_UNTERMINATED_QUOTE);
    SPLIT_FAILS("echo a\"b", SHELL_MAX_ARGS, SPLIT_UNTERMINATED_QUOTE);
    SPLIT_FAILS("\"abc\\\"", SHELL_MAX_ARGS, SPLIT_UNTERMINATED_QUOTE);
    SPLIT_FAILS("\"abc\\", SHELL_MAX_ARGS, SPLIT_UNTERMINATED_QUOTE);
    SPLIT_FAILS("\"a\" \"b\" \"", SHELL_MAX_ARGS, SPLIT_UNTERMINATED_QUOTE);
    WORDS("\"abc\\\\\"", "<abc\\>");           /* the quote is not escaped */
}

static void test_split_errors(void)
{
    CHECK_STR(shell_split_error(SPLIT_TOO_MANY_WORDS), "too many words (max 16)");
    CHECK_STR(shell_split_error(SPLIT_UNTERMINATED_QUOTE), "unterminated quote");
    CHECK(shell_split_error(SPLIT_OK) != NULL);
    CHECK(shell_split_error((enum shell_split_status)-99) != NULL);
}

#define BIG 10240

static void test_split_big(void)
{
    char *line = malloc(BIG + 3);
    int argc, i;

    /* 10 KiB of words. */
    for ( i = 0; i < BIG; i++ )
        line[i] = (i % 2) ? ' ' : 'a';
    line[BIG] = '\0';
    CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc), SPLIT_TOO_MANY_WORDS);
    CHECK_EQ(split(line, BIG / 2, &argc), SPLIT_OK);
    CHECK_EQ(argc, BIG / 2);

    /* One 10 KiB word. */
    memset(line, 'w', BIG);
    line[BIG] = '\0';
    CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc), SPLIT_OK);
    CHECK_EQ(argc, 1);
    CHECK_EQ(strlen(joined), BIG + 2);

    /* One 10 KiB quoted word made of escapes: half as long once split. */
    line[0] = '"';
    for ( i = 1; i <= BIG; i++ )
        line[i] = '\\';
    line[BIG + 1] = '"';
    line[BIG + 2] = '\0';
    CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc), SPLIT_OK);
    CHECK_EQ(argc, 1);
    CHECK_EQ(strlen(joined), BIG / 2 + 2);

    /* Without its closing quote, or with it escaped by an odd backslash. */
    line[BIG + 1] = '\0';
    CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc), SPLIT_UNTERMINATED_QUOTE);
    line[BIG] = '"';
    CHECK_EQ(split(line, SHELL_MAX_ARGS, &argc), SPLIT_UNTERMINATED_QUOTE);

    free(line);
}

/* --- shell_next_command -------------------------------------------------- */

/* Every command of a copy of `text`, joined as <c1><c2>... */
static void commands(const char *text)
{
    size_t size = strlen(text) + 1;
    char *copy = malloc(size);
    char *cursor = copy, *cmd;
    int guard = 0;
    bool sane = true;

    memcpy(copy, text, size);
    joined[0] = '\0';
    while ( (cmd = shell_next_command(&cursor)) != NULL && guard++ < 100000 )
    {
        /* Inside the text, and starting with neither a blank nor a ';'. */
        sane = sane && cmd >= copy && cmd < copy + size &&
               *cmd != '\0' && *cmd != ' ' && *cmd != '\t' && *cmd != ';';
        join_add("<");
        join_add(cmd);
        join_add(">");
    }
    CHECK(sane);
    /* Finished for good: the cursor rests on the end. */
    CHECK(*cursor == '\0' && cursor < copy + size);
    CHECK(shell_next_command(&cursor) == NULL);
    free(copy);
}

#define COMMANDS(text, want)                                             \
    do {                                                                 \
        commands(text);                                                  \
        CHECK_STR(joined, want);                                         \
    } while ( 0 )

static void test_commands(void)
{
    char *null_cursor = NULL;

    COMMANDS("", "");
    COMMANDS("   ", "");
    COMMANDS("ls", "<ls>");
    COMMANDS("  ls", "<ls>");
    COMMANDS("a;b", "<a><b>");
    COMMANDS("mem; echo hi ;uptime", "<mem><echo hi ><uptime>");
    COMMANDS("\ta\t;\tb", "<a\t><b>");

    /* Empty commands are skipped. */
    COMMANDS("a;;b", "<a><b>");
    COMMANDS("a; ;\t;b", "<a><b>");
    COMMANDS(";a", "<a>");
    COMMANDS("a;", "<a>");
    COMMANDS("a; ", "<a>");
    COMMANDS(";", "");
    COMMANDS(";;; ; ", "");

    /* A ';' inside quotes does not separate. */
    COMMANDS("echo \"x;y\";z", "<echo \"x;y\"><z>");
    COMMANDS("echo \"a\\\";b\";c", "<echo \"a\\\";b\"><c>");
    COMMANDS("echo \"a\\\\\";b", "<echo \"a\\\\\"><b>");
    COMMANDS("echo a\\\";b\"", "<echo a\\\";b\">");  /* \ is plain outside */
    COMMANDS("say \"\";x", "<say \"\"><x>");

    /* An unterminated quote runs to the end (shell_split reports it). */
    COMMANDS("echo \"a;b", "<echo \"a;b>");
    COMMANDS("a;echo \"b;c", "<a><echo \"b;c>");

    /* No cursor, or no text, means nothing to do. */
    CHECK(shell_next_command(NULL) == NULL);
    CHECK(shell_next_command(&null_cursor) == NULL);
}

/* The two together, as `run=` uses them. */
static void test_script(void)
{
    char text[] = "echo \"one; two\" ; peek 0x10  16;;  halt";
    char *cursor = text, *cmd, *argv[SHELL_MAX_ARGS + 1];
    int argc;

    cmd = shell_next_command(&cursor);
    CHECK_EQ(shell_split(cmd, &argc, argv, SHELL_MAX_ARGS), SPLIT_OK);
    CHECK_EQ(argc, 2);
    CHECK_STR(argv[1], "one; two");

    cmd = shell_next_command(&cursor);
    CHECK_EQ(shell_split(cmd, &argc, argv, SHELL_MAX_ARGS), SPLIT_OK);
    CHECK_EQ(argc, 3);
    CHECK_STR(argv[2], "16");

    cmd = shell_next_command(&cursor);
    CHECK_EQ(shell_split(cmd, &argc, argv, SHELL_MAX_ARGS), SPLIT_OK);
    CHECK_EQ(argc, 1);
    CHECK_STR(argv[0], "halt");

    CHECK(shell_next_command(&cursor) == NULL);
}

static void test_commands_big(void)
{
    char *text = malloc(BIG + 1);
    int i;

    for ( i = 0; i < BIG; i++ )
        text[i] = (i % 2) ? ';' : 'c';
    text[BIG] = '\0';
    commands(text);
    CHECK_EQ(strlen(joined), (size_t)BIG / 2 * 3);

    /* One quoted command full of ';'. */
    text[0] = '"';
    text[BIG - 1] = '"';
    commands(text);
    CHECK_EQ(strlen(joined), (size_t)BIG + 2);
    free(text);
}

/* --- shell_parse_int ----------------------------------------------------- */

#define INT_OK(text, want)                                               \
    do {                                                                 \
        int v_ = 12345;                                                  \
        CHECK_EQ(shell_parse_int(text, &v_), 0);                         \
        CHECK(v_ == (want));                                             \
    } while ( 0 )

/* A failure leaves *out alone. */
#define INT_BAD(text)                                                    \
    do {                                                                 \
        int v_ = 12345;                                                  \
        CHECK(shell_parse_int(text, &v_) == -1);                         \
        CHECK(v_ == 12345);                                              \
    } while ( 0 )

static void test_parse_int(void)
{
    char buf[32];

    INT_OK("0", 0);
    INT_OK("-0", 0);
    INT_OK("7", 7);
    INT_OK("42", 42);
    INT_OK("-42", -42);
    INT_OK("007", 7);
    INT_OK("-007", -7);
    INT_OK("000000000000000000000000000042", 42);
    INT_OK("2147483647", INT_MAX);
    INT_OK("-2147483647", -INT_MAX);
    INT_OK("-2147483648", INT_MIN);
    INT_OK("2147483646", INT_MAX - 1);
    INT_OK("-2147483640", INT_MIN + 8);
    INT_OK("214748364", INT_MAX / 10);

    /* Overflow, near and far. */
    INT_BAD("2147483648");
    INT_BAD("2147483650");
    INT_BAD("-2147483649");
    INT_BAD("-2147483650");
    INT_BAD("4294967295");
    INT_BAD("4294967296");      /* 2^32: would wrap to 0 in 32 bits */
    INT_BAD("4294967338");      /* 2^32 + 42 */
    INT_BAD("-4294967296");
    INT_BAD("21474836470");
    INT_BAD("99999999999999999999999999");

    /* Not a number, or not only a number. */
    INT_BAD("");
    INT_BAD("-");
    INT_BAD("--1");
    INT_BAD("+1");
    INT_BAD("12x");
    INT_BAD("x12");
    INT_BAD(" 1");
    INT_BAD("1 ");
    INT_BAD("1\t");
    INT_BAD("0x10");
    INT_BAD("1-");
    INT_BAD("1.5");
    INT_BAD("\xb1");
    INT_BAD(NULL);

    /* Every value printed by libc reads back, around both ends. */
    {
        long long v;
        unsigned int ok = 0, total = 0;

        for ( v = INT_MIN; v < (long long)INT_MIN + 1000; v++, total++ )
        {
            int got;
            sprintf(buf, "%lld", v);
            ok += shell_parse_int(buf, &got) == 0 && got == v;
        }
        for ( v = -100000; v <= 100000; v++, total++ )
        {
            int got;
            sprintf(buf, "%lld", v);
            ok += shell_parse_int(buf, &got) == 0 && got == v;
        }
        for ( v = (long long)INT_MAX - 1000; v <= INT_MAX; v++, total++ )
        {
            int got;
            sprintf(buf, "%lld", v);
            ok += shell_parse_int(buf, &got) == 0 && got == v;
        }
        CHECK_EQ(ok, total);

        for ( v = 1; v <= 1000; v++ )
        {
            int got;
            sprintf(buf, "%lld", (long long)INT_MAX + v);
            total += shell_parse_int(buf, &got) == -1;
            sprintf(buf, "%lld", (long long)INT_MIN - v);
            total += shell_parse_int(buf, &got) == -1;
        }
        CHECK_EQ(total - ok, 2000);
    }
}

/* Durations for `sleep`: seconds with an optional fraction. */
/* Addresses: in a heap block of exactly their size, so an overread shows. */
static int parse_address(const char *text, uint32_t *out)
{
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);
    int rc;

    memcpy(copy, text, n);
    rc = shell_parse_address(copy, out);
    free(copy);
    return rc;
}

#define ADDR_OK(text, want)                                              \
    do {                                                                 \
        uint32_t a_ = 12345;                                             \
        CHECK_EQ(parse_address(text, &a_), 0);                           \
        CHECK_EQ(a_, (want));                                            \
    } while ( 0 )

#define ADDR_BAD(text)                                                   \
    do {                                                                 \
        uint32_t a_ = 12345;                                             \
        CHECK(parse_address(text, &a_) == -1);                           \
        CHECK_EQ(a_, 12345);                                             \
    } while ( 0 )

static void test_parse_address(void)
{
    ADDR_OK("0", 0);
    ADDR_OK("0x0", 0);
    ADDR_OK("0xc003c000", 0xc003c000u);
    ADDR_OK("0XC003C000", 0xc003c000u);
    ADDR_OK("0xfeffc000", 0xfeffc000u);
    ADDR_OK("0xffffffff", 0xffffffffu);
    ADDR_OK("0x00000000000000000000c0001000", 0xc0001000u);
    ADDR_OK("4294967295", 0xffffffffu);
    ADDR_OK("3221225472", 0xc0000000u);
    ADDR_OK("017", 17);                 /* decimal, not octal */

    ADDR_BAD("");
    ADDR_BAD("0x");
    ADDR_BAD("0x100000000");            /* 2^32 */
    ADDR_BAD("4294967296");
    ADDR_BAD("99999999999999999999999");
    ADDR_BAD("0xfffffffffffffffff");
    ADDR_BAD("c0001000");               /* hex needs its 0x */
    ADDR_BAD("0xc000 1000");
    ADDR_BAD(" 0xc0001000");
    ADDR_BAD("0xc0001000 ");
    ADDR_BAD("-1");
    ADDR_BAD("+5");
    ADDR_BAD("0xg");
    ADDR_BAD("12a");
    ADDR_BAD("xyz");
    CHECK(shell_parse_address(NULL, NULL) == -1);
}

static void test_parse_duration(void)
{
    static const struct { const char *text; uint64_t ns; } good[] = {
        { "0", 0 }, { "2", 2000000000ULL }, { "0.5", 500000000ULL },
        { "1.25", 1250000000ULL }, { ".1", 100000000ULL }, { "3.", 3000000000ULL },
        { "0.000000001", 1 }, { "86400", 86400000000000ULL },
        { "007", 7000000000ULL },
    };
    static const char *const bad[] = {
        "", ".", "-1", "+1", "1e3", "1.2.3", " 1", "1 ", "abc",
        "0.0000000001", "86401", "86400.5", "99999999999999999999",
    };
    uint64_t ns;

    for ( size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++ )
    {
        ns = 12345;
        CHECK(shell_parse_duration(good[i].text, &ns) == 0);
        CHECK_EQ(ns, good[i].ns);
    }
    for ( size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        ns = 12345;
        CHECK(shell_parse_duration(bad[i], &ns) == -1);
        CHECK_EQ(ns, 12345);
    }
    CHECK(shell_parse_duration(NULL, &ns) == -1);
}

int main(void)
{
    test_split_basic();
    test_split_limits();
    test_split_quotes();
    test_split_unterminated();
    test_split_errors();
    test_split_big();
    test_commands();
    test_script();
    test_commands_big();
    test_parse_int();
    test_parse_duration();
    test_parse_address();
    return check_summary("shell_parse");
}
