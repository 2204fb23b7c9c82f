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

/*
 * rdtsc is not ordered with earlier loads: it may read the counter before
 * a load that comes first in program order has completed. lfence waits
 * for them (every CPU that runs 64-bit Xen has it).
 */
static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;

    asm volatile ( "lfence; rdtsc" : "=a" (lo), "=d" (hi) :: "memory" );
    return ((uint64_t)hi << 32) | lo;
}

/*
 * The rest is for a guest that runs in ring 0 (PVH): a PV guest in ring 1
 * may not touch control registers, MSRs or I/O ports, nor use cli/sti.
 */
#define X86_EFLAGS_IF   0x00000200
#define X86_CR0_WP      0x00010000
#define X86_CR0_PG      0x80000000
#define X86_CR4_PSE     0x00000010

struct cpuid_leaf {
    uint32_t eax, ebx, ecx, edx;
};

static inline void cpuid(uint32_t leaf, struct cpuid_leaf *r)
{
    asm volatile ( "cpuid"
                   : "=a" (r->eax), "=b" (r->ebx), "=c" (r->ecx), "=d" (r->edx)
                   : "0" (leaf), "2" (0) );
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    asm volatile ( "wrmsr"
                   :: "c" (msr), "a" ((uint32_t)value),
                      "d" ((uint32_t)(value >> 32))
                   : "memory" );
}

static inline void outb(uint16_t port, uint8_t value)
{
    asm volatile ( "outb %0, %1" :: "a" (value), "Nd" (port) );
}

static inline unsigned long read_eflags(void)
{
    unsigned long flags;

    asm volatile ( "pushfl; popl %0" : "=r" (flags) :: "memory" );
    return flags;
}

#define DEFINE_CR_ACCESSORS(n)                                      \
    static inline unsigned long read_cr##n(void)                    \
    {                                                               \
        unsigned long v;                                            \
        asm volatile ( "movl %%cr" #n ", %0" : "=r" (v) );          \
        return v;                                                   \
    }                                                               \
    static inline void write_cr##n(unsigned long v)                 \
    {                                                               \
        asm volatile ( "movl %0, %%cr" #n :: "r" (v) : "memory" );  \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

#endif /* TINYPV_PROCESSOR_H */
