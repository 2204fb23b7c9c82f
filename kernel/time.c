/*
 * time.c: reading Xen's system time.
 *
 *     now = system_time + ((tsc - tsc_timestamp) << tsc_shift) * mul_frac / 2^32
 *
 * Xen rewrites the snapshot whenever it sees fit (for instance when our
 * vCPU moves to another physical CPU), bumping `version` to an odd value
 * before and an even value after. A reader copies the snapshot and retries
 * if the version was odd or changed meanwhile: a lock-free seqlock.
 */
#include <time.h>
#include <barrier.h>
#include <processor.h>

static const volatile struct vcpu_time_info *vcpu_time;

void time_init(shared_info_t *si)
{
    vcpu_time = &si->vcpu_info[0].time;
}

/*
 * (delta << shift) * mul_frac >> 32, without a 64x64 multiply: gcc would
 * call libgcc for that on i386, and tinypv links without libgcc. Split the
 * 64-bit delta in halves; each 32x32->64 product is one `mull`.
 */
uint64_t scale_tsc_delta(uint64_t delta, uint32_t mul_frac, int8_t shift)
{
    uint32_t lo, hi;

    if ( shift < 0 )
        delta >>= -shift;
    else
        delta <<= shift;

    lo = (uint32_t)delta;
    hi = (uint32_t)(delta >> 32);
    return (((uint64_t)lo * mul_frac) >> 32) + (uint64_t)hi * mul_frac;
}

uint64_t monotonic_ns(void)
{
    uint32_t version, mul_frac;
    uint64_t tsc_stamp, system_time;
    int8_t shift;

    do {
        version = vcpu_time->version;
        smp_rmb();
        tsc_stamp = vcpu_time->tsc_timestamp;
        system_time = vcpu_time->system_time;
        mul_frac = vcpu_time->tsc_to_system_mul;
        shift = vcpu_time->tsc_shift;
        smp_rmb();
    } while ( (version & 1) || version != vcpu_time->version );

    return system_time + scale_tsc_delta(rdtsc() - tsc_stamp, mul_frac, shift);
}
