/*
 * stress_ring.c: the real console ring code (console/ring.c over
 * lib/byte_ring.c) under load, against a backend that runs on another CPU
 * at the same time (its moves are tests/common/fake_backend.c's).
 *
 * The shared page sits between two threads:
 *
 *   guest (main thread)   xencons_write() random sizes 1..8192, then
 *                         xencons_kick(); after every write, xencons_read()
 *                         whatever input is there, in random read sizes.
 *   backend (pthread)     consumes the out ring and produces into the in
 *                         ring in random chunks, with random yields, short
 *                         spins and sleeps between steps, and notifies the
 *                         guest after every step, as xenconsoled does.
 *
 * One guest thread drives both the writer and the reader, because that is
 * what the kernel does (one vCPU: console output, and input from the main
 * loop) and because ring.c promises one producer and one consumer per ring,
 * not per page. Notifications are futex-backed event channels (event.h):
 * a wait blocks until the other side notifies or a deadline passes.
 *
 * Each direction carries a pseudo-random stream in which byte i is a
 * function of (seed, i) alone, so the receiver can regenerate what it
 * should have got and compare chunk by chunk (a misplaced, lost, repeated
 * or torn byte shows up, with its offset). Both sides also hash the bytes
 * they sent and received, and the hashes and byte counts must agree.
 *
 * The indices start just below 2^32, so they wrap early in every run.
 *
 * Built twice by tests/stress/stress.mk: -O2, and -fsanitize=thread, for
 * which the ring's __atomic accesses are what orders the bytes in the ring
 * (see event.h for why the handshake does not hide a missing barrier).
 *
 * Usage: stress_ring [BYTES[K|M|G] [SEED]]   (default 1G, seed from the clock)
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <tinypv/ring.h>
#include <tinypv/barrier.h>
#include "event.h"
#include "check.h"
#include "fake_backend.h"

#define OUT_SIZE        sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE         sizeof(((struct xencons_interface *)0)->in)
#define MAX_WRITE       8192u
#define MIB             (1024.0 * 1024.0)

/*
 * No wait in this test should ever reach its deadline: each side notifies
 * whenever it makes progress the other may wait for. A wait that times out
 * therefore means a lost notification and fails the test. The stall limit
 * (the writer giving up on a full ring) is longer still.
 */
#define WAIT_NS         (2 * 1000000000ull)
#define STALL_NS        (10 * 1000000000ull)

static struct xencons_interface page __aligned(4096);
static struct fake_ring out_ring, in_ring;     /* the backend's view */
static struct event to_backend, to_guest;
static bool abort_run;          /* set by either side on a fatal error */

static uint64_t total;          /* bytes to send each way */
static uint64_t out_seed, in_seed;

/* --- the data: a seekable pseudo-random stream, and a streaming hash ------ */

/*
 * The helpers below touch only buffers private to one thread (never the
 * shared page), so ThreadSanitizer has nothing to learn from them; they are
 * left uninstrumented and call no libc routine it intercepts (memcpy with a
 * constant size of 8 becomes a plain load or store). Without this, checking
 * the data cost four times what moving it through the rings did, and
 * 1 GiB under TSan did not fit the time budget. The copies into and out of
 * the shared page (in ring.c and in the backend below) stay instrumented.
 *
 * The TSan build uses -fno-builtin-memcpy (see stress.mk), so that every
 * memcpy() is a call TSan intercepts; copy8() asks for the builtin by name
 * so that the 8-byte copies here still compile to one load or store.
 */
#define PRIVATE_DATA    __attribute__((no_sanitize_thread))
#define copy8(d, s)     __builtin_memcpy((d), (s), 8)

/* splitmix64's output function: a good bijective scramble of 64 bits. */
static PRIVATE_DATA uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static PRIVATE_DATA uint64_t stream_word(uint64_t seed, uint64_t index)
{
    return mix64(seed + index * 0x9e3779b97f4a7c15ull);
}

/* Bytes off..off+n-1 of stream `seed`: byte i is byte i%8 of word i/8. */
static PRIVATE_DATA void stream_fill(uint64_t seed, uint64_t off,
                                     unsigned char *p, size_t n)
{
    uint64_t word;

    for ( ; n && (off & 7); off++, n-- )
    {
        word = stream_word(seed, off >> 3);
        *p++ = (unsigned char)(word >> (8 * (off & 7)));
    }
    for ( ; n >= 8; off += 8, n -= 8, p += 8 )
    {
        word = stream_word(seed, off >> 3);
        copy8(p, &word);
    }
    for ( ; n; off++, n-- )
    {
        word = stream_word(seed, off >> 3);
        *p++ = (unsigned char)(word >> (8 * (off & 7)));
    }
}

