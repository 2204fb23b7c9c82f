/*
 * fuzz_line_editor.c: arbitrary keystrokes into line_editor_feed()
 * (monitor/line_editor.c).
 *
 * The input is the byte stream a terminal (or a hostile console backend)
 * sends. Each byte goes to two editors: one echoing into a model of the
 * screen, one with a NULL echo callback; the two must agree at every step,
 * since echoing must not change what the editor does.
 *
 * Invariants after every byte:
 *  - ed->len <= LINE_EDITOR_MAX, ed->line is NUL-terminated at len and
 *    every byte before it is printable (0x20-0x7e);
 *  - the echo stream is made only of printable characters, "\b \b" (never
 *    on an empty screen line), "\n" and "^C\n", and what it leaves on the
 *    screen is exactly ed->line (the header's promise);
 *  - Enter and ^C always work: CR, and LF not right after CR, end the line
 *    (LINE_READY or LINE_TOO_LONG, with "\n" echoed); ^C cancels it
 *    (LINE_CANCELLED, "^C\n", empty line); every other byte reports
 *    LINE_EDITING;
 *  - LINE_TOO_LONG only for a line that did reach LINE_EDITOR_MAX, and
 *    LINE_READY exactly when the line did not overflow;
 *  - one byte changes the line by at most one character, ^U empties it,
 *    and bytes that are not keys (other control bytes, >= 0x80) leave it
 *    alone.
 */
#include <monitor/line_editor.h>
#include "fuzz.h"

#define CTRL(letter)    ((letter) & 0x1f)

static struct {
    char screen[LINE_EDITOR_MAX + 1];
    size_t screen_len;
    char ended[LINE_EDITOR_MAX + 1];    /* the screen line "\n" closed */
    size_t ended_len;
    char echoed[8];                     /* this byte's echo, if short */
    size_t echoed_len;
    size_t echo_calls;
} T;

static void echo_to_screen(void *ctx, const char *s, size_t n)
{
    FUZZ_ASSERT(ctx == &T);
    FUZZ_ASSERT(n > 0);
    T.echo_calls++;
    if ( T.echoed_len + n <= sizeof(T.echoed) )
        memcpy(T.echoed + T.echoed_len, s, n);
    T.echoed_len += n;

    if ( n == 3 && memcmp(s, "\b \b", 3) == 0 )
    {
        FUZZ_ASSERT(T.screen_len > 0);      /* never rub out the prompt */
        T.screen_len--;
    }
    else if ( n == 1 && s[0] == '\n' )
    {
        memcpy(T.ended, T.screen, T.screen_len);
        T.ended_len = T.screen_len;
        T.screen_len = 0;
    }
    else if ( n == 3 && memcmp(s, "^C\n", 3) == 0 )
        T.screen_len = 0;
    else
    {
        FUZZ_ASSERT(n == 1);
        FUZZ_ASSERT(s[0] >= 0x20 && s[0] <= 0x7e);
        FUZZ_ASSERT(T.screen_len < LINE_EDITOR_MAX);
        T.screen[T.screen_len++] = s[0];
    }
}

static void check_line(const struct line_editor *ed)
{
    FUZZ_ASSERT(ed->len <= LINE_EDITOR_MAX);
    FUZZ_ASSERT(ed->line[ed->len] == '\0');
    for ( size_t i = 0; i < ed->len; i++ )
        FUZZ_ASSERT(ed->line[i] >= 0x20 && ed->line[i] <= 0x7e);
}

static bool is_key(uint8_t c)
{
    if ( c >= 0x20 && c <= 0x7e )
        return true;
    switch ( c )
    {
    case CTRL('C'): case CTRL('H'): case CTRL('I'): case CTRL('J'):
    case CTRL('M'): case CTRL('U'): case 0x1b: case 0x7f:
        return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct line_editor ed, quiet;
    enum line_status st = LINE_EDITING, qst;
    char prev_line[LINE_EDITOR_MAX + 1];
    size_t prev_len, line_max = 0;
    uint8_t prev = 0;

    memset(&T, 0, sizeof(T));
    line_editor_init(&ed, echo_to_screen, &T);
    line_editor_init(&quiet, NULL, NULL);
    check_line(&ed);

    for ( size_t i = 0; i < size; i++ )
    {
        uint8_t c = data[i];
        bool line_was_over = st != LINE_EDITING;

        /* The line this byte edits: a new, empty one after a line end. */
        prev_len = line_was_over ? 0 : ed.len;
        memcpy(prev_line, ed.line, prev_len);
        if ( line_was_over )
            line_max = 0;

        T.echoed_len = 0;
        st = line_editor_feed(&ed, c);
        qst = line_editor_feed(&quiet, c);

        check_line(&ed);
        FUZZ_ASSERT(st == qst);
        FUZZ_ASSERT(ed.len == quiet.len);
        FUZZ_ASSERT(memcmp(ed.line, quiet.line, ed.len + 1) == 0);
        FUZZ_ASSERT(ed.overflowed == quiet.overflowed);
        line_max = MAX(line_max, ed.len);

        /* One byte, one step. */
        if ( c == CTRL('U') )
            FUZZ_ASSERT(ed.len == 0 && !ed.overflowed);
        else if ( c != CTRL('C') )
            FUZZ_ASSERT(ed.len + 1 >= prev_len && ed.len <= prev_len + 1);
        if ( !is_key(c) )
        {
            FUZZ_ASSERT(ed.len == prev_len);
            FUZZ_ASSERT(memcmp(ed.line, prev_line, prev_len) == 0);
            FUZZ_ASSERT(T.echoed_len == 0);
        }

        /* Enter and ^C always work, whatever came before. */
        switch ( st )
        {
        case LINE_EDITING:
            FUZZ_ASSERT(c != CTRL('C') && c != '\r');
            FUZZ_ASSERT(c != '\n' || prev == '\r');
            FUZZ_ASSERT(T.screen_len == ed.len);
            FUZZ_ASSERT(memcmp(T.screen, ed.line, ed.len) == 0);
            break;
        case LINE_READY:
        case LINE_TOO_LONG:
            FUZZ_ASSERT(c == '\r' || (c == '\n' && prev != '\r'));
            FUZZ_ASSERT(T.echoed_len == 1 && T.echoed[0] == '\n');
            FUZZ_ASSERT(T.ended_len == ed.len);
            FUZZ_ASSERT(memcmp(T.ended, ed.line, ed.len) == 0);
            FUZZ_ASSERT((st == LINE_TOO_LONG) == ed.overflowed);
            if ( st == LINE_TOO_LONG )
                FUZZ_ASSERT(line_max == LINE_EDITOR_MAX);
            break;
        case LINE_CANCELLED:
            FUZZ_ASSERT(c == CTRL('C'));
            FUZZ_ASSERT(T.echoed_len == 3 && memcmp(T.echoed, "^C\n", 3) == 0);
            FUZZ_ASSERT(ed.len == 0 && T.screen_len == 0);
            break;
        default:
            FUZZ_ASSERT(!"an unknown line status");
        }
        prev = c;
    }
    return 0;
}
