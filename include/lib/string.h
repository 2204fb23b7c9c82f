/*
 * string.h: the handful of C library routines a kernel needs (lib/string.c).
 *
 * The compiler may emit calls to memcpy, memmove, memset and memcmp on its
 * own (structure copies, zeroing), so these four must exist even in a
 * freestanding build.
 */
#ifndef TINYPV_LIB_H
#define TINYPV_LIB_H

#include <tinypv/types.h>

/* Host tests rename the kernel's copies so they can sit beside libc's. */
#ifdef TINYPV_RENAME_STRING
#define memcpy   k_memcpy
#define memmove  k_memmove
#define memset   k_memset
#define memcmp   k_memcmp
#define strlen   k_strlen
#define strnlen  k_strnlen
#define strcmp   k_strcmp
#define strncmp  k_strncmp
#define strchr   k_strchr
#endif

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif /* TINYPV_LIB_H */