/*
 * A 64-bit hash fed in arbitrary pieces: bytes are gathered into 8-byte
 * words, so the result depends on the bytes and their order, never on how
 * the stream was cut into chunks (which differs between the two sides).
 */
struct hash {
    uint64_t h, len;
    uint64_t tail;              /* the bytes of an unfinished word */
    unsigned int ntail;
};

static PRIVATE_DATA void hash_word(struct hash *s, uint64_t w)
{
    s->h = (s->h ^ w) * 0x9e3779b97f4a7c15ull;
    s->h ^= s->h >> 29;
}

static PRIVATE_DATA void hash_update(struct hash *s, const unsigned char *p,
                                     size_t n)
{
    uint64_t w;

    s->len += n;
    for ( ; n && s->ntail; n-- )
    {
        s->tail |= (uint64_t)*p++ << (8 * s->ntail++);
        if ( s->ntail == 8 )
        {
            hash_word(s, s->tail);
            s->tail = 0;
            s->ntail = 0;
        }
    }
    for ( ; n >= 8; p += 8, n -= 8 )
    {
        copy8(&w, p);
        hash_word(s, w);
    }
    for ( ; n; n-- )
        s->tail |= (uint64_t)*p++ << (8 * s->ntail++);
}

static PRIVATE_DATA uint64_t hash_final(const struct hash *s)
{
    struct hash t = *s;

    hash_word(&t, t.tail);
    hash_word(&t, t.len);
    return mix64(t.h);
}

/* What one receiving side checked. */
struct received {
    uint64_t bytes;
    struct hash hash;
    uint64_t bad_bytes;         /* bytes that differed from the stream */
    uint64_t first_bad;         /* stream offset of the first of them */
    uint64_t done_ns;           /* when the last byte arrived */
};

/* Compare a received chunk with the stream it should be, then hash it. */
static PRIVATE_DATA void receive(struct received *rx, uint64_t seed,
                                 const unsigned char *p, size_t n,
                                 unsigned char *scratch)
{
    size_t i = 0;
    uint64_t a, b;

    stream_fill(seed, rx->bytes, scratch, n);
    for ( ; i < n; i++ )
    {
        /* A word at a time while they agree, then byte by byte. */
        if ( n - i >= 8 )
        {
            copy8(&a, p + i);
            copy8(&b, scratch + i);
            if ( a == b )
            {
                i += 7;
                continue;
            }
        }
        if ( p[i] != scratch[i] && rx->bad_bytes++ == 0 )
            rx->first_bad = rx->bytes + i;
    }
    hash_update(&rx->hash, p, n);
    rx->bytes += n;
}

/* xorshift64*: the random choices (sizes, delays) of one thread. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    barrier();
#endif
}

/*
 * Shake the interleaving: mostly nothing, often a short spin, sometimes a
 * yield, rarely a real sleep (which costs ~60 us with timer slack, so it
 * must stay rare for 1 GiB to pass in reasonable time).
 */
static void random_delay(uint64_t *rng, unsigned int sleep_per_1024,
                         unsigned int yield_per_1024, unsigned int spin_per_1024)
{
    uint64_t r = rnd(rng);
    unsigned int pick = r & 1023;

    r >>= 10;
    if ( pick < sleep_per_1024 )
    {
        struct timespec ts = { 0, (long)(r % 100000) };
        nanosleep(&ts, NULL);
    }
    else if ( pick < sleep_per_1024 + yield_per_1024 )
        sched_yield();
    else if ( pick < sleep_per_1024 + yield_per_1024 + spin_per_1024 )
    {
        for ( unsigned int i = r % 64; i > 0; i-- )
            cpu_relax();
    }
}

/* --- the backend ---------------------------------------------------------- */

static struct {
    struct received out;        /* what it consumed from the out ring */
    uint64_t in_sent;           /* what it produced into the in ring */
    struct hash in_hash;
    uint64_t in_done_ns;
    uint64_t drains, fills;     /* steps that moved bytes */
    uint64_t waits, timeouts;   /* waits for the guest, and those that expired */
    uint64_t corrupt;           /* index pairs that made no sense */
    uint64_t rng;
} be;

