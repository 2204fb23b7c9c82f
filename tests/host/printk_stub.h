/* printk_stub.h: what printk_stub.c captured. */
#ifndef TINYPV_PRINTK_STUB_H
#define TINYPV_PRINTK_STUB_H

#include <stddef.h>

extern char printk_buffer[4096];
extern size_t printk_len;
void printk_stub_reset(void);

#endif
