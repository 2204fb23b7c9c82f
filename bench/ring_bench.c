/*
 * ring_bench.c: what the console ring writer (console/ring.c) costs, next
 * to the cheapest ring that could do the same job, measured in the same run.
 *
 * Part 1, a fast consumer. A consumer thread drains whatever is in a 2 KiB
 * ring as soon as it is woken, copies it out, and notifies the producer
 * after every drain (as xenconsoled does). Two producers feed it the same
 * bytes in the same write sizes:
 *
 *   writer     xencons_write() + xencons_kick() per call, on a real
 *              struct xencons_interface.
 *   baseline   a plain 2 KiB circular buffer: memcpy, publish the index,
 *              notify once per call and once before waiting on a full ring;
 *              no index validation, no state, no statistics, no callbacks.
 *
 * Both use the same futex-backed event channel (tests/stress/event.h) and
 * the same consumer code, so the ratio writer/baseline is the price of
 * ring.c's checks and structure, not of the handshake. Each cell is several
 * interleaved runs of ~0.15 s; the table gives the median and the range.
 *
 * Part 2, a backend that behaves like xenconsoled: it services at most 30
 * events per 200 ms (the port stays masked for the rest of the period, a
 * pending event is taken when it is unmasked), drains the whole ring once
 * per event and then notifies. Its ceiling is 150 drains/s x 2048 B =
 * 300 KiB/s; the writer's throughput is reported as a fraction of it.
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
#include <tinypv/ring.h>
#include <tinypv/barrier.h>
#include "event.h"

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

static const size_t sizes[] = { 1, 16, 80, 512, 4096 };
#define NSIZES          (sizeof(sizes) / sizeof(sizes[0]))

/* Where the bytes come from: a pool larger than a cache way, walked along. */
#define POOL_SPAN       65536u
static char pool[POOL_SPAN + 4096];

static struct xencons_interface page __aligned(4096);

/*
 * The baseline's ring, laid out like the out ring of the page: the data,
 * then the two indices side by side (in the page, out_cons and out_prod
 * share a cache line just after out[]).
 */
static struct {
    char buf[RING_SIZE];
    XENCONS_RING_IDX cons, prod;
} plain __aligned(4096);

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

/* --- the consumer ------------------------------------------------------------ */

struct consumer {
    char *ring;
    XENCONS_RING_IDX *prod, *cons;
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
    XENCONS_RING_IDX prod = load_acquire(c->prod);
    XENCONS_RING_IDX cons = read_once(c->cons);
    size_t n = prod - cons, off, first;