static void abort_all(void)
{
    __atomic_store_n(&abort_run, true, __ATOMIC_RELAXED);
}

static bool aborted(void)
{
    return __atomic_load_n(&abort_run, __ATOMIC_RELAXED);
}

/* The backend found the indices nonsense: stop both sides. */
static bool backend_corrupt(void)
{
    be.corrupt++;
    abort_all();
    return false;
}

/* Take a random part (sometimes all) of what is in the out ring. */
static bool backend_drain(unsigned char *scratch, unsigned char *tmp)
{
    size_t avail = fake_queued(&out_ring), n;

    if ( avail == FAKE_CORRUPT )
        return backend_corrupt();
    if ( avail == 0 )
        return false;

    /* More may come meanwhile, never less: fake_take() takes all n. */
    n = (rnd(&be.rng) & 3) ? 1 + rnd(&be.rng) % avail : avail;
    if ( fake_take(&out_ring, tmp, n) != n )
        return backend_corrupt();

    receive(&be.out, out_seed, tmp, n, scratch);
    if ( be.out.bytes == total )
        be.out.done_ns = now_ns();
    be.drains++;
    event_notify(&to_guest);
    return true;
}

/* Put a random amount of the in stream into the in ring's free space. */
static bool backend_fill(unsigned char *tmp)
{
    size_t room, n;

    if ( be.in_sent == total )
        return false;
    room = fake_room(&in_ring);
    if ( room == FAKE_CORRUPT )
        return backend_corrupt();
    if ( room == 0 )
        return false;

    /* Often no more than xenconsoled's 80-byte pieces, sometimes all. */
    n = (rnd(&be.rng) & 1) ? 1 + rnd(&be.rng) % 80 : room;
    n = MIN(n, room);
    n = MIN((uint64_t)n, total - be.in_sent);
    stream_fill(in_seed, be.in_sent, tmp, n);
    hash_update(&be.in_hash, tmp, n);
    if ( fake_give(&in_ring, tmp, n) != n )
        return backend_corrupt();

    be.in_sent += n;
    if ( be.in_sent == total )
        be.in_done_ns = now_ns();
    be.fills++;
    event_notify(&to_guest);
    return true;
}

static void *backend_main(void *arg)
{
    static unsigned char scratch[OUT_SIZE], tmp[OUT_SIZE];

    while ( (be.out.bytes < total || be.in_sent < total) && !aborted() )
    {
        bool progress = backend_drain(scratch, tmp);

        progress |= backend_fill(tmp);
        random_delay(&be.rng, 4, 48, 256);
        if ( progress )
            continue;
        /* Nothing to do: sleep until the guest kicks or reads. */
        be.waits++;
        if ( !event_wait(&to_backend, now_ns() + WAIT_NS) && !aborted() )
            be.timeouts++;
    }
    return NULL;
}

/* --- the guest ------------------------------------------------------------ */

static struct {
    struct xencons_writer w;
    struct xencons_reader r;
    struct hash out_hash;
    uint64_t sent, write_calls, short_writes;
    struct received in;
    uint64_t reads;
    uint64_t wait_calls, wait_timeouts; /* the writer's wait callback */
    uint64_t idle_waits, idle_timeouts; /* waiting for input, all sent */
    bool flushed;
    uint64_t rng;
} g;

static void guest_notify(void *ctx)
{
    event_notify(&to_backend);
}

/*
 * As the kernel's console_wait(): until a notification or the deadline
 * ring.c chose, but here no longer than WAIT_NS, which no wait should need.
 */
static void guest_wait(void *ctx, unsigned int attempt, uint64_t deadline)
{
    g.wait_calls++;
    if ( !event_wait(&to_guest, MIN(deadline, now_ns() + WAIT_NS)) )
        g.wait_timeouts++;
}

static const struct xencons_ops guest_ops = {
    .notify = guest_notify,
    .wait = guest_wait,
    .now = event_clock,
};

/*
 * Half the writes uniform over 1..8192, half log-uniform, so that short
 * writes (a console's usual diet) are frequent as well as ring-sized ones.
 */
static size_t pick_write_size(void)
{
    uint64_t r = rnd(&g.rng);

    if ( r & 1 )
        return 1 + (r >> 1) % MAX_WRITE;
    return 1 + (r >> 8) % ((size_t)2 << ((r >> 1) % 13));
}

