/*
 * processor.h: the few x86 instructions C cannot express.
 */
#ifndef TINYPV_PROCESSOR_H
#define TINYPV_PROCESSOR_H

#include <tinypv/types.h>

/* The CPU's time-stamp counter. Xen lets PV guests read it directly. */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile ( "rdtsc" : "=a" (lo), "=d" (hi) );
    return ((uint64_t)hi << 32) | lo;
}

#endif /* TINYPV_PROCESSOR_H */
