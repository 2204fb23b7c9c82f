/*
 * cmd_disk.c: the monitor's `disk` command, over blkfront
 * (<tinypv/blkfront.h>). Sectors are 512 bytes here, whatever the
 * disk's sector-size.
 *
 *   disk                       every disk: name, state, sectors, read-only,
 *                              flush, backend, requests so far
 *   disk read DEV SECTOR [N]   N sectors (1 by default, at most 8) as a
 *                              hex dump, offsets from the disk's start
 *   disk write DEV SECTOR TEXT one sector: TEXT, then zeros; flushed when
 *                              the backend offers it
 *   disk cksum DEV [SECTORS [PASSES]]
 *                              the POSIX cksum of the first SECTORS
 *                              sectors (`all`, the default: the whole
 *                              disk): `DEV: cksum CRC LENGTH`, to compare
 *                              with dom0's `cksum` of the backing file;
 *                              PASSES times, a line each (the tests keep
 *                              a read going across xl save this way)
 *   disk bench DEV [PASSES]    read the whole disk PASSES times (1 by
 *                              default), up to BLKIF_BOOK_SLOTS requests
 *                              in flight: MiB/s, and what it cost:
 *                              requests, grant references they carried,
 *                              grants made meanwhile (none: the buffers
 *                              are granted at connect) and notifications
 *                              to the backend (make bench)
 *
 * Each waits in the main loop (kernel_idle), so the toolstack is served
 * meanwhile; ^C stops it.
 */
#include <monitor/disk.h>
#include <monitor/shell.h>
#include <monitor/shell_parse.h>
#include <tinypv/blkfront.h>
#include <tinypv/gnttab.h>
#include <tinypv/kernel.h>
#include <tinypv/clock.h>
#include <tinypv/printk.h>
#include <lib/cksum.h>
#include <lib/div64.h>
#include <lib/string.h>

#define SECTOR          512
#define READ_MAX        8           /* sectors `disk read` shows at most */
#define TEXT_MAX        SECTOR
#define PASSES_MAX      100000      /* cksum and bench repeat at most */

static uint8_t buf[BLKIF_BOOK_SECTORS * SECTOR];

static void list_one(struct blkfront *bf, void *ctx)
{
    struct blkfront_info in;

    blkfront_get_info(bf, &in);
    (*(unsigned int *)ctx)++;
    printk("%s: %s", in.name, in.state);
    if ( in.sectors )
        printk(", %llu sectors (%llu KiB), sector-size %u, %s, %s%s",
               (unsigned long long)in.sectors,
               (unsigned long long)(in.sectors >> 1), in.sector_size,
               in.readonly ? "read-only" : "read-write",
               in.flush ? "flush" : "no flush",
               in.persistent ? ", persistent grants" : "");
    printk("\n  backend %s; requests %llu, done %llu, failed %llu, issued "
           "again %llu, notifications %llu\n", in.backend ? in.backend :
           "(none)", (unsigned long long)in.issued,
           (unsigned long long)in.completed, (unsigned long long)in.failed,
           (unsigned long long)in.reissued,
           (unsigned long long)in.notifications);
    if ( in.why )
        printk("  %s\n", in.why);
}

static void disk_list(void)
{
    unsigned int n = 0;

    blkfront_for_each(list_one, &n);
    printk("disk: %u disk%s\n", n, n == 1 ? "" : "s");
}

static struct blkfront *find(const char *name)
{
    struct blkfront *bf = blkfront_find(name);

    if ( !bf )
        printk("disk: no disk %s (`disk` lists them)\n", name);
    return bf;
}

static bool parse_count(const char *text, int *out, const char *what)
{
    if ( shell_parse_int(text, out) == 0 && *out >= 0 )
        return true;
    printk("disk: %s: not a number of sectors: %s\n", what, text);
    return false;
}

/* PASSES for cksum and bench: 1 when absent, else 1 to PASSES_MAX. */
static bool parse_passes(int argc, char **argv, int at, int *out)
{
    *out = 1;
    if ( argc <= at )
        return true;
    if ( shell_parse_int(argv[at], out) == 0 && *out >= 1 &&
         *out <= PASSES_MAX )
        return true;
    printk("disk: PASSES: 1 to %u, not %s\n", PASSES_MAX, argv[at]);
    return false;
}

