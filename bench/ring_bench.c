/*
 * ring_bench.c: what the console ring writer (console/ring.c) costs, next
 * to the cheapest ring that could do the same job, measured in the same run;
 * and, with BENCH_BASELINE=REV (bench/bench.mk), next to the writer of git
 * revision REV as well.
 *
 * Part 1, a fast consumer. A consumer thread drains whatever is in a 2 KiB
 * ring as soon as it is woken, copies it out, and notifies the producer
 * after every drain (as xenconsoled does). The producers feed it the same
 * bytes in the same write sizes:
 *
 *   writer     xencons_write() + xencons_kick() per call, on a real
 *              struct xencons_interface (through bench/writer.h's table).
 *   before     the same, with REV's console/ring.c (BENCH_BASELINE only).
 *   memcpy     a plain 2 KiB circular buffer: memcpy, publish the index,
 *              notify once per call and once before waiting on a full ring;
 *              no index validation, no state, no statistics, no callbacks.
 *
 * All use the same futex-backed event channel (tests/stress/event.h) and
 * the same consumer code (tests/common/fake_backend.c's fake_take()), so
 * the ratio writer/memcpy is the price of the writer's checks and
 * structure, not of the handshake, and writer/before what changed since
 * REV. Each cell is several interleaved runs of ~0.15 s; the table gives
 * the median and the range.
 *
 * Part 2, a backend that behaves like xenconsoled: it services at most 30
 * events per 200 ms (the port stays masked for the rest of the period, a
 * pending event is taken when it is unmasked), drains the whole ring once
 * per event and then notifies. Its ceiling is 150 drains/s x 2048 B =
 * 300 KiB/s; each writer's throughput is reported as a fraction of it.
 *
 * Part 3, the code alone: one thread writes (and kicks) and then drains
 * the ring itself, so no wait and no futex syscall is ever made (a
 * notification is event_notify() on an event nobody sleeps on). The cost
 * per call, in ns, of each producer: the least of COST_ROUNDS rounds of
 * COST_CALLS calls, rounds of each producer taken in turn.
 *
 * Usage: ring_bench [RUNS [MODEL_SECONDS]]   (defaults 7 and 2)
 */
#define _GNU_SOURCE             /* sched_getaffinity, pthread_setaffinity_np */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/xen.h>
#include <xen/io/console.h>
#include <tinypv/barrier.h>
#include "event.h"
#include "fake_backend.h"
#include "writer.h"

#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))

#define RING_SIZE       2048u
#define MIB             (1024.0 * 1024.0)
#define NS              1000000000ull

#define TARGET_NS       (150 * 1000000ull)  /* one timed run */
#define PILOT_NS        (30 * 1000000ull)   /* calibration run */
#define MAX_RUNS        25

#define MODEL_PERIOD_NS (200 * 1000000ull)
#define MODEL_EVENTS    30
#define MODEL_CEILING   (MODEL_EVENTS * (NS / MODEL_PERIOD_NS) * RING_SIZE)

#define STALL_NS        (5 * NS)            /* CONSOLE_STALL_TIMEOUT_MS */

#define COST_ROUNDS     15
#define COST_CALLS      200000

static const size_t sizes[] = { 1, 16, 80, 512, 4096 };
#define NSIZES          (sizeof(sizes) / sizeof(sizes[0]))

/* Where the bytes come from: a pool larger than a cache way, walked along. */
#define POOL_SPAN       65536u
static char pool[POOL_SPAN + 4096];

static struct xencons_interface page __attribute__((aligned(4096)));

/* Only in a BENCH_BASELINE build (see writer.h). */
extern const struct bench_writer bench_writer_baseline __attribute__((weak));

/*
 * The memcpy ring, laid out like the out ring of the page: the data,
 * then the two indices side by side (in the page, out_cons and out_prod
 * share a cache line just after out[]).
 */
static struct {
    char buf[RING_SIZE];
    XENCONS_RING_IDX cons, prod;
} plain __attribute__((aligned(4096)));

static struct event to_consumer, to_producer;

/*
 * Producer and consumer each get a CPU of their own when there are two:
 * like a guest vCPU and dom0's, and steadier than letting the scheduler
 * sometimes put both on one CPU (which trades wake-up IPIs for context
 * switches and changes the figures by a factor of two or more).
 */
static int cpu_a = -1, cpu_b = -1;

