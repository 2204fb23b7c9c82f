/*
 * types.h: the freestanding basics every file of tinypv starts from.
 *
 * Only the compiler's own freestanding headers are used: no libc exists in
 * the guest. Host unit tests include the same file and get the host's copies.
 */
#ifndef TINYPV_TYPES_H
#define TINYPV_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))

#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)

#define __printf(f, a)  __attribute__((format(printf, f, a)))
#define __noreturn      __attribute__((noreturn))
#define __aligned(n)    __attribute__((aligned(n)))
#define __section(s)    __attribute__((section(s)))
#define __used          __attribute__((used))

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)

#endif /* TINYPV_TYPES_H */
