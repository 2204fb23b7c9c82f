/*
 * selftest.c: the output burst, an end-to-end check of the console path.
 *
 * The text is meant to be hard on the ring: lines of varying length (so
 * line ends and ring wrap-arounds fall at every offset), a line number (so
 * a lost or repeated line is easy to spot by eye), and pseudo-random
 * letters from a fixed-seed generator (so every run sends the same bytes).
 *
 * Whole lines are collected into chunks of up to 1 KiB and each chunk is
 * one printk call: a write call of many lines, which the console announces
 * to the backend once, not once per line.
 */
#include <monitor/selftest.h>
#include <tinypv/console.h>
#include <tinypv/printk.h>
#include <lib/cksum.h>
#include <tinypv/clock.h>
#include <lib/string.h>
#include <tinypv/xenstore.h>
#include <tinypv/events.h>

#define BURST_LINE_MAX  100     /* text bytes per line, before the newline */
#define BURST_CHUNK     1024    /* lines are handed to printk this many bytes at a time */

/* xorshift32: tiny, fast, and fully determined by its seed. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Fill line[0..len) with "NNNNNN " and letters; no newline. */
static void make_line(char *line, size_t len, uint32_t number, uint32_t *seed)
{
    static const char alphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+";
    char digits[8];
    size_t i = 0;

    snprintf(digits, sizeof(digits), "%06u ", number % 1000000);
    for ( ; i < len && digits[i]; i++ )
        line[i] = digits[i];
    for ( ; i < len; i++ )
        line[i] = alphabet[next_random(seed) % (sizeof(alphabet) - 1)];
}

/* Hand the collected lines to printk as one call. */
static void flush_chunk(char *chunk, size_t *used, uint32_t *calls)
{
    if ( *used == 0 )
        return;
    printk("%.*s", (int)*used, chunk);
    *used = 0;
    (*calls)++;
}

void selftest_burst(uint32_t bytes)
{
    char line[BURST_LINE_MAX], chunk[BURST_CHUNK];
    uint32_t seed = 0x7179a5e5, remaining = bytes, number = 0, calls = 0;
    size_t len, used = 0;
    struct cksum sum;
    struct console_stats before, after;
    uint64_t start_ns, elapsed_ms;

    printk("burst: begin %u bytes\n", bytes);
    console_flush();
    console_get_stats(&before);
    start_ns = monotonic_ns();
    cksum_init(&sum);
    console_set_tap(&sum);

    while ( remaining )
    {
        /* 1 to BURST_LINE_MAX text bytes, then the newline. */
        len = 1 + next_random(&seed) % BURST_LINE_MAX;
        if ( len + 1 > remaining )
            len = remaining - 1;
        make_line(line, len, number++, &seed);
        if ( used + len + 1 > sizeof(chunk) )
        {
            flush_chunk(chunk, &used, &calls);
            /*
             * The toolstack may ask for something meanwhile (xl save in
             * the middle of the burst): serve it between two chunks, so
             * a suspend sees the burst half done, as the tests want.
             */
            if ( xenstore_pending() )
                xenstore_process();
            /*
             * And end the turn as the main loop does: a port that used
             * its budget (the xenstore port, busy since boot) is unmasked
             * again, else the toolstack's request waits for the burst.
             */
            evtchn_end_turn();
        }
        memcpy(chunk + used, line, len);
        used += len;
        chunk[used++] = '\n';
        remaining -= len + 1;
    }
    flush_chunk(chunk, &used, &calls);

    console_set_tap(NULL);
    /* Measured until xenconsoled has taken the last byte. */
    console_flush();
    elapsed_ms = div_u64_rem(monotonic_ns() - start_ns, (uint32_t)NSEC_PER_MSEC,
                             NULL);
    console_get_stats(&after);

    printk("burst: end\n");
    printk("burst: cksum %u %llu\n", cksum_result(&sum),
           (unsigned long long)sum.length);
    printk("burst: %llu bytes in %llu ms, %u printk calls, %llu notifications, "
           "%llu waits on a full ring\n", (unsigned long long)sum.length,
           (unsigned long long)elapsed_ms, calls,
           (unsigned long long)(after.out.notifications - before.out.notifications),
           (unsigned long long)(after.out.full_waits - before.out.full_waits));
}
