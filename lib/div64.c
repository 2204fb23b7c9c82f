/*
 * div64.c: 64-bit by 32-bit division without libgcc.
 */
#include <lib/div64.h>

/*
 * Long division in two 32-bit steps: the high half first, then the
 * remainder with the low half. Each step's quotient fits in 32 bits, which
 * is what the x86 `divl` instruction needs.
 */
uint64_t div_u64_rem(uint64_t n, uint32_t d, uint32_t *rem)
{
    uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
    uint32_t q_hi = hi / d, r = hi % d, q_lo;

#if defined(__i386__)
    asm ( "divl %[d]" : "=a" (q_lo), "=d" (r) : "a" (lo), "d" (r), [d] "rm" (d) );
#else
    {
        uint64_t part = ((uint64_t)r << 32) | lo;   /* host tests: native 64-bit */

        q_lo = (uint32_t)(part / d);
        r = (uint32_t)(part % d);
    }
#endif
    if ( rem )
        *rem = r;
    return ((uint64_t)q_hi << 32) | q_lo;
}
