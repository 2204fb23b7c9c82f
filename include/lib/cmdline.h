/*
 * cmdline.h: splitting the kernel command line into options: `key`,
 * `key=value` or `key="value with blanks"` (README.md, "Kernel command
 * line", has the syntax). Never writes to the input, never reads past its
 * NUL or max bytes.
 */
#ifndef TINYPV_CMDLINE_H
#define TINYPV_CMDLINE_H

#include <tinypv/types.h>

#define CMDLINE_KEY_MAX     32
#define CMDLINE_VALUE_MAX   1024

/*
 * Called once per option; value is NULL for a bare `key` and "" for `key=`.
 * Both strings live in the parser's buffers: copy them to keep them.
 */
typedef void (*cmdline_option_fn)(void *ctx, const char *key, const char *value);

/*
 * Returns 0 on success, or a negative number when the line is malformed
 * (an unterminated quote, text straight after a closing quote, an '=' with
 * no key before it, a key or value too long). Options before the
 * malformed one have been delivered; *error (if not NULL) points at a
 * static message saying what was wrong (NULL on success).
 */
int cmdline_parse(const char *line, size_t max, cmdline_option_fn fn, void *ctx,
                  const char **error);

/*
 * Parse an unsigned decimal number with an optional K, M or G suffix
 * (powers of 1024; k, m and g are accepted too). Returns 0 and sets *out,
 * or -1 (leaving *out alone) if the text is not such a number or overflows
 * 32 bits.
 */
int parse_size(const char *text, uint32_t *out);

#endif /* TINYPV_CMDLINE_H */