static void pick_cpus(void)
{
    cpu_set_t set;

    if ( sched_getaffinity(0, sizeof(set), &set) != 0 )
        return;
    for ( int i = 0; i < CPU_SETSIZE; i++ )
    {
        if ( !CPU_ISSET(i, &set) )
            continue;
        if ( cpu_a < 0 )
            cpu_a = i;
        else if ( cpu_b < 0 )
            cpu_b = i;
    }
    if ( cpu_b < 0 )
        cpu_a = -1;             /* one CPU: nothing to pin */
}

static void pin(pthread_t t, int cpu)
{
    cpu_set_t set;

    if ( cpu < 0 )
        return;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(t, sizeof(set), &set);
}

/* --- the consumer --------------------------------------------------------- */

struct consumer {
    struct fake_ring ring;
    bool model;                 /* behave like xenconsoled */
    bool stop;
    uint64_t bytes;             /* read by the producer while running */
    uint64_t drains, events;
    pthread_t thread;
    char sink[RING_SIZE];
};

/* Take everything in the ring; tell the producer. Returns bytes taken. */
static size_t drain(struct consumer *c)
{
    size_t n = fake_take(&c->ring, c->sink, RING_SIZE);

    if ( n == FAKE_CORRUPT )
    {
        fprintf(stderr, "ring_bench: corrupt indices %u/%u\n",
                *c->ring.prod, *c->ring.cons);
        abort();
    }
    __atomic_store_n(&c->bytes, c->bytes + n, __ATOMIC_RELAXED);
    c->drains++;
    return n;
}

static bool stopping(struct consumer *c)
{
    return __atomic_load_n(&c->stop, __ATOMIC_RELAXED);
}

/* Drain as soon as there is something; sleep when there is nothing. */
static void consume_fast(struct consumer *c)
{
    for ( ;; )
    {
        if ( fake_queued(&c->ring) != 0 )
        {
            drain(c);
            event_notify(&to_producer);
            continue;
        }
        if ( stopping(c) )
            break;
        event_wait(&to_consumer, now_ns() + NS / 10);
    }
}

/*
 * xenconsoled: one drain per event, at most MODEL_EVENTS events per period;
 * after that the port is masked until the period ends, and events that
 * arrive meanwhile stay pending (coalesced into one).
 */
static void consume_model(struct consumer *c)
{
    uint64_t period_end = now_ns() + MODEL_PERIOD_NS, now;
    unsigned int count = 0;

    while ( !stopping(c) )
    {
        now = now_ns();
        if ( now >= period_end )
        {
            while ( period_end <= now )
                period_end += MODEL_PERIOD_NS;
            count = 0;
        }
        if ( count >= MODEL_EVENTS )
        {
            sleep_until_ns(period_end);
            continue;
        }
        if ( !event_wait(&to_consumer, MIN(period_end, now + NS / 10)) )
            continue;
        count++;
        c->events++;
        drain(c);
        event_notify(&to_producer);
    }
}

static void *consumer_main(void *arg)
{
    struct consumer *c = arg;

    if ( c->model )
        consume_model(c);
    else
        consume_fast(c);
    return NULL;
}

static void consumer_start(struct consumer *c, struct fake_ring ring,
                           bool model)
{
    memset(c, 0, sizeof(*c));
    c->ring = ring;
    c->model = model;
    memset(&to_consumer, 0, sizeof(to_consumer));
    memset(&to_producer, 0, sizeof(to_producer));
    if ( pthread_create(&c->thread, NULL, consumer_main, c) != 0 )
    {
        perror("pthread_create");
        exit(2);
    }
    pin(c->thread, cpu_b);
}

static void consumer_stop(struct consumer *c)
{
    __atomic_store_n(&c->stop, true, __ATOMIC_RELAXED);
    event_notify(&to_consumer);
    pthread_join(c->thread, NULL);
}

static uint64_t consumed(struct consumer *c)
{
    return __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
}

/* --- the producers -------------------------------------------------------- */

static void writer_notify(void *ctx)
{
    event_notify(&to_consumer);
}

/* As the kernel's console_wait(): a notification or the deadline. */
static void writer_wait(void *ctx, unsigned int attempt, uint64_t deadline)
{
    event_wait(&to_producer, deadline);
}

static const struct bench_writer_ops writer_ops = {
    .notify = writer_notify,
    .wait = writer_wait,
    .now = event_clock,
};

static struct fake_ring page_out(void)
{
    return FAKE_RING(page.out, &page.out_prod, &page.out_cons);
}

