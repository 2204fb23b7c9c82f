/*
 * div64.h: dividing 64-bit numbers in a 32-bit kernel (lib/div64.c).
 */
#ifndef TINYPV_LIB_DIV64_H
#define TINYPV_LIB_DIV64_H

#include <tinypv/types.h>

/*
 * Divide a 64-bit number by a 32-bit one, returning the quotient and
 * storing the remainder. On i386 a plain `/` on 64-bit numbers calls
 * libgcc, which tinypv does not link.
 */
uint64_t div_u64_rem(uint64_t n, uint32_t d, uint32_t *rem);

#endif /* TINYPV_LIB_DIV64_H */
