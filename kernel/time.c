/*
 * time.c: reading Xen's clocks.
 *
 *     now = system_time + ((tsc - tsc_timestamp) << tsc_shift) * mul_frac / 2^32
 *
 * Xen rewrites the snapshot whenever it sees fit (for instance when our
 * vCPU moves to another physical CPU), bumping `version` to an odd value
 * before and an even value after. A reader copies the snapshot and retries
 * if the version was odd or changed meanwhile: a lock-free seqlock. The
 * wall clock in shared_info follows the same protocol with wc_version.
 *
 * Xen's system time belongs to the host, not to the domain: after `xl
 * restore` or a migration it is another host's clock (or the same one, a
 * long time later). tinypv's own clock is therefore Xen's plus an offset,
 * which time_resume() sets so that the kernel's clock carries on from
 * where it stopped, advanced by the time the domain was away as the wall
 * clock measures it. Deadlines handed to Xen (set_timer_op, SCHEDOP_poll)
 * go back through clock_to_xen().
 */
#include <tinypv/clock.h>
#include <tinypv/hypervisor.h>
#include <tinypv/barrier.h>
#include <lib/div64.h>

static uint64_t boot_ns;
static int64_t clock_offset;            /* kernel clock minus Xen's */

/* Kept by time_suspend() for time_resume(). */
static uint64_t suspend_ns, suspend_wall_sec;
static uint32_t suspend_wall_nsec;

void time_init(void)
{
    boot_ns = monotonic_ns();
}

/*
 * (delta << shift) * mul_frac >> 32. The full product needs 96 bits, more
 * than any C integer type on i386, so split the 64-bit delta in halves:
 * each 32x32->64 product is one `mull`, and the shifted sum fits in 64
 * bits. (No 64-bit division here: that would call libgcc's __udivdi3,
 * which tinypv does not link.)
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

/*
 * One consistent reading of a vcpu_time_info snapshot, and the TSC taken
 * inside the same version window. The TSC must be read between the two
 * version reads: read after the loop, Xen may have replaced the snapshot
 * meanwhile (our vCPU moved to another physical CPU, whose TSC may be
 * behind), and the TSC would then be below tsc_timestamp. The read must
 * also not run ahead of the loads before it, hence read_tsc is an ordered
 * one in the guest (arch_clock_counter(): lfence; rdtsc on x86). A TSC
 * that is still below the stamp (TSCs of two CPUs a little apart) gives
 * system_time, never a delta of about 2^64 ticks.
 *
 * read_tsc is a parameter so that host tests can play Xen and the CPU.
 */
uint64_t time_read_snapshot(const volatile struct vcpu_time_info *t,
                            uint64_t (*read_tsc)(void))
{
    uint32_t version, mul_frac;
    uint64_t tsc_stamp, system_time, tsc;
    int8_t shift;

    do {
        version = t->version;
        smp_rmb();
        tsc_stamp = t->tsc_timestamp;
        system_time = t->system_time;
        mul_frac = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        tsc = read_tsc();
        smp_rmb();
    } while ( (version & 1) || version != t->version );

    if ( tsc < tsc_stamp )
        return system_time;
    return system_time + scale_tsc_delta(tsc - tsc_stamp, mul_frac, shift);
}

/*
 * Xen's system time of this host, as the domain sees it now. shared_info
 * is read where the platform keeps it (<tinypv/hypervisor.h>): after a
 * restore it may be another page.
 */
static uint64_t xen_system_ns(void)
{
    return time_read_snapshot(&this_vcpu()->time, arch_clock_counter);
}

uint64_t monotonic_ns(void)
{
    return xen_system_ns() + (uint64_t)clock_offset;
}

uint64_t clock_to_xen(uint64_t deadline)
{
    uint64_t xen = deadline - (uint64_t)clock_offset;

    if ( deadline == 0 )
        return 0;               /* "no deadline" stays that */
    /* A deadline before Xen's time 0 is simply due: ask for the earliest. */
    if ( (int64_t)xen <= 0 )
        return 1;
    return xen;
}

uint64_t uptime_ns(void)
{
    return monotonic_ns() - boot_ns;
}

void wallclock_now(uint64_t *sec, uint32_t *nsec)
{
    const volatile shared_info_t *shared = shared_info;
    uint32_t version, wc_nsec, extra_nsec;
    uint64_t wc_sec, sys = xen_system_ns(), total;

    do {
        version = shared->wc_version;
        smp_rmb();
        wc_sec = ((uint64_t)shared->xen_wc_sec_hi << 32) | shared->wc_sec;
        wc_nsec = shared->wc_nsec;
        smp_rmb();
    } while ( (version & 1) || version != shared->wc_version );

    total = sys + wc_nsec;
    *sec = wc_sec + div_u64_rem(total, (uint32_t)NSEC_PER_SEC, &extra_nsec);
    *nsec = extra_nsec;
}

/* The wall clock in nanoseconds since 1970: fits 64 bits until 2554. */
static uint64_t wallclock_ns(void)
{
    uint64_t sec;
    uint32_t nsec;

    wallclock_now(&sec, &nsec);
    return sec * NSEC_PER_SEC + nsec;
}

void time_suspend(void)
{
    suspend_ns = monotonic_ns();
    wallclock_now(&suspend_wall_sec, &suspend_wall_nsec);
}

uint64_t time_resume(void)
{
    uint64_t before = suspend_wall_sec * NSEC_PER_SEC + suspend_wall_nsec;
    uint64_t after = wallclock_ns();
    uint64_t away = after > before ? after - before : 0;

    /*
     * Whatever Xen's clock reads now (another host's, or ours much later),
     * the kernel's clock resumes at its value at suspend plus the time
     * away. A wall clock that stepped back counts as no time away: the
     * kernel's clock never runs backwards.
     */
    clock_offset = (int64_t)(suspend_ns + away - xen_system_ns());
    return away;
}