    if ( n > RING_SIZE )
    {
        fprintf(stderr, "ring_bench: corrupt indices %u/%u\n", prod, cons);
        abort();
    }
    off = cons & (RING_SIZE - 1);
    first = MIN(n, RING_SIZE - off);
    memcpy(c->sink, c->ring + off, first);
    memcpy(c->sink + first, c->ring, n - first);
    store_release(c->cons, cons + (XENCONS_RING_IDX)n);
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
        if ( load_acquire(c->prod) != read_once(c->cons) )
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

static void consumer_start(struct consumer *c, char *ring,
                           XENCONS_RING_IDX *prod, XENCONS_RING_IDX *cons,
                           bool model)
{
    memset(c, 0, sizeof(*c));
    c->ring = ring;
    c->prod = prod;
    c->cons = cons;
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

/* --- the two producers ------------------------------------------------------- */

static void writer_notify(void *ctx)
{
    event_notify(&to_consumer);
}

/* As the kernel's console_wait(): a notification or the deadline. */
static void writer_wait(void *ctx, unsigned int attempt, uint64_t deadline)
{
    event_wait(&to_producer, deadline);
}

static uint64_t writer_now(void *ctx)
{
    return now_ns();
}

static const struct xencons_ops writer_ops = {
    .notify = writer_notify,
    .wait = writer_wait,
    .now = writer_now,
};

/* The baseline: the same protocol with nothing but the protocol. */
static bool plain_unnotified __aligned(64);
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

/* --- timed runs ---------------------------------------------------------------- */

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

static struct result run_writer(size_t size, uint64_t total)
{
    struct xencons_writer w;
    struct consumer c;
    struct result r;
    uint64_t done, t0, t1;

    memset(&page, 0, sizeof(page));
    xencons_writer_init(&w, &page, &writer_ops, STALL_NS);
    consumer_start(&c, page.out, &page.out_prod, &page.out_cons, false);

    t0 = now_ns();
    for ( done = 0; done < total; done += size )
    {
        xencons_write(&w, src(done), size);
        xencons_kick(&w);
    }
    if ( !xencons_flush(&w, 2 * STALL_NS) )
        fail("writer: flush failed", size);
    t1 = now_ns();
    consumer_stop(&c);

    if ( w.stats.bytes != total || c.bytes != total || w.state != XENCONS_OK )
        fail("writer: bytes lost", size);
    r.mbps = total * 1e3 / (t1 - t0);
    r.notify_per_mib = w.stats.notifications / (total / MIB);
    r.calls_per_mib = (total / size) / (total / MIB);
    r.full_per_mib = w.stats.full_waits / (total / MIB);
    return r;
}

static struct result run_plain(size_t size, uint64_t total)
{
    struct consumer c;
    struct result r;
    uint64_t done, t0, t1;

    memset(&plain, 0, sizeof(plain));
    plain_unnotified = false;
    plain_notifications = 0;
    consumer_start(&c, plain.buf, &plain.prod, &plain.cons, false);

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
        fail("baseline: bytes lost", size);
    r.mbps = total * 1e3 / (t1 - t0);
    r.notify_per_mib = plain_notifications / (total / MIB);
    r.calls_per_mib = (total / size) / (total / MIB);
    r.full_per_mib = 0;
    return r;
}

/* How many bytes make a run of about TARGET_NS at this size (baseline speed). */
static uint64_t calibrate(size_t size)
{
    struct consumer c;
    uint64_t done = 0, t0, t1, total;

    memset(&plain, 0, sizeof(plain));
    consumer_start(&c, plain.buf, &plain.prod, &plain.cons, false);
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

static void bench_fast(int runs)
{
    printf("ring_bench: fast consumer, 2 KiB ring, %d runs of ~%llu ms per cell, "
           "median [min-max]\n", runs,
           (unsigned long long)(TARGET_NS / 1000000));
    printf("%6s  %-22s  %-22s  %-19s  %10s  %10s  %8s\n", "size",
           "writer MB/s", "baseline MB/s", "writer/baseline",
           "notify/MiB", "calls/MiB", "full/MiB");

    for ( size_t s = 0; s < NSIZES; s++ )
    {
        size_t size = sizes[s];
        uint64_t total = calibrate(size);
        double wr[MAX_RUNS], br[MAX_RUNS], ratio[MAX_RUNS], nt[MAX_RUNS],
            fl[MAX_RUNS];
        double w_med, w_lo, w_hi, b_med, b_lo, b_hi, r_med, r_lo, r_hi;
        double n_med, f_med, x;
        struct result a, b;

        for ( int i = 0; i < runs; i++ )
        {
            /* Alternate who goes first, so that neither gets a warmer cache. */
            if ( i % 2 == 0 )
            {
                a = run_writer(size, total);
                b = run_plain(size, total);
            }
            else
            {
                b = run_plain(size, total);
                a = run_writer(size, total);
            }
            wr[i] = a.mbps;
            br[i] = b.mbps;
            ratio[i] = a.mbps / b.mbps;
            nt[i] = a.notify_per_mib;
            fl[i] = a.full_per_mib;
        }
        summarise(wr, runs, &w_med, &w_lo, &w_hi);
        summarise(br, runs, &b_med, &b_lo, &b_hi);
        summarise(ratio, runs, &r_med, &r_lo, &r_hi);
        summarise(nt, runs, &n_med, &x, &x);
        summarise(fl, runs, &f_med, &x, &x);
        printf("%6zu  %8.1f [%5.1f-%5.1f]  %8.1f [%5.1f-%5.1f]  "
               "%5.2f [%4.2f-%4.2f]  %10.0f  %10.0f  %8.0f\n",
               size, w_med, w_lo, w_hi, b_med, b_lo, b_hi,
               r_med, r_lo, r_hi, n_med, MIB / size, f_med);
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
    printf("%6s  %9s  %10s  %9s  %11s  %10s  %8s  %6s\n", "size", "KiB/s",
           "of ceiling", "events/s", "bytes/event", "notify/MiB", "full/MiB",
           "stalls");

    for ( size_t s = 0; s < NSIZES; s++ )
    {
        size_t size = sizes[s];
        struct xencons_writer w;
        struct consumer c;
        uint64_t done = 0, t0, t1, end, got, events;

        memset(&page, 0, sizeof(page));
        xencons_writer_init(&w, &page, &writer_ops, STALL_NS);
        consumer_start(&c, page.out, &page.out_prod, &page.out_cons, true);

        t0 = now_ns();
        end = t0 + (uint64_t)(seconds * NS);
        while ( now_ns() < end )
        {
            xencons_write(&w, src(done), size);
            xencons_kick(&w);
            done += size;
        }
        t1 = now_ns();
        got = consumed(&c);
        consumer_stop(&c);
        events = c.events;

        printf("%6zu  %9.1f  %9.1f%%  %9.1f  %11.0f  %10.0f  %8.0f  %6u\n",
               size, got / 1024.0 / ((t1 - t0) / 1e9),
               100.0 * got / ((t1 - t0) / 1e9) / MODEL_CEILING,
               events / ((t1 - t0) / 1e9), events ? (double)got / events : 0.0,
               w.stats.notifications / (w.stats.bytes / MIB),
               w.stats.full_waits / (w.stats.bytes / MIB), w.stats.stalls);
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
    return 0;
}
