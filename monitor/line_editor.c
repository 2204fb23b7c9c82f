/*
 * line_editor.c: turning keystrokes into command lines (include/monitor/line_editor.h).
 *
 * A terminal in "raw" mode sends us exactly what the user types, one byte
 * per key for ordinary keys, and it shows nothing by itself: whatever the
 * user should see, we echo. So the editor is a small state machine fed one
 * byte at a time, which keeps the text of the line and echoes the effect
 * of every key.
 *
 * Two facts decide most of the details:
 *
 *   - What is on the screen is exactly ed->line. Every stored character is
 *     echoed and every erased one is rubbed out with "\b \b" (back, blank
 *     over it, back again). Bytes that are not stored are not echoed, so
 *     the two never drift apart.
 *
 *   - Keys that are not text must not become text. Arrow and function keys
 *     arrive as escape sequences (Up is ESC [ A, F1 is ESC O P on many
 *     terminals); without care they would leave "[A" in the line. They are
 *     recognised by their shape, not by a table of keys, and swallowed.
 *
 * Choices the header leaves open, made here:
 *
 *   - An ESC followed by anything but '[' or 'O' is dropped and the byte
 *     after it is handled as if the ESC had not come: a stray press of the
 *     Escape key must not eat the next key (least of all Enter or ^C), and
 *     Alt+x, which many terminals send as ESC x, simply types x.
 *   - Inside ESC [ ... and ESC O ..., bytes 0x20-0x3f (parameters and
 *     intermediates, in any order) are swallowed and a byte 0x40-0x7e ends
 *     the sequence and is swallowed too. Any other byte (a control byte,
 *     DEL, a byte >= 0x80) abandons the sequence and is handled as a key,
 *     so Enter and ^C work even after a garbled sequence.
 *   - One irregular shape is known as well: the Linux text console sends
 *     F1-F5 as ESC [ [ A to ESC [ [ E. By the rule above the second '['
 *     would be the final byte and the letter would be typed, so a '['
 *     right after ESC [ means "one more byte, then the end".
 *   - Once a line is full, further text is neither stored nor echoed, and
 *     the line is marked overflowed. That mark stays until the line ends
 *     or ^U clears the line: erasing a few characters with Backspace does
 *     not make the lost keystrokes come back, so the line still ends with
 *     LINE_TOO_LONG rather than running a command the user did not type.
 *     The text kept is what was stored (normally the first
 *     LINE_EDITOR_MAX bytes typed).
 *   - ^C empties the line: after LINE_CANCELLED, ed->len is 0.
 *   - ed->line is always a NUL-terminated string of ed->len bytes, not
 *     only when a line is ready.
 *   - A NULL echo callback is allowed and means "echo nothing".
 *
 * Line ends: CR, LF and CR LF each end a line once. The LF of a CR LF is
 * eaten only if it comes right after the CR; so CR CR, LF LF and LF CR are
 * two line ends each.
 */
#include <tinypv/types.h>
#include <lib/string.h>
#include <monitor/line_editor.h>

/* A control key is its letter with the top three bits cleared: ^C is 0x03. */
#define CTRL(letter)        ((letter) & 0x1f)

#define KEY_BACKSPACE       CTRL('H')   /* 0x08 */
#define KEY_TAB             CTRL('I')   /* 0x09 */
#define KEY_LF              CTRL('J')   /* 0x0a */
#define KEY_CR              CTRL('M')   /* 0x0d */
#define KEY_INTERRUPT       CTRL('C')   /* 0x03 */
#define KEY_ERASE_LINE      CTRL('U')   /* 0x15 */
#define KEY_ESC             0x1b
#define KEY_DEL             0x7f        /* what most terminals send for Backspace */

/*
 * The values of ed->escape: where we are in the input, between bytes.
 * Besides the escape sequences it records that the last byte ended a
 * line, because that line must stay readable in ed->line until the next
 * byte arrives.
 */
enum input_state
{
    INPUT_TEXT = 0,         /* ordinary typing (what init leaves) */
    INPUT_ESC,              /* after ESC: '[' or 'O' would start a sequence */
    INPUT_CSI_START,        /* just after ESC [ */
    INPUT_SEQUENCE,         /* inside ESC [ ... or ESC O ..., until the final byte */
    INPUT_LAST_BYTE,        /* after ESC [ [: one byte more ends it */
    INPUT_LINE_ENDED,       /* the last byte ended or cancelled the line */
};

/* --- what the user sees -------------------------------------------------- */

static void echo(const struct line_editor *ed, const char *s, size_t n)
{
    if ( ed->echo != NULL )
        ed->echo(ed->echo_ctx, s, n);
}

/* --- changing the text --------------------------------------------------- */

