/*
 * test_time.c: the arithmetic behind tinypv's clocks (kernel/time.c) and
 * calendar (lib/calendar.c), checked against the host's own 64-bit and
 * 128-bit arithmetic and its C library's gmtime().
 */
#include <stdlib.h>
#include <time.h>
#include <tinypv/clock.h>
#include <tinypv/hypervisor.h>
#include <lib/calendar.h>
#include "check.h"

/* What the platform maps in the guest; test_suspend_clock() points it. */
shared_info_t *shared_info;

/* The guest's clock source; the tests below make it add nothing. */
uint64_t arch_clock_counter(void)
{
    return 0;
}

static uint64_t rand64(void)
{
    return ((uint64_t)(uint32_t)rand() << 33) ^ ((uint64_t)(uint32_t)rand() << 11)
           ^ (uint64_t)(uint32_t)rand();
}

static void test_div(void)
{
    static const uint32_t divisors[] = { 1, 2, 3, 10, 60, 86400, 1000000000u,
                                         0xFFFFFFFFu };
    uint32_t rem;
    unsigned int agree = 0;

    CHECK_EQ(div_u64_rem(0, 7, &rem), 0);
    CHECK_EQ(rem, 0);
    CHECK_EQ(div_u64_rem(UINT64_MAX, 1, &rem), UINT64_MAX);
    CHECK_EQ(div_u64_rem(UINT64_MAX, 0xFFFFFFFFu, &rem), UINT64_MAX / 0xFFFFFFFFu);
    for ( int i = 0; i < 200000; i++ )
    {
        uint64_t n = rand64();
        uint32_t d = divisors[i % 8];

        if ( i % 8 == 7 )
            d = (uint32_t)rand() | 1;
        if ( div_u64_rem(n, d, &rem) == n / d && rem == n % d )
            agree++;
    }
    /* Every one of the random divisions agrees with the compiler's. */
    CHECK_EQ(agree, 200000);
}

static void test_scale(void)
{
    unsigned int agree = 0;

    /* mul_frac = 2^32 * (ns per tick) with shifts, as Xen computes it. */
    CHECK_EQ(scale_tsc_delta(1000, 0x80000000u, 0), 500);
    CHECK_EQ(scale_tsc_delta(1000, 0x80000000u, 1), 1000);
    CHECK_EQ(scale_tsc_delta(1000, 0x80000000u, -1), 250);
    for ( int i = 0; i < 200000; i++ )
    {
        uint64_t delta = rand64() >> (rand() % 40);
        uint32_t mul = (uint32_t)rand() << 1 | 1;
        int8_t shift = (int8_t)(rand() % 7 - 3);
        uint64_t shifted = shift < 0 ? delta >> -shift : delta << shift;
        unsigned __int128 want = ((unsigned __int128)shifted * mul) >> 32;

        if ( scale_tsc_delta(delta, mul, shift) == (uint64_t)want )
            agree++;
    }
    /* Every random delta scales as 128-bit arithmetic says. */
    CHECK_EQ(agree, 200000);
}

/*
 * time_read_snapshot() against a snapshot we play Xen for. The fake TSC
 * can rewrite the snapshot while the reader is inside its loop, as Xen
 * does when our vCPU moves to another physical CPU.
 */
static struct vcpu_time_info snap;
static uint64_t fake_tsc;
static int tsc_reads;
static int migrate_on_read;     /* rewrite the snapshot on this TSC read */

static uint64_t read_fake_tsc(void)
{
    tsc_reads++;
    if ( tsc_reads == migrate_on_read )
    {
        /* Xen's update (odd version while it writes, even after): a new
         * stamp ahead of the TSC of the CPU we were on. */
        snap.version |= 1;
        snap.tsc_timestamp = fake_tsc + 5000;
        snap.system_time += 7000;
        snap.version++;
        return fake_tsc;        /* the read that raced with it: old CPU */
    }
    return tsc_reads > migrate_on_read && migrate_on_read ?
           snap.tsc_timestamp + 1000 : fake_tsc;
}

static void reset_snapshot(void)
{
    snap = (struct vcpu_time_info){
        .version = 2, .tsc_timestamp = 1000000, .system_time = 5000000000ULL,
        .tsc_to_system_mul = 0x80000000u, .tsc_shift = 0,   /* 0.5 ns/tick */
    };
    tsc_reads = 0;
    migrate_on_read = 0;
}

static void test_snapshot(void)
{
    /* The plain case: 2000 ticks after the stamp are 1000 ns. */
    reset_snapshot();
    fake_tsc = snap.tsc_timestamp + 2000;
    CHECK_EQ(time_read_snapshot(&snap, read_fake_tsc), 5000001000ULL);

    /* A TSC below the stamp (another CPU's TSC, a little behind): the
     * stamp's own time, not a delta of nearly 2^64 ticks. */
    reset_snapshot();
    fake_tsc = snap.tsc_timestamp - 3;
    CHECK_EQ(time_read_snapshot(&snap, read_fake_tsc), 5000000000ULL);

    /* Xen rewrites the snapshot while we read the TSC: the reader must
     * retry and pair the new stamp with a TSC read in the new window
     * (1000 ticks after it: 500 ns after the new system time). */
    reset_snapshot();
    fake_tsc = snap.tsc_timestamp + 10;
    migrate_on_read = 1;
    CHECK_EQ(time_read_snapshot(&snap, read_fake_tsc), 5000007500ULL);
    CHECK(tsc_reads == 2);

    /* An odd version (update in progress) is never used. */
    reset_snapshot();
    snap.version = 3;
    migrate_on_read = 1;
    fake_tsc = snap.tsc_timestamp;
    CHECK_EQ(time_read_snapshot(&snap, read_fake_tsc), 5000007500ULL);
}