/* memcpy: the same protocol with nothing but the protocol. */
static bool plain_unnotified __attribute__((aligned(64)));
static uint64_t plain_notifications;

static void plain_kick(void)
{
    if ( !plain_unnotified )
        return;
    plain_unnotified = false;
    plain_notifications++;
    event_notify(&to_consumer);
}

static void plain_write(const char *buf, size_t len)
{
    XENCONS_RING_IDX prod, cons;
    size_t space, n, off, first;

    while ( len )
    {
        cons = load_acquire(&plain.cons);
        prod = plain.prod;
        space = RING_SIZE - (prod - cons);
        if ( space == 0 )
        {
            plain_kick();
            event_wait(&to_producer, now_ns() + STALL_NS);
            continue;
        }
        n = MIN(space, len);
        off = prod & (RING_SIZE - 1);
        first = MIN(n, RING_SIZE - off);
        memcpy(plain.buf + off, buf, first);
        memcpy(plain.buf, buf + first, n - first);
        store_release(&plain.prod, prod + (XENCONS_RING_IDX)n);
        plain_unnotified = true;
        buf += n;
        len -= n;
    }
}

static void plain_flush(void)
{
    plain_kick();
    while ( load_acquire(&plain.cons) != plain.prod )
        event_wait(&to_producer, now_ns() + STALL_NS);
}

/* --- timed runs ----------------------------------------------------------- */

struct result {
    double mbps;                /* 10^6 bytes per second */
    double notify_per_mib, calls_per_mib, full_per_mib;
};

static const char *src(uint64_t done)
{
    return pool + (done % POOL_SPAN);
}

static void fail(const char *what, size_t size)
{
    fprintf(stderr, "ring_bench: %s (write size %zu)\n", what, size);
    exit(1);
}

static struct result run_writer(const struct bench_writer *bw, size_t size,
                                uint64_t total)
{
    struct bench_writer_stats st;
    struct consumer c;
    struct result r;
    uint64_t done, t0, t1;

    memset(&page, 0, sizeof(page));
    bw->start(&page, &writer_ops, STALL_NS);
    consumer_start(&c, page_out(), false);

    t0 = now_ns();
    for ( done = 0; done < total; done += size )
        bw->write(src(done), size);
    if ( !bw->flush(2 * STALL_NS) )
        fail("writer: flush failed", size);
    t1 = now_ns();
    consumer_stop(&c);

    bw->stats(&st);
    if ( st.bytes != total || c.bytes != total || !st.ok )
        fail("writer: bytes lost", size);
    r.mbps = total * 1e3 / (t1 - t0);
    r.notify_per_mib = st.notifications / (total / MIB);
    r.calls_per_mib = (total / size) / (total / MIB);
    r.full_per_mib = st.full_waits / (total / MIB);
    return r;
}

static struct fake_ring plain_ring(void)
{
    return FAKE_RING(plain.buf, &plain.prod, &plain.cons);
}

static struct result run_plain(size_t size, uint64_t total)
{
    struct consumer c;
    struct result r;
    uint64_t done, t0, t1;

    memset(&plain, 0, sizeof(plain));
    plain_unnotified = false;
    plain_notifications = 0;
    consumer_start(&c, plain_ring(), false);

    t0 = now_ns();
    for ( done = 0; done < total; done += size )
    {
        plain_write(src(done), size);
        plain_kick();
    }
    plain_flush();
    t1 = now_ns();
    consumer_stop(&c);

    if ( c.bytes != total )
        fail("memcpy: bytes lost", size);
    r.mbps = total * 1e3 / (t1 - t0);
    r.notify_per_mib = plain_notifications / (total / MIB);
    r.calls_per_mib = (total / size) / (total / MIB);
    r.full_per_mib = 0;
    return r;
}