static void start_line(struct line_editor *ed)
{
    ed->len = 0;
    ed->line[0] = '\0';
    ed->overflowed = false;
}

/* Store and echo one character, or note that the line is full. */
static void add_char(struct line_editor *ed, char ch)
{
    if ( ed->len >= LINE_EDITOR_MAX )
    {
        ed->overflowed = true;
        return;
    }
    ed->line[ed->len++] = ch;
    ed->line[ed->len] = '\0';
    echo(ed, &ch, 1);
}

/* Backspace: rub out the last character, if there is one. */
static void erase_char(struct line_editor *ed)
{
    if ( ed->len == 0 )
        return;
    ed->line[--ed->len] = '\0';
    echo(ed, "\b \b", 3);
}

/* ^U: rub out every character on the screen and start afresh. */
static void erase_line(struct line_editor *ed)
{
    while ( ed->len > 0 )
        erase_char(ed);
    ed->overflowed = false;
}

/* --- ending the line ----------------------------------------------------- */

/* The line stays in ed->line until the next byte is fed. */
static enum line_status end_line(struct line_editor *ed)
{
    echo(ed, "\n", 1);
    ed->escape = INPUT_LINE_ENDED;
    return ed->overflowed ? LINE_TOO_LONG : LINE_READY;
}

static enum line_status cancel_line(struct line_editor *ed)
{
    echo(ed, "^C\n", 3);
    start_line(ed);
    ed->escape = INPUT_LINE_ENDED;
    return LINE_CANCELLED;
}

/* --- escape sequences ---------------------------------------------------- */

/*
 * True if c is part of an escape sequence and has been swallowed; false
 * if it is to be handled as a key (perhaps after abandoning a sequence).
 */
static bool swallow_escape(struct line_editor *ed, uint8_t c)
{
    switch ( ed->escape )
    {
    case INPUT_ESC:
        if ( c == '[' || c == 'O' )
        {
            ed->escape = (c == '[') ? INPUT_CSI_START : INPUT_SEQUENCE;
            return true;
        }
        ed->escape = INPUT_TEXT;        /* a lone ESC: forget it */
        return false;

    case INPUT_CSI_START:
        if ( c == '[' )
        {
            ed->escape = INPUT_LAST_BYTE;   /* Linux console F1-F5 */
            return true;
        }
        /* Otherwise an ordinary sequence has begun. */
        /* fall through */
    case INPUT_SEQUENCE:
        if ( c >= 0x20 && c <= 0x3f )
            return true;                /* a parameter or intermediate byte */
        ed->escape = INPUT_TEXT;
        return c >= 0x40 && c <= 0x7e;  /* the final byte, or not ours at all */

    case INPUT_LAST_BYTE:
        ed->escape = INPUT_TEXT;
        return c >= 0x20 && c <= 0x7e;

    default:
        return false;
    }
}

/* --- keys ---------------------------------------------------------------- */

static enum line_status handle_key(struct line_editor *ed, uint8_t c)
{
    if ( c >= 0x20 && c <= 0x7e )
    {
        add_char(ed, (char)c);
        return LINE_EDITING;
    }

    switch ( c )
    {
    case KEY_TAB:
        add_char(ed, ' ');
        break;
    case KEY_BACKSPACE:
    case KEY_DEL:
        erase_char(ed);
        break;
    case KEY_ERASE_LINE:
        erase_line(ed);
        break;
    case KEY_INTERRUPT:
        return cancel_line(ed);
    case KEY_CR:
        ed->after_cr = true;
        return end_line(ed);
    case KEY_LF:
        return end_line(ed);
    case KEY_ESC:
        ed->escape = INPUT_ESC;
        break;
    default:
        break;      /* other control bytes and bytes >= 0x80: ignored */
    }
    return LINE_EDITING;
}

void line_editor_init(struct line_editor *ed, line_echo_fn echo_fn, void *ctx)
{
    memset(ed, 0, sizeof(*ed));
    ed->escape = INPUT_TEXT;
    ed->echo = echo_fn;
    ed->echo_ctx = ctx;
    start_line(ed);
}

enum line_status line_editor_feed(struct line_editor *ed, uint8_t c)
{
    bool after_cr = ed->after_cr;

    /* after_cr only ever describes the byte just before this one. */
    ed->after_cr = false;

    if ( ed->escape == INPUT_LINE_ENDED )
    {
        start_line(ed);
        ed->escape = INPUT_TEXT;
    }

    if ( c == KEY_LF && after_cr )
        return LINE_EDITING;        /* the second half of CR LF */

    if ( swallow_escape(ed, c) )
        return LINE_EDITING;

    return handle_key(ed, c);
}
