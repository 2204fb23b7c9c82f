/*
 * line_editor.h: turning keystrokes into command lines; pure logic, tested
 * on the host. line_editor_feed() edits the line in place and echoes
 * through a callback. This is the list of keys docs/04-events.md cites.
 *
 * Keys:
 *   printable (0x20-0x7e)  appended and echoed
 *   tab                    treated as a space
 *   Backspace (^H), DEL    erase the last character ("\b \b"; nothing
 *                          on an empty line)
 *   ^U                     erase the whole line (one "\b \b" a character)
 *   ^C                     abandon the line ("^C\n"; the line is emptied)
 *   CR, LF, CR LF          end the line, once ("\n"; the LF of a CR LF is
 *                          eaten only if it comes right after the CR)
 *   ESC [ ... final,       escape sequences (arrow keys, F1...) are ignored
 *   ESC O ... final,       whole, so they do not leave "[A" in the line.
 *   ESC [ [ x              In the first two, bytes 0x20-0x3f continue the
 *                          sequence and 0x40-0x7e end it; the third is the
 *                          Linux console's F1-F5
 *   ESC + any other byte   the ESC is dropped, the byte is handled as a key
 *   other control bytes,   ignored: they never enter the line
 *   bytes >= 0x80
 *
 * A byte that cannot continue an escape sequence (a control byte, DEL,
 * >= 0x80) ends it and is handled as a key, so Enter and ^C always work.
 *
 * A line longer than LINE_EDITOR_MAX bytes is refused: the excess is not
 * stored or echoed, nothing overflows, and the end of that line reports
 * LINE_TOO_LONG instead of LINE_READY, with the text that was kept in
 * ed->line. Backspace does not undo this (the lost keys stay lost); ^U
 * does, by starting the line afresh.
 *
 * What is on the screen is always exactly ed->line, which is always a
 * NUL-terminated string of ed->len bytes, each 0x20-0x7e.
 */
#ifndef TINYPV_LINE_EDITOR_H
#define TINYPV_LINE_EDITOR_H

#include <tinypv/types.h>

#define LINE_EDITOR_MAX 200         /* bytes of text per line */

enum line_status {
    LINE_EDITING,       /* nothing to do yet */
    LINE_READY,         /* ed->line holds a complete line, NUL-terminated */
    LINE_CANCELLED,     /* ^C: the line was abandoned */
    LINE_TOO_LONG,      /* the line ended but was longer than LINE_EDITOR_MAX */
};

typedef void (*line_echo_fn)(void *ctx, const char *s, size_t n);

struct line_editor {
    char line[LINE_EDITOR_MAX + 1];
    size_t len;
    bool overflowed;        /* this line went past LINE_EDITOR_MAX */
    bool after_cr;          /* last byte was CR: a following LF is eaten */
    uint8_t escape;         /* where we are inside an escape sequence, or
                               that a line just ended (line_editor.c) */
    line_echo_fn echo;
    void *echo_ctx;
};

/* echo may be NULL: then nothing is echoed. */
void line_editor_init(struct line_editor *ed, line_echo_fn echo, void *ctx);

/*
 * Feed one byte. After LINE_READY (or LINE_TOO_LONG) the line stays in
 * ed->line until the next byte is fed (which starts a new, empty line).
 */
enum line_status line_editor_feed(struct line_editor *ed, uint8_t c);

#endif /* TINYPV_LINE_EDITOR_H */
