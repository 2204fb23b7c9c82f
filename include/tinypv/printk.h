/*
 * printk.h: formatted output on the console, through the format engine of
 * lib/format.h (kernel/printk.c).
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, length modifiers hh h l ll z,
 * flags '-' (left-justify) and '0' (zero-pad), a field width, and a precision
 * (for %s: at most that many bytes; for integers: at least that many digits).
 * A NULL %s prints "(null)". Width and precision may be given as '*'.
 * An unknown conversion is printed as it stands, so a typo shows in the output.
 *
 * %p prints "0x" and every hex digit of the pointer: "0x0012abcd" in the
 * 32-bit kernel (16 digits in a 64-bit host test). Widths and precisions
 * are capped at 65535, so a garbled format cannot stall the console.
 */
#ifndef TINYPV_PRINTK_H
#define TINYPV_PRINTK_H

#include <tinypv/types.h>
#include <lib/format.h>

/* Write to the console (one backend notification per call). */
void vprintk(const char *fmt, va_list ap);
void printk(const char *fmt, ...) __printf(1, 2);

/*
 * The same, on the platform's early console only (arch_early_write), never
 * on the console ring: for what the platform says while the ring is not
 * ours to use, such as after a restore and before console_resume(), when
 * the ring's event channel is still the old domain's port.
 */
void early_printk(const char *fmt, ...) __printf(1, 2);

#endif /* TINYPV_PRINTK_H */
