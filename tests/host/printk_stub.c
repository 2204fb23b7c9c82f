/*
 * printk_stub.c: printk for host tests of code that prints, into a buffer
 * the test can look at (tests/host/printk_stub.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include "printk_stub.h"

/* The Makefile renames vsnprintf for lib/format.c; this is libc's. */
#undef vsnprintf
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap);

char printk_buffer[4096];
size_t printk_len;

void printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(printk_buffer + printk_len, sizeof(printk_buffer) - printk_len,
                  fmt, ap);
    va_end(ap);
    if ( n > 0 )
        printk_len += (size_t)n;
    if ( printk_len >= sizeof(printk_buffer) )
        printk_len = sizeof(printk_buffer) - 1;
}

void printk_stub_reset(void)
{
    printk_len = 0;
    printk_buffer[0] = '\0';
}