static void guest_take_input(unsigned char *buf, unsigned char *scratch)
{
    size_t n;

    for ( ;; )
    {
        n = xencons_read(&g.r, (char *)buf, 1 + rnd(&g.rng) % (IN_SIZE + 64));
        if ( n == 0 )
            break;
        g.reads++;
        receive(&g.in, in_seed, buf, n, scratch);
        if ( g.in.bytes == total )
            g.in.done_ns = now_ns();
    }
    if ( g.r.state != XENCONS_OK )
        abort_all();
}

static void guest_run(void)
{
    static unsigned char chunk[MAX_WRITE], inbuf[IN_SIZE + 64],
        scratch[IN_SIZE + 64];
    size_t n, done;

    while ( (g.sent < total || g.in.bytes < total) && !aborted() )
    {
        if ( g.sent < total )
        {
            n = pick_write_size();      /* not inside MIN(): it evaluates twice */
            n = MIN((uint64_t)n, total - g.sent);
            stream_fill(out_seed, g.sent, chunk, n);
            hash_update(&g.out_hash, chunk, n);
            done = xencons_write(&g.w, (const char *)chunk, n);
            g.write_calls++;
            g.sent += done;
            if ( done != n )
            {
                g.short_writes++;
                abort_all();
                break;
            }
            xencons_kick(&g.w);
        }

        guest_take_input(inbuf, scratch);

        if ( g.sent == total && g.in.bytes < total && !aborted() )
        {
            g.idle_waits++;
            if ( !event_wait(&to_guest, now_ns() + WAIT_NS) )
                g.idle_timeouts++;
        }
        random_delay(&g.rng, 0, 4, 64);
    }
    if ( !aborted() )
        g.flushed = xencons_flush(&g.w, STALL_NS);
    /* Wake the backend if it sleeps: on abort it must notice and stop. */
    event_notify(&to_backend);
}

/* --- main ----------------------------------------------------------------- */

static uint64_t parse_size(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);

    switch ( *end )
    {
    case 'G': case 'g': v <<= 30; break;
    case 'M': case 'm': v <<= 20; break;
    case 'K': case 'k': v <<= 10; break;
    case '\0': break;
    default:
        fprintf(stderr, "stress_ring: bad size '%s'\n", s);
        exit(2);
    }
    return v;
}

static double per_mib(uint64_t count, uint64_t bytes)
{
    return bytes ? count / (bytes / MIB) : 0.0;
}

