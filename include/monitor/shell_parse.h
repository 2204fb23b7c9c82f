/*
 * shell_parse.h: splitting monitor command lines into words; pure, used by
 * monitor/shell.c, tested on the host.
 *
 * Words are separated by blanks (space, tab). Double quotes group blanks
 * into a word ("hello   world" is one word) and are removed; inside them \"
 * and \\ stand for " and \, and any other backslash is kept. Nothing else
 * is special (outside quotes a backslash is an ordinary character). Quotes
 * may sit anywhere in a word: a"b c"d is the one word "ab cd", and "" is
 * an empty word.
 */
#ifndef TINYPV_SHELL_PARSE_H
#define TINYPV_SHELL_PARSE_H

#include <tinypv/types.h>

#define SHELL_MAX_ARGS  16

enum shell_split_status {
    SPLIT_OK = 0,
    SPLIT_TOO_MANY_WORDS = -1,      /* more than max_args words */
    SPLIT_UNTERMINATED_QUOTE = -2,
};

/*
 * Split `line` in place (quotes and escapes are removed, words are
 * NUL-terminated inside line). On success sets *argc (0 for an empty or
 * blank line) and argv[0..argc), argv[argc] = NULL; argv must have room
 * for max_args + 1 pointers. On an error, *argc is 0, argv[0] is NULL and
 * line has been partly rewritten.
 */
enum shell_split_status shell_split(char *line, int *argc, char **argv,
                                    int max_args);

/*
 * A message for a non-OK status ("too many words (max 16)", ...). The
 * message names SHELL_MAX_ARGS, whatever max_args the split was given.
 */
const char *shell_split_error(enum shell_split_status status);

/*
 * Scripted commands (the `run=` boot option) are separated by ';'. Finds
 * the next command in *cursor, NUL-terminates it in place, advances
 * *cursor past it and returns it (leading blanks skipped); returns NULL
 * when nothing is left. A ';' inside double quotes does not separate
 * (quotes and \" follow the rules of shell_split). Empty commands (";;",
 * a leading or trailing ';', blanks alone) are skipped, never returned.
 */
char *shell_next_command(char **cursor);

/*
 * Parse a decimal integer (optional leading '-'), all of `text`, that fits
 * in an int. Returns 0 and sets *out, or -1 and leaves *out alone. No '+',
 * no blanks, no hex; leading zeros are allowed.
 */
int shell_parse_int(const char *text, int *out);

/*
 * Parse an address: hex with a leading 0x (or 0X), or decimal, all of
 * `text`, that fits in 32 bits (a 32-bit kernel's virtual address).
 * Returns 0 and sets *out, or -1 and leaves *out alone.
 */
int shell_parse_address(const char *text, uint32_t *out);

/*
 * Parse a duration in seconds with an optional fraction ("2", "0.25",
 * "1.5"; at most 9 decimals, at most SHELL_DURATION_MAX_S seconds) into
 * nanoseconds. Returns 0 and sets *ns, or -1.
 */
#define SHELL_DURATION_MAX_S 86400
int shell_parse_duration(const char *text, uint64_t *ns);

#endif /* TINYPV_SHELL_PARSE_H */
