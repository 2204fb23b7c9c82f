/*
 * test_line_editor.c: host tests for monitor/line_editor.c.
 *
 * Most tests feed a string of keys to a fresh editor and compare two
 * things with one line each:
 *
 *   - the transcript: every result other than LINE_EDITING, in order, as
 *     "R<text>|" (ready), "T<text>|" (too long) or "C|" (cancelled);
 *   - the echo: every byte the editor asked to show, concatenated.
 *
 * The random soak at the end also keeps a model of the screen, built only
 * from the echo, and checks that it always shows exactly ed->line.
 */
#include <tinypv/types.h>
#include <monitor/line_editor.h>
#include "check.h"

#include <stdlib.h>

/* --- recording ----------------------------------------------------------- */

#define LOG_SIZE    (32 * LINE_EDITOR_MAX + 256)

struct log
{
    char echo[LOG_SIZE];
    size_t echo_len;
    char transcript[LOG_SIZE];
    unsigned int bad_calls;     /* echo calls with NULL or n == 0 */
    bool truncated;             /* a test outgrew the buffers */
};

static struct line_editor ed;
static struct log out;

static void append(char *buf, size_t *len, const char *s, size_t n)
{
    if ( *len + n >= LOG_SIZE )
    {
        out.truncated = true;
        return;
    }
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

static void record_echo(void *ctx, const char *s, size_t n)
{
    struct log *l = ctx;

    if ( s == NULL || n == 0 )
    {
        l->bad_calls++;
        return;
    }
    append(l->echo, &l->echo_len, s, n);
}

static void note_result(enum line_status st)
{
    size_t len = strlen(out.transcript);

    switch ( st )
    {
    case LINE_EDITING:
        return;
    case LINE_READY:
        append(out.transcript, &len, "R", 1);
        append(out.transcript, &len, ed.line, ed.len);
        break;
    case LINE_TOO_LONG:
        append(out.transcript, &len, "T", 1);
        append(out.transcript, &len, ed.line, ed.len);
        break;
    case LINE_CANCELLED:
        append(out.transcript, &len, "C", 1);
        break;
    }
    append(out.transcript, &len, "|", 1);
}

static void fresh(void)
{
    memset(&out, 0, sizeof(out));
    memset(&ed, 0xa5, sizeof(ed));     /* init must not rely on a clean struct */
    line_editor_init(&ed, record_echo, &out);
}

/* Feed n bytes; return the result of the last one. */
static enum line_status feed(const char *s, size_t n)
{
    enum line_status st = LINE_EDITING;

    while ( n-- > 0 )
    {
        st = line_editor_feed(&ed, (uint8_t)*s++);
        note_result(st);
    }
    return st;
}

static enum line_status feed_str(const char *s)
{
    return feed(s, strlen(s));
}

/* A whole scenario on a fresh editor: its transcript and its echo. */
#define RUN(keys, want_transcript, want_echo)                            \
    do {                                                                 \
        fresh();                                                         \
        feed(keys, sizeof(keys) - 1);                                    \
        CHECK_STR(out.transcript, want_transcript);                      \
        CHECK_STR(out.echo, want_echo);                                  \
        CHECK(!out.truncated && out.bad_calls == 0);                     \
    } while ( 0 )

/* --- single keys --------------------------------------------------------- */

static void test_init(void)
{
    fresh();
    CHECK_EQ(ed.len, 0);
    CHECK_STR(ed.line, "");
    CHECK(!ed.overflowed && !ed.after_cr);
    CHECK_EQ(out.echo_len, 0);
}

/* Every printable byte is stored and echoes itself. */
static void test_printable(void)
{
    unsigned int c;
    unsigned int stored = 0, echoed = 0, ready = 0;

    for ( c = 0x20; c <= 0x7e; c++ )
    {
        char want[2] = { (char)c, '\0' };

        fresh();
        if ( line_editor_feed(&ed, (uint8_t)c) == LINE_EDITING &&
             ed.len == 1 && strcmp(ed.line, want) == 0 )
            stored++;
        if ( strcmp(out.echo, want) == 0 )
            echoed++;
        if ( line_editor_feed(&ed, '\r') == LINE_READY &&
             strcmp(ed.line, want) == 0 )
            ready++;
    }
    CHECK_EQ(stored, 0x7f - 0x20);
    CHECK_EQ(echoed, 0x7f - 0x20);
    CHECK_EQ(ready, 0x7f - 0x20);
}

/*
 * Every other byte, fed on its own after "ab": what it must return, leave
 * in the line and echo. Then "z" and Enter show that the editor is in a
 * sane state afterwards (for ESC, the z is the byte after a lone ESC, and
 * is typed).
 */
static void expect_key(unsigned int c, enum line_status *st, const char **line,
                       const char **echo, const char **after)
{
    *st = LINE_EDITING;
    *line = "ab";
    *echo = "";
    *after = "Rabz|";

    switch ( c )
    {
    case 0x03:
        *st = LINE_CANCELLED, *line = "", *echo = "^C\n", *after = "Rz|";
        break;
    case 0x08:
    case 0x7f:
        *line = "a", *echo = "\b \b", *after = "Raz|";
        break;
    case 0x09:
        *line = "ab ", *echo = " ", *after = "Rab z|";
        break;
    case 0x0a:
    case 0x0d:
        *st = LINE_READY, *echo = "\n", *after = "Rz|";
        break;
    case 0x15:
        *line = "", *echo = "\b \b\b \b", *after = "Rz|";
        break;
    }
}

static void test_one_key(unsigned int c)
{
    enum line_status want_st, st;
    const char *want_line, *want_echo, *want_after;
    size_t echo_before;

    expect_key(c, &want_st, &want_line, &want_echo, &want_after);

    fresh();
    feed_str("ab");
    echo_before = out.echo_len;
    st = line_editor_feed(&ed, (uint8_t)c);
    if ( st != want_st || strcmp(ed.line, want_line) != 0 ||
         strcmp(out.echo + echo_before, want_echo) != 0 ||
         ed.len != strlen(ed.line) )
    {
        fprintf(stderr, "key 0x%02x: status %d line \"%s\"\n", c, st, ed.line);
        CHECK(!"key handled as specified");
        return;
    }

    /* The transcript of the whole run, "ab" key "z" Enter. */
    out.transcript[0] = '\0';
    feed_str("z\r");
    if ( strcmp(out.transcript, want_after) != 0 )
    {
        fprintf(stderr, "key 0x%02x: then \"z\\r\" gave \"%s\", want \"%s\"\n",
                c, out.transcript, want_after);
        CHECK(!"editor sane after the key");
        return;
    }
    CHECK(true);
}

static void test_control_bytes(void)
{
    unsigned int c;

    for ( c = 0x00; c <= 0x1f; c++ )
        test_one_key(c);
    for ( c = 0x7f; c <= 0xff; c++ )
        test_one_key(c);
}

/* Keys that change nothing on an empty line echo nothing either. */
static void test_keys_on_empty_line(void)
{
    RUN("\b\x7f\x15", "", "");
    RUN("\b\x7f\x15x\r", "Rx|", "x\n");
    RUN("\x03", "C|", "^C\n");
}

/* --- editing ------------------------------------------------------------- */

static void test_editing(void)
{
    /* Backspace past the start of the line. */
    RUN("ab\b\b\b\bc\r", "Rc|", "ab\b \b\b \bc\n");
    RUN("ab\x7f\x7f\x7f\x7f" "cd\r", "Rcd|", "ab\b \b\b \bcd\n");
    RUN("hello\bp\b\b\r", "Rhel|", "hello\b \bp\b \b\b \b\n");

    /* ^U then typing. */
    RUN("abc\x15xy\r", "Rxy|", "abc\b \b\b \b\b \bxy\n");
    RUN("abc\x15\x15xy\x15z\r", "Rz|", "abc\b \b\b \b\b \bxy\b \b\b \bz\n");

    /* ^C in the middle of a line, then a new line. */
    RUN("abc\x03" "def\r", "C|Rdef|", "abc^C\ndef\n");
    RUN("a\x03\x03\r", "C|C|R|", "a^C\n^C\n\n");

    /* Tabs become spaces. */
    RUN("a\tb\t\r", "Ra b |", "a b \n");

    /* Other control bytes and high bytes are not stored or echoed. */
    RUN("a\x01\x02\x07\x80\xc3\xa9\xffz\r", "Raz|", "az\n");
}

/* After a line ends, it stays readable until the next byte. */
static void test_line_lifetime(void)
{
    fresh();
    CHECK_EQ(feed_str("hello\r"), LINE_READY);
    CHECK_STR(ed.line, "hello");
    CHECK_EQ(ed.len, 5);
    CHECK_EQ(feed_str("\n"), LINE_EDITING);    /* the LF of CR LF */
    CHECK_STR(ed.line, "");
    CHECK_EQ(ed.len, 0);

    fresh();
    CHECK_EQ(feed_str("abc\n"), LINE_READY);
    CHECK_STR(ed.line, "abc");
    CHECK_EQ(feed_str("x"), LINE_EDITING);
    CHECK_STR(ed.line, "x");

    fresh();
    CHECK_EQ(feed_str("abc\x03"), LINE_CANCELLED);
    CHECK_EQ(ed.len, 0);
    CHECK_STR(ed.line, "");
}

/* --- line ends ----------------------------------------------------------- */

static void test_line_ends(void)
{
    RUN("\r", "R|", "\n");
    RUN("\n", "R|", "\n");
    RUN("a\r", "Ra|", "a\n");
    RUN("a\n", "Ra|", "a\n");
    RUN("a\r\n", "Ra|", "a\n");
    RUN("a\r\nb\r\n", "Ra|Rb|", "a\nb\n");
    RUN("a\rb\nc\r\nd\n", "Ra|Rb|Rc|Rd|", "a\nb\nc\nd\n");

    /* LF CR, CR CR, LF LF: two line ends each. */
    RUN("a\n\r", "Ra|R|", "a\n\n");
    RUN("a\r\r", "Ra|R|", "a\n\n");
    RUN("a\n\n", "Ra|R|", "a\n\n");

    /* Only the LF right after a CR is eaten. */
    RUN("a\r\n\n", "Ra|R|", "a\n\n");
    RUN("a\r\r\n", "Ra|R|", "a\n\n");
    RUN("a\rb\n", "Ra|Rb|", "a\nb\n");
    RUN("a\r\x01\n", "Ra|R|", "a\n\n");     /* an ignored byte still counts */
    RUN("a\r\x1b\n", "Ra|R|", "a\n\n");

    /* A line of blanks is a line. */
    RUN("   \r", "R   |", "   \n");
}

/* --- escape sequences ---------------------------------------------------- */

static void test_escapes(void)
{
    /* Arrow keys, in and around text. */
    RUN("\x1b[Aab\x1b[Bc\x1b[C\x1b[Dd\r", "Rabcd|", "abcd\n");
    RUN("ab\x1b[A\x1b[A\r", "Rab|", "ab\n");

    /* With parameters and intermediates. */
    RUN("a\x1b[1;5Cb\r", "Rab|", "ab\n");             /* Ctrl-Right */
    RUN("a\x1b[3~b\r", "Rab|", "ab\n");               /* Delete */
    RUN("a\x1b[200~b\x1b[201~c\r", "Rabc|", "abc\n"); /* bracketed paste */
    RUN("a\x1b[ qb\r", "Rab|", "ab\n");               /* an intermediate */
    RUN("a\x1b[?25hb\r", "Rab|", "ab\n");
    RUN("a\x1b[\x7e" "b\r", "Rab|", "ab\n");          /* final 0x7e */
    RUN("a\x1b[\x40" "b\r", "Rab|", "ab\n");          /* final 0x40 */

    /* SS3: F1-F4 and keypad keys on many terminals. */
    RUN("a\x1bOPb\x1bOSc\r", "Rabc|", "abc\n");
    RUN("a\x1bO2Pb\r", "Rab|", "ab\n");
    RUN("a\x1bOAb\r", "Rab|", "ab\n");

    /* The Linux console's F1-F5. */
    RUN("a\x1b[[Ab\x1b[[Ec\r", "Rabc|", "abc\n");

    /* A lone ESC is dropped and the next byte is a key. */
    RUN("a\x1bxb\r", "Raxb|", "axb\n");
    RUN("a\x1b\r", "Ra|", "a\n");
    RUN("a\x1b\x03", "C|", "a^C\n");
    RUN("ab\x1b\x7f\r", "Ra|", "ab\b \b\n");
    RUN("a\x1b\x1b[Ab\r", "Rab|", "ab\n");            /* ESC ESC [ A */
    RUN("a\x1b\x1b\x1bxb\r", "Raxb|", "axb\n");

    /* Bytes that do not belong abandon a sequence and count as keys. */
    RUN("a\x1b[1\rb\r", "Ra|Rb|", "a\nb\n");
    RUN("a\x1b[12\x03" "b\r", "C|Rb|", "a^C\nb\n");
    RUN("ab\x1b[\x08" "c\r", "Rac|", "ab\b \bc\n");
    RUN("a\x1b[\x80Z\r", "RaZ|", "aZ\n");
    RUN("a\x1bO\rb\r", "Ra|Rb|", "a\nb\n");
    RUN("a\x1b[[\rb\r", "Ra|Rb|", "a\nb\n");

    /* A sequence does not survive the end of its line. */
    RUN("a\x1b\r[A\r", "Ra|R[A|", "a\n[A\n");
    RUN("a\x1b[\x03" "A\r", "C|RA|", "a^C\nA\n");
}

/* --- long lines ---------------------------------------------------------- */

/* n copies of a letter pattern, then the given tail. */
static size_t make_line(char *buf, size_t n, const char *tail)
{
    size_t i;

    for ( i = 0; i < n; i++ )
        buf[i] = (char)('a' + i % 26);
    strcpy(buf + n, tail);
    return n + strlen(tail);
}

static void test_long_lines(void)
{
    static char keys[10 * LINE_EDITOR_MAX + 64];
    static char want[LINE_EDITOR_MAX + 64];
    size_t n;

    make_line(want, LINE_EDITOR_MAX, "");

    /* Exactly full: accepted. */
    fresh();
    n = make_line(keys, LINE_EDITOR_MAX, "\r");
    CHECK_EQ(feed(keys, n), LINE_READY);
    CHECK_EQ(ed.len, LINE_EDITOR_MAX);
    CHECK_STR(ed.line, want);
    CHECK(!ed.overflowed);
    CHECK_EQ(out.echo_len, LINE_EDITOR_MAX + 1);

    /* One more: refused, the text kept, the excess not echoed. */
    fresh();
    n = make_line(keys, LINE_EDITOR_MAX + 1, "\r");
    CHECK_EQ(feed(keys, n), LINE_TOO_LONG);
    CHECK_EQ(ed.len, LINE_EDITOR_MAX);
    CHECK_STR(ed.line, want);
    CHECK_EQ(out.echo_len, LINE_EDITOR_MAX + 1);
    CHECK(memcmp(out.echo, want, LINE_EDITOR_MAX) == 0);
    CHECK(out.echo[LINE_EDITOR_MAX] == '\n');

    /* And the next line is normal again. */
    CHECK_EQ(feed_str("\nok\r"), LINE_READY);
    CHECK_STR(ed.line, "ok");

    /* Ten times too long. */
    fresh();
    n = make_line(keys, 10 * LINE_EDITOR_MAX, "\r\n");
    CHECK_EQ(feed(keys, n), LINE_EDITING);         /* the eaten LF */
    CHECK(strncmp(out.transcript, "T", 1) == 0);
    CHECK_EQ(strlen(out.transcript), 1 + LINE_EDITOR_MAX + 1);
    CHECK(memcmp(out.transcript + 1, want, LINE_EDITOR_MAX) == 0);
    CHECK_EQ(out.echo_len, LINE_EDITOR_MAX + 1);

    /* A tab on a full line overflows it too. */
    fresh();
    n = make_line(keys, LINE_EDITOR_MAX, "\t\r");
    CHECK_EQ(feed(keys, n), LINE_TOO_LONG);

    /* Backspace after an overflow does not make the line acceptable... */
    fresh();
    n = make_line(keys, LINE_EDITOR_MAX + 5, "\b\b\b\b\b\b\r");
    CHECK_EQ(feed(keys, n), LINE_TOO_LONG);
    CHECK_EQ(ed.len, LINE_EDITOR_MAX - 6);

    /* ...but ^U starts afresh, and ^C abandons the line. */
    fresh();
    n = make_line(keys, LINE_EDITOR_MAX + 5, "\x15ok\r");
    CHECK_EQ(feed(keys, n), LINE_READY);
    CHECK_STR(ed.line, "ok");
    fresh();
    n = make_line(keys, LINE_EDITOR_MAX + 5, "\x03ok\r");
    CHECK_EQ(feed(keys, n), LINE_READY);
    CHECK_STR(out.transcript, "C|Rok|");
}

/* --- echo, byte for byte ------------------------------------------------- */

static void test_echo_stream(void)
{
    static const char erase3[] = "\b \b\b \b\b \b";

    fresh();
    feed_str("ls\r\n");
    CHECK_EQ(out.echo_len, 3);
    CHECK(memcmp(out.echo, "ls\n", 3) == 0);

    fresh();
    feed_str("cat\x15\x1b[Adog\x7f\x7fuck\x03");
    CHECK_STR(out.echo, "cat\b \b\b \b\b \bdog\b \b\b \buck^C\n");

    fresh();
    feed_str("abc\x15");
    CHECK(strcmp(out.echo + 3, erase3) == 0);

    /* A NULL callback echoes nothing and still edits. */
    line_editor_init(&ed, NULL, NULL);
    CHECK_EQ(feed_str("ab\bc\x15xy\x1b[A\r"), LINE_READY);
    CHECK_STR(ed.line, "xy");
}

/* --- random soak --------------------------------------------------------- */

/* xorshift32: a fixed seed makes any failure repeatable. */
static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/*
 * Mostly text, with every kind of key mixed in. Every 5000 bytes the mix
 * switches between short lines and very long ones, so that overflows and
 * edits of full lines happen too.
 */
static uint8_t random_key(bool long_lines)
{
    static const uint8_t specials[] = {
        '\r', '\n', '\b', 0x7f, 0x15, 0x03, '\t', 0x1b, '[', 'O', ';', '1',
    };
    uint32_t r = rng() % 1000;

    if ( long_lines && r < 990 )
        return (uint8_t)(0x20 + rng() % 95);
    if ( r < 650 )
        return (uint8_t)(0x20 + rng() % 95);
    if ( r < 950 )
        return specials[rng() % ARRAY_SIZE(specials)];
    return (uint8_t)rng();              /* anything at all */
}

/* The screen as the echo draws it: one line, and a cursor. */
struct screen
{
    char text[LINE_EDITOR_MAX + 16];
    size_t cursor;
    bool bad;                           /* the echo drew something impossible */
    char last[LINE_EDITOR_MAX + 16];    /* the line a '\n' finished */
    size_t last_len;
};

static void draw(void *ctx, const char *s, size_t n)
{
    struct screen *sc = ctx;

    if ( s == NULL || n == 0 )
        sc->bad = true;
    for ( ; n > 0; n--, s++ )
    {
        if ( *s == '\n' )
        {
            memcpy(sc->last, sc->text, sc->cursor);
            sc->last_len = sc->cursor;
            sc->cursor = 0;
        }
        else if ( *s == '\b' )
        {
            if ( sc->cursor == 0 )
                sc->bad = true;
            else
                sc->cursor--;
        }
        else if ( *s >= 0x20 && *s <= 0x7e && sc->cursor < sizeof(sc->text) )
            sc->text[sc->cursor++] = *s;
        else
            sc->bad = true;
    }
}

static bool line_is_clean(void)
{
    size_t i;

    if ( ed.len > LINE_EDITOR_MAX || ed.line[ed.len] != '\0' )
        return false;
    for ( i = 0; i < ed.len; i++ )
        if ( ed.line[i] < 0x20 || ed.line[i] > 0x7e )
            return false;
    return true;
}

static void test_random_soak(void)
{
    static struct screen sc;
    unsigned long i, failures = 0;
    unsigned long seen[LINE_TOO_LONG + 1] = { 0 };
    bool long_lines = false;

    line_editor_init(&ed, draw, &sc);
    for ( i = 0; i < 1000000; i++ )
    {
        enum line_status st;
        bool ok;

        if ( i % 5000 == 0 )
            long_lines = (rng() % 4 == 0);
        st = line_editor_feed(&ed, random_key(long_lines));
        seen[st]++;

        ok = line_is_clean() && !sc.bad;
        switch ( st )
        {
        case LINE_EDITING:
            /* The screen shows exactly the line. */
            ok = ok && sc.cursor == ed.len &&
                 memcmp(sc.text, ed.line, ed.len) == 0;
            break;
        case LINE_READY:
        case LINE_TOO_LONG:
            /* The line that just scrolled up is the one delivered. */
            ok = ok && sc.cursor == 0 && sc.last_len == ed.len &&
                 memcmp(sc.last, ed.line, ed.len) == 0 &&
                 (st == LINE_TOO_LONG) == ed.overflowed;
            break;
        case LINE_CANCELLED:
            ok = ok && sc.cursor == 0 && ed.len == 0;
            break;
        }

        if ( !ok && failures++ < 5 )
            fprintf(stderr, "soak: byte %lu: status %d, len %zu, \"%s\"\n",
                    i, st, ed.len, ed.line);
    }

    CHECK_EQ(failures, 0);
    /* The soak reached every outcome, often. */
    CHECK(seen[LINE_READY] > 1000);
    CHECK(seen[LINE_CANCELLED] > 100);
    CHECK(seen[LINE_TOO_LONG] > 10);
}

int main(void)
{
    test_init();
    test_printable();
    test_control_bytes();
    test_keys_on_empty_line();
    test_editing();
    test_line_lifetime();
    test_line_ends();
    test_escapes();
    test_long_lines();
    test_echo_stream();
    test_random_soak();
    return check_summary("line_editor");
}