int main(int argc, char **argv)
{
    uint64_t seed, t0, t1;
    XENCONS_RING_IDX out_start, in_start;
    pthread_t backend;

    total = parse_size(argc > 1 ? argv[1] : "1G");
    seed = argc > 2 ? strtoull(argv[2], NULL, 0) : now_ns();
    g.rng = mix64(seed) | 1;
    be.rng = mix64(seed + 1) | 1;
    out_seed = mix64(seed + 2);
    in_seed = mix64(seed + 3);
    /* Start up to 64 KiB below 2^32, so both rings wrap in the first MiB. */
    out_start = 0u - (XENCONS_RING_IDX)(mix64(seed + 4) % 65536);
    in_start = 0u - (XENCONS_RING_IDX)(mix64(seed + 5) % 65536);

    page.out_prod = page.out_cons = out_start;
    page.in_prod = page.in_cons = in_start;
    out_ring = FAKE_RING(page.out, &page.out_prod, &page.out_cons);
    in_ring = FAKE_RING(page.in, &page.in_prod, &page.in_cons);
    xencons_writer_init(&g.w, &page, &guest_ops, STALL_NS);
    xencons_reader_init(&g.r, &page, &guest_ops);

    printf("stress_ring: %" PRIu64 " bytes each way, seed %" PRIu64
           " (out from 0x%08x, in from 0x%08x)\n",
           total, seed, out_start, in_start);
    fflush(stdout);

    t0 = now_ns();
    if ( pthread_create(&backend, NULL, backend_main, NULL) != 0 )
    {
        perror("pthread_create");
        return 2;
    }
    guest_run();
    pthread_join(backend, NULL);
    t1 = now_ns();

    printf("  total     %.2f s for both directions at once\n", (t1 - t0) / 1e9);
    printf("  out       %" PRIu64 " bytes, %.2f s, %.0f MiB/s; hash sent %016"
           PRIx64 " received %016" PRIx64 "\n", be.out.bytes,
           be.out.done_ns ? (be.out.done_ns - t0) / 1e9 : 0.0,
           be.out.done_ns ? be.out.bytes / MIB / ((be.out.done_ns - t0) / 1e9) : 0.0,
           hash_final(&g.out_hash), hash_final(&be.out.hash));
    printf("  in        %" PRIu64 " bytes, %.2f s, %.0f MiB/s; hash sent %016"
           PRIx64 " received %016" PRIx64 "\n", g.in.bytes,
           g.in.done_ns ? (g.in.done_ns - t0) / 1e9 : 0.0,
           g.in.done_ns ? g.in.bytes / MIB / ((g.in.done_ns - t0) / 1e9) : 0.0,
           hash_final(&be.in_hash), hash_final(&g.in.hash));
    printf("  writer    %" PRIu64 " write calls (%.1f/MiB), %" PRIu64
           " notifications (%.1f/MiB), %" PRIu64 " full-ring waits (%.1f/MiB), "
           "%" PRIu64 " wait calls\n",
           g.write_calls, per_mib(g.write_calls, g.sent),
           g.w.stats.notifications, per_mib(g.w.stats.notifications, g.sent),
           g.w.stats.full_waits, per_mib(g.w.stats.full_waits, g.sent),
           g.wait_calls);
    printf("  reader    %" PRIu64 " reads, %" PRIu64 " notifications (%.1f/MiB); "
           "%" PRIu64 " idle waits\n", g.reads, g.r.stats.notifications,
           per_mib(g.r.stats.notifications, g.in.bytes), g.idle_waits);
    printf("  backend   %" PRIu64 " drains, %" PRIu64 " fills, %" PRIu64
           " notifications (%.1f/MiB moved), %" PRIu64 " waits\n",
           be.drains, be.fills, to_guest.notifies,
           per_mib(to_guest.notifies, be.out.bytes + be.in_sent), be.waits);
    printf("  futex     guest->backend %" PRIu64 " wakes / %" PRIu64
           " sleeps, backend->guest %" PRIu64 " wakes / %" PRIu64 " sleeps\n",
           to_backend.wakes, to_backend.sleeps, to_guest.wakes, to_guest.sleeps);
    if ( be.out.bad_bytes )
        printf("  out: %" PRIu64 " bad bytes, first at offset %" PRIu64 "\n",
               be.out.bad_bytes, be.out.first_bad);
    if ( g.in.bad_bytes )
        printf("  in: %" PRIu64 " bad bytes, first at offset %" PRIu64 "\n",
               g.in.bad_bytes, g.in.first_bad);

    /* Everything arrived, intact, in order, and both sides agree. */
    CHECK(!aborted());
    CHECK_EQ(g.sent, total);
    CHECK_EQ(g.w.stats.bytes, total);
    CHECK_EQ(be.out.bytes, total);
    CHECK_EQ(be.out.bad_bytes, 0);
    CHECK_EQ(hash_final(&g.out_hash), hash_final(&be.out.hash));
    CHECK_EQ(be.in_sent, total);
    CHECK_EQ(g.in.bytes, total);
    CHECK_EQ(g.r.stats.bytes, total);
    CHECK_EQ(g.in.bad_bytes, 0);
    CHECK_EQ(hash_final(&be.in_hash), hash_final(&g.in.hash));

    /* The rings stayed sane and the writer never gave up. */
    CHECK(g.w.state == XENCONS_OK);
    CHECK(g.r.state == XENCONS_OK);
    CHECK_EQ(be.corrupt, 0);
    CHECK_EQ(g.short_writes, 0);
    CHECK_EQ(g.w.stats.stalls, 0);
    CHECK_EQ(g.w.stats.dropped, 0);
    CHECK(g.flushed);
    CHECK_EQ(page.out_prod, (XENCONS_RING_IDX)(out_start + total));
    CHECK_EQ(page.out_cons, page.out_prod);
    CHECK_EQ(page.in_cons, (XENCONS_RING_IDX)(in_start + total));

    /* No notification was lost: no wait ran into its deadline. */
    CHECK_EQ(g.wait_timeouts, 0);
    CHECK_EQ(g.idle_timeouts, 0);
    CHECK_EQ(be.timeouts, 0);

    /*
     * The writer's notification budget: one per write call (the kick), plus
     * one per full-ring wait. The reader notifies once per read that took
     * something.
     */
    CHECK(g.w.stats.notifications <= g.write_calls + g.w.stats.full_waits);
    CHECK_EQ(g.r.stats.notifications, g.reads);

    return check_summary("stress_ring");
}