/* How many bytes make a run of about TARGET_NS at this size (memcpy speed). */
static uint64_t calibrate(size_t size)
{
    struct consumer c;
    uint64_t done = 0, t0, t1, total;

    memset(&plain, 0, sizeof(plain));
    consumer_start(&c, plain_ring(), false);
    t0 = now_ns();
    do
    {
        plain_write(src(done), size);
        plain_kick();
        done += size;
    } while ( now_ns() - t0 < PILOT_NS );
    plain_flush();
    t1 = now_ns();
    consumer_stop(&c);

    total = (uint64_t)((double)done * TARGET_NS / (t1 - t0));
    total -= total % size;
    return MAX(total, 64 * (uint64_t)size);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median, minimum and maximum of n values (sorted in place). */
static void summarise(double *v, int n, double *med, double *lo, double *hi)
{
    qsort(v, n, sizeof(*v), cmp_double);
    *med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    *lo = v[0];
    *hi = v[n - 1];
}

static const struct bench_writer *baseline(void)
{
    return &bench_writer_baseline ? &bench_writer_baseline : NULL;
}

/*
 * Run i of a cell: each producer once, in an order that turns with i, so
 * that none always gets the warmest (or coldest) cache.
 */
static void run_cell(int i, size_t size, uint64_t total, struct result *w,
                     struct result *m, struct result *b)
{
    int n = baseline() ? 3 : 2;

    for ( int k = 0; k < n; k++ )
    {
        switch ( (i + k) % n )
        {
        case 0: *w = run_writer(&bench_writer_tree, size, total); break;
        case 1: *m = run_plain(size, total); break;
        default: *b = run_writer(baseline(), size, total); break;
        }
    }
}

/* "med [lo-hi]" of n values, in width w. */
static void print_range(double *v, int n, const char *fmt, int w)
{
    char cell[64];
    double med, lo, hi;

    summarise(v, n, &med, &lo, &hi);
    snprintf(cell, sizeof(cell), fmt, med, lo, hi);
    printf("  %-*s", w, cell);
}

static void bench_fast(int runs)
{
    bool before = baseline() != NULL;

    printf("ring_bench: fast consumer, 2 KiB ring, %d runs of ~%llu ms per cell, "
           "median [min-max]\n", runs,
           (unsigned long long)(TARGET_NS / 1000000));
    if ( before )
        printf("            before: %s\n", baseline()->name);
    printf("%6s  %-22s  %-22s  %-19s", "size", "writer MB/s", "memcpy MB/s",
           "writer/memcpy");
    if ( before )
        printf("  %-22s  %-19s", "before MB/s", "writer/before");
    printf("  %10s  %10s  %8s\n", "notify/MiB", "calls/MiB", "full/MiB");

    for ( size_t s = 0; s < NSIZES; s++ )
    {
        size_t size = sizes[s];
        uint64_t total = calibrate(size);
        double wr[MAX_RUNS], mr[MAX_RUNS], br[MAX_RUNS], w_m[MAX_RUNS],
            w_b[MAX_RUNS], nt[MAX_RUNS], fl[MAX_RUNS];
        double n_med, f_med, x;
        struct result w = { 0 }, m = { 0 }, b = { 0 };

        for ( int i = 0; i < runs; i++ )
        {
            run_cell(i, size, total, &w, &m, &b);
            wr[i] = w.mbps;
            mr[i] = m.mbps;
            br[i] = b.mbps;
            w_m[i] = w.mbps / m.mbps;
            w_b[i] = before ? w.mbps / b.mbps : 0;
            nt[i] = w.notify_per_mib;
            fl[i] = w.full_per_mib;
        }
        printf("%6zu", size);
        print_range(wr, runs, "%8.1f [%5.1f-%5.1f]", 22);
        print_range(mr, runs, "%8.1f [%5.1f-%5.1f]", 22);
        print_range(w_m, runs, "%5.2f [%4.2f-%4.2f]", 19);
        if ( before )
        {
            print_range(br, runs, "%8.1f [%5.1f-%5.1f]", 22);
            print_range(w_b, runs, "%5.2f [%4.2f-%4.2f]", 19);
        }
        summarise(nt, runs, &n_med, &x, &x);
        summarise(fl, runs, &f_med, &x, &x);
        printf("  %10.0f  %10.0f  %8.0f\n", n_med, MIB / size, f_med);
        fflush(stdout);
    }
}

static void bench_model_writer(const struct bench_writer *bw, double seconds)
{
    for ( size_t s = 0; s < NSIZES; s++ )
    {
        size_t size = sizes[s];
        struct bench_writer_stats st;
        struct consumer c;
        uint64_t done = 0, t0, t1, end, got, events;

        memset(&page, 0, sizeof(page));
        bw->start(&page, &writer_ops, STALL_NS);
        consumer_start(&c, page_out(), true);

        t0 = now_ns();
        end = t0 + (uint64_t)(seconds * NS);
        while ( now_ns() < end )
        {
            bw->write(src(done), size);
            done += size;
        }
        t1 = now_ns();
        got = consumed(&c);
        consumer_stop(&c);
        events = c.events;
        bw->stats(&st);

        printf("%-7s %6zu  %9.1f  %9.1f%%  %9.1f  %11.0f  %10.0f  %8.0f  %6u\n",
               bw == &bench_writer_tree ? "writer" : "before", size,
               got / 1024.0 / ((t1 - t0) / 1e9),
               100.0 * got / ((t1 - t0) / 1e9) / MODEL_CEILING,
               events / ((t1 - t0) / 1e9), events ? (double)got / events : 0.0,
               st.notifications / (st.bytes / MIB),
               st.full_waits / (st.bytes / MIB), st.stalls);
        fflush(stdout);
    }
}

static void bench_model(double seconds)
{
    printf("\nring_bench: xenconsoled model (%d events per %llu ms, one drain "
           "per event), %.0f s per size;\n"
           "            ceiling %d x %d B/s = %llu B/s (%.0f KiB/s)\n",
           MODEL_EVENTS, (unsigned long long)(MODEL_PERIOD_NS / 1000000),
           seconds, MODEL_EVENTS * (int)(NS / MODEL_PERIOD_NS), RING_SIZE,
           (unsigned long long)MODEL_CEILING, MODEL_CEILING / 1024.0);
    printf("%-7s %6s  %9s  %10s  %9s  %11s  %10s  %8s  %6s\n", "", "size",
           "KiB/s", "of ceiling", "events/s", "bytes/event", "notify/MiB",
           "full/MiB", "stalls");
    bench_model_writer(&bench_writer_tree, seconds);
    if ( baseline() )
        bench_model_writer(baseline(), seconds);
}

/* --- the code alone ------------------------------------------------------ */

static char cost_sink[RING_SIZE];

/* Up to a whole ring: never a wait. */
static const size_t cost_sizes[] = { 1, 16, 80, 512, RING_SIZE };

/* ns per call of one round: write size bytes, then take them back out. */
static double cost_round(const struct bench_writer *bw, size_t size)
{
    struct fake_ring out = page_out(), mem = plain_ring();
    uint64_t t0, done = 0;

    memset(&page, 0, sizeof(page));
    memset(&plain, 0, sizeof(plain));
    if ( bw )
        bw->start(&page, &writer_ops, STALL_NS);
    t0 = now_ns();
    for ( int i = 0; i < COST_CALLS; i++, done += size )
    {
        if ( bw )
        {
            bw->write(src(done), size);
            fake_take(&out, cost_sink, RING_SIZE);
        }
        else
        {
            plain_write(src(done), size);
            plain_kick();
            fake_take(&mem, cost_sink, RING_SIZE);
        }
    }
    return (double)(now_ns() - t0) / COST_CALLS;
}

static void bench_cost(void)
{
    const struct bench_writer *who[] = { &bench_writer_tree, NULL, baseline() };
    int n = baseline() ? 3 : 2;

    printf("\nring_bench: the code alone, one thread, no waits; ns per call "
           "(write + kick + drain),\n            the least of %d rounds of "
           "%d calls\n", COST_ROUNDS, COST_CALLS);
    printf("%6s  %8s  %8s%s\n", "size", "writer", "memcpy",
           baseline() ? "    before" : "");
    for ( size_t s = 0; s < sizeof(cost_sizes) / sizeof(cost_sizes[0]); s++ )
    {
        double best[3] = { 1e18, 1e18, 1e18 }, v;

        for ( int round = 0; round < COST_ROUNDS; round++ )
            for ( int k = 0; k < n; k++ )
            {
                v = cost_round(who[k], cost_sizes[s]);
                best[k] = v < best[k] ? v : best[k];
            }
        printf("%6zu  %8.1f  %8.1f", cost_sizes[s], best[0], best[1]);
        if ( baseline() )
            printf("  %8.1f", best[2]);
        printf("\n");
        fflush(stdout);
    }
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 7;
    double model_seconds = argc > 2 ? atof(argv[2]) : 2.0;

    if ( runs < 1 || runs > MAX_RUNS )
    {
        fprintf(stderr, "ring_bench: RUNS must be 1..%d\n", MAX_RUNS);
        return 2;
    }
    for ( size_t i = 0; i < sizeof(pool); i++ )
        pool[i] = (char)(' ' + i % 95);
    pick_cpus();
    pin(pthread_self(), cpu_a);

    bench_fast(runs);
    if ( model_seconds > 0 )
        bench_model(model_seconds);
    bench_cost();
    return 0;
}
