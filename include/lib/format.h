/*
 * format.h: the printf format engine (lib/format.c), pure and host-tested.
 *
 * The conversions it knows are listed in <tinypv/printk.h>.
 */
#ifndef TINYPV_LIB_FORMAT_H
#define TINYPV_LIB_FORMAT_H

#include <tinypv/types.h>

/* Receives the formatted output, n bytes at a time (n > 0). */
typedef void (*format_sink_t)(void *ctx, const char *s, size_t n);

/* Format into sink; returns the number of bytes produced. */
size_t vformat(format_sink_t sink, void *ctx, const char *fmt, va_list ap);

/*
 * C99 semantics: writes at most size-1 bytes plus a NUL (nothing if size is
 * 0, when buf may be NULL) and returns the length the full output would
 * have had (clamped to INT32_MAX).
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* TINYPV_LIB_FORMAT_H */