/* Returns whether unix_to_utc(s) agrees with gmtime (and says so if not). */
static int date_agrees(uint64_t s)
{
    struct utc_time got;
    struct tm want;
    time_t t = (time_t)s;

    unix_to_utc(s, &got);
    gmtime_r(&t, &want);
    if ( got.year != (uint32_t)want.tm_year + 1900 ||
         got.month != (uint32_t)want.tm_mon + 1 ||
         got.day != (uint32_t)want.tm_mday ||
         got.hour != (uint32_t)want.tm_hour ||
         got.minute != (uint32_t)want.tm_min ||
         got.second != (uint32_t)want.tm_sec )
    {
        fprintf(stderr, "unix_to_utc(%llu): %u-%u-%u %u:%u:%u\n",
                (unsigned long long)s, got.year, got.month, got.day,
                got.hour, got.minute, got.second);
        return 0;
    }
    return 1;
}

static void test_calendar(void)
{
    struct utc_time t;

    unix_to_utc(0, &t);
    CHECK(t.year == 1970 && t.month == 1 && t.day == 1 && t.hour == 0);
    unix_to_utc(951782400, &t);                 /* 2000-02-29, a leap day */
    CHECK(t.year == 2000 && t.month == 2 && t.day == 29);
    unix_to_utc(4107542399ULL, &t);             /* 2100-02-28T23:59:59 */
    CHECK(t.year == 2100 && t.month == 2 && t.day == 28 && t.second == 59);
    unix_to_utc(4107542400ULL, &t);             /* 2100 is not a leap year */
    CHECK(t.year == 2100 && t.month == 3 && t.day == 1);

    /* Every day of 1970-2399 (at a varying time of day), and random
     * instants up to the year 9999: one check each, stopping at the first
     * disagreement. */
    {
        int ok = 1;

        for ( uint64_t s = 0; ok && s < 13569465600ULL; s += 86400 )
            ok = date_agrees(s + (s / 86400) % 86400);
        CHECK(ok);
        for ( int i = 0; ok && i < 100000; i++ )
            ok = date_agrees(rand64() % 253402300800ULL);
        CHECK(ok);
    }

    /* Absurd inputs must not hang or misbehave. */
    unix_to_utc(UINT64_MAX, &t);
    CHECK(t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31);
}

/*
 * The kernel's clock across a suspend (time_suspend / time_resume): with
 * tsc_to_system_mul = 0 the TSC adds nothing, so the fake shared_info's
 * system_time is exactly Xen's clock, and the test moves it by hand, as a
 * restore on another host would.
 */
static void set_xen_time(shared_info_t *s, uint64_t sys_ns, uint64_t wc_sec)
{
    s->vcpu_info[0].time.version += 2;
    s->vcpu_info[0].time.system_time = sys_ns;
    s->wc_version += 2;
    s->wc_sec = (uint32_t)wc_sec;
    s->wc_nsec = 0;
}

static void test_suspend_clock(void)
{
    static shared_info_t s;
    const uint64_t sec = 1000000000ULL, wc = 1700000000ULL;
    uint64_t wall_sec, up;
    uint32_t wall_nsec;

    set_xen_time(&s, 1000 * sec, wc);
    shared_info = &s;
    time_init();
    CHECK_EQ(monotonic_ns(), 1000 * sec);
    CHECK_EQ(clock_to_xen(1001 * sec), 1001 * sec);
    CHECK_EQ(clock_to_xen(0), 0);

    /* 10 s later, suspend; the wall clock reads wc + 1010 s. */
    set_xen_time(&s, 1010 * sec, wc);
    time_suspend();

    /* Restored on a host that booted 5 s ago, 30 s of wall time later. */
    set_xen_time(&s, 5 * sec, wc + 1010 + 30 - 5);
    CHECK_EQ(time_resume(), 30 * sec);
    CHECK_EQ(uptime_ns(), 40 * sec);                /* 10 s up + 30 s away */
    CHECK_EQ(monotonic_ns(), 1040 * sec);
    /* A deadline 1 s ahead of the kernel's clock is 1 s ahead of Xen's. */
    CHECK_EQ(clock_to_xen(monotonic_ns() + sec), 6 * sec);
    /* One that fell due while away is due at once, never "no deadline". */
    CHECK_EQ(clock_to_xen(1020 * sec), 1);
    /* date reads the new host's wall clock: right at once. */
    wallclock_now(&wall_sec, &wall_nsec);
    CHECK_EQ(wall_sec, wc + 1010 + 30);

    /* A wall clock that went back counts as no time away. */
    up = uptime_ns();
    time_suspend();
    set_xen_time(&s, 2 * sec, wc + 900);
    CHECK_EQ(time_resume(), 0);
    CHECK(uptime_ns() >= up);
}

int main(void)
{
    srand(7);
    test_div();
    test_scale();
    test_snapshot();
    test_calendar();
    test_suspend_clock();
    return check_summary("time");
}