static void fail(const char *name, const char *op, uint64_t sector, int rc)
{
    printk("disk: %s: %s at sector %llu: %s\n", name, op,
           (unsigned long long)sector, blkfront_strerror(rc));
}

static void hex_dump(const uint8_t *p, size_t n, uint64_t base)
{
    for ( size_t off = 0; off < n; off += 16 )
    {
        char ascii[17];

        printk("%08llx ", (unsigned long long)(base + off));
        for ( size_t i = 0; i < 16; i++ )
        {
            uint8_t c = p[off + i];

            printk(" %02x", c);
            ascii[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
        }
        ascii[16] = '\0';
        printk("  |%s|\n", ascii);
    }
}

static void disk_read(struct blkfront *bf, const char *name, int argc,
                      char **argv)
{
    int sector, count = 1, rc;

    if ( !parse_count(argv[3], &sector, "SECTOR") ||
         (argc > 4 && !parse_count(argv[4], &count, "COUNT")) )
        return;
    if ( count < 1 || count > READ_MAX )
    {
        printk("disk: read shows 1 to %u sectors\n", READ_MAX);
        return;
    }
    rc = blkfront_rw(bf, BLKIF_OP_READ, (uint64_t)sector,
                     (unsigned int)count, buf, shell_interrupted);
    if ( rc < 0 )
    {
        fail(name, "read", (uint64_t)sector, rc);
        return;
    }
    hex_dump(buf, (size_t)count * SECTOR, (uint64_t)sector * SECTOR);
}

static void disk_write(struct blkfront *bf, const char *name, int argc,
                       char **argv)
{
    struct blkfront_info in;
    size_t len = 0;
    int sector, rc;

    if ( !parse_count(argv[3], &sector, "SECTOR") )
        return;
    blkfront_get_info(bf, &in);
    if ( in.readonly )
    {
        printk("disk: %s is read-only (the backend said so): write "
               "refused\n", name);
        return;
    }
    /* The words of TEXT, joined by single spaces, then zeros. */
    memset(buf, 0, SECTOR);
    for ( int i = 4; i < argc; i++ )
    {
        size_t n = strlen(argv[i]);

        if ( len + n + (i > 4) > TEXT_MAX )
        {
            printk("disk: TEXT is longer than a sector\n");
            return;
        }
        if ( i > 4 )
            buf[len++] = ' ';
        memcpy(buf + len, argv[i], n);
        len += n;
    }
    rc = blkfront_rw(bf, BLKIF_OP_WRITE, (uint64_t)sector, 1, buf,
                     shell_interrupted);
    if ( rc < 0 )
    {
        fail(name, "write", (uint64_t)sector, rc);
        return;
    }
    if ( in.flush )
    {
        rc = blkfront_rw(bf, BLKIF_OP_FLUSH_DISKCACHE, 0, 0, NULL,
                         shell_interrupted);
        if ( rc < 0 )
        {
            fail(name, "flush", (uint64_t)sector, rc);
            return;
        }
    }
    printk("disk: %s: wrote sector %d (%u bytes of text)%s\n", name, sector,
           (unsigned int)len, in.flush ? ", flushed" : "");
}

/* One pass of cksum over the first total sectors; false on a failed read. */
static bool cksum_pass(struct blkfront *bf, const char *name, uint64_t total)
{
    struct cksum c;
    uint64_t at = 0;

    cksum_init(&c);
    while ( at < total )
    {
        unsigned int n = total - at < BLKIF_BOOK_SECTORS ?
                         (unsigned int)(total - at) : BLKIF_BOOK_SECTORS;
        int rc = blkfront_rw(bf, BLKIF_OP_READ, at, n, buf,
                             shell_interrupted);

        if ( rc < 0 )
        {
            fail(name, "read", at, rc);
            return false;
        }
        cksum_update(&c, buf, (size_t)n * SECTOR);
        at += n;
    }
    printk("%s: cksum %u %llu\n", name, cksum_result(&c),
           (unsigned long long)c.length);
    return true;
}

static void disk_cksum(struct blkfront *bf, const char *name, int argc,
                       char **argv)
{
    struct blkfront_info in;
    uint64_t total;
    int want, passes;

    blkfront_get_info(bf, &in);
    total = in.sectors;
    if ( argc > 3 && strcmp(argv[3], "all") != 0 )
    {
        if ( !parse_count(argv[3], &want, "SECTORS") )
            return;
        if ( (uint64_t)want < total )
            total = (uint64_t)want;
    }
    if ( !parse_passes(argc, argv, 4, &passes) )
        return;
    for ( int i = 0; i < passes && !shell_interrupted(); i++ )
        if ( !cksum_pass(bf, name, total) )
            return;
}

/* --- bench ----------------------------------------------------------------- */

struct bench {
    uint64_t done_sectors;
    uint64_t requests, segments;    /* submitted; segments = grant refs */
    unsigned int in_flight;
    int error;
    bool progress;
};

/* One record per request in flight; b is NULL while the record is free. */
struct bench_req {
    struct bench *b;
    unsigned int nsect;
};

static struct bench_req bench_reqs[BLKIF_BOOK_SLOTS];

static void bench_done(void *ctx, int status)
{
    struct bench_req *r = ctx;
    struct bench *b = r->b;

    r->b = NULL;
    b->in_flight--;
    b->progress = true;
    if ( status < 0 )
    {
        if ( !b->error )
            b->error = status;
    }
    else
        b->done_sectors += r->nsect;
}

static void deadline_fn(struct timer *t, void *ctx)
{
    *(bool *)ctx = true;
}

/* Where the next read starts: a sector of the disk, in which pass. */
struct bench_cursor {
    uint64_t at;
    uint64_t sectors;
    int passes_left;
};

/*
 * Start reads until every slot is busy or all passes are covered. A
 * request never crosses the disk's end; the next pass starts at 0.
 */
static void bench_fill(struct blkfront *bf, struct bench *b,
                       struct bench_cursor *c)
{
    for ( unsigned int i = 0; i < BLKIF_BOOK_SLOTS && c->passes_left; i++ )
    {
        struct bench_req *r = &bench_reqs[i];
        uint64_t left = c->sectors - c->at;
        unsigned int n = left < BLKIF_BOOK_SECTORS ? (unsigned int)left
                                                   : BLKIF_BOOK_SECTORS;
        int id;

        if ( r->b )
            continue;
        *r = (struct bench_req){ .b = b, .nsect = n };
        id = blkfront_submit(bf, BLKIF_OP_READ, c->at, n, NULL, bench_done,
                             r);
        if ( id < 0 )
        {
            r->b = NULL;
            if ( id != -EAGAIN )
                b->error = id;
            return;
        }
        b->in_flight++;
        b->requests++;
        b->segments += (n + BLKIF_SECTORS_PER_PAGE - 1) / BLKIF_SECTORS_PER_PAGE;
        c->at += n;
        if ( c->at == c->sectors )
        {
            c->at = 0;
            c->passes_left--;
        }
    }
}

/* Wait for one completion at most BLKFRONT_WAIT_MS; false if none came. */
static bool bench_wait(struct bench *b)
{
    struct timer timer = { .armed = false };
    bool expired = false;

    b->progress = false;
    timer_arm(&timer, monotonic_ns() + BLKFRONT_WAIT_MS * NSEC_PER_MSEC,
              deadline_fn, &expired);
    while ( !b->progress && !expired && !shell_interrupted() )
        kernel_idle();
    timer_cancel(&timer);
    return b->progress;
}

/* Requests still out when the bench gives up: their answers are dropped. */
static void bench_abandon(struct blkfront *bf)
{
    for ( unsigned int i = 0; i < BLKIF_BOOK_SLOTS; i++ )
        bench_reqs[i].b = NULL;
    (void)bf;
}

/* Grants made so far by anyone (the table's counter); 0 without a table. */
static uint64_t grants_so_far(void)
{
    struct gnttab_status st;

    gnttab_get_status(&st);
    return st.table ? st.table->c.grants : 0;
}

static void disk_bench(struct blkfront *bf, const char *name, int argc,
                       char **argv)
{
    struct blkfront_info in;
    struct bench b = { .error = 0 };
    struct bench_cursor c;
    uint64_t t0, kib, tenths, whole, grants0, notify0;
    uint32_t ms, rem, tenth;
    int passes;

    if ( !parse_passes(argc, argv, 3, &passes) )
        return;
    blkfront_get_info(bf, &in);
    if ( !in.connected )
    {
        printk("disk: %s: %s\n", name, blkfront_strerror(-ENODEV));
        return;
    }
    c = (struct bench_cursor){ .sectors = in.sectors,
                               .passes_left = in.sectors ? passes : 0 };
    grants0 = grants_so_far();
    notify0 = in.notifications;
    t0 = monotonic_ns();
    while ( (c.passes_left || b.in_flight) && !b.error )
    {
        bench_fill(bf, &b, &c);
        if ( b.error || !b.in_flight )
            continue;
        if ( !bench_wait(&b) )
        {
            b.error = shell_interrupted() ? -EINTR : -ETIMEDOUT;
            break;
        }
    }
    ms = (uint32_t)div_u64_rem(monotonic_ns() - t0, 1000000, &rem);
    if ( b.error )
    {
        if ( b.in_flight )
        {
            /* Cancel what is still out: nobody will count it. */
            for ( int id = 0; id < BLKIF_BOOK_SLOTS; id++ )
                blkfront_cancel(bf, id);
            bench_abandon(bf);
        }
        printk("disk: %s: bench stopped after %llu sectors: %s\n", name,
               (unsigned long long)b.done_sectors,
               blkfront_strerror(b.error));
        return;
    }
    if ( ms == 0 )
        ms = 1;
    /* Tenths of MiB/s: KiB * 10 * 1000 / (1024 * ms). */
    kib = b.done_sectors >> 1;
    tenths = div_u64_rem(kib * 10000, 1024 * ms, &rem);
    /* Split before printk: an argument list has no order of evaluation. */
    whole = div_u64_rem(tenths, 10, &tenth);
    blkfront_get_info(bf, &in);
    printk("disk: %s: read %llu KiB in %u ms: %llu.%u MiB/s (%u requests "
           "in flight at most; %llu requests, %llu grant refs, %llu grants, "
           "%llu notifications)\n", name, (unsigned long long)kib, ms,
           (unsigned long long)whole, tenth, BLKIF_BOOK_SLOTS,
           (unsigned long long)b.requests, (unsigned long long)b.segments,
           (unsigned long long)(grants_so_far() - grants0),
           (unsigned long long)(in.notifications - notify0));
}

/* --- the command ------------------------------------------------------------- */

void cmd_disk(int argc, char **argv)
{
    struct blkfront *bf;
    const char *op = argc > 1 ? argv[1] : "";

    if ( argc == 1 )
    {
        disk_list();
        return;
    }
    if ( argc < 3 ||
         (strcmp(op, "read") == 0 && (argc < 4 || argc > 5)) ||
         (strcmp(op, "write") == 0 && argc < 5) ||
         (strcmp(op, "cksum") == 0 && argc > 5) ||
         (strcmp(op, "bench") == 0 && argc > 4) ||
         (strcmp(op, "read") && strcmp(op, "write") && strcmp(op, "cksum") &&
          strcmp(op, "bench")) )
    {
        printk("usage: disk [read DEV SECTOR [COUNT] | write DEV SECTOR TEXT "
               "| cksum DEV [SECTORS|all [PASSES]] | bench DEV [PASSES]]\n");
        return;
    }
    bf = find(argv[2]);
    if ( !bf )
        return;
    if ( strcmp(op, "read") == 0 )
        disk_read(bf, argv[2], argc, argv);
    else if ( strcmp(op, "write") == 0 )
        disk_write(bf, argv[2], argc, argv);
    else if ( strcmp(op, "cksum") == 0 )
        disk_cksum(bf, argv[2], argc, argv);
    else
        disk_bench(bf, argv[2], argc, argv);
}
