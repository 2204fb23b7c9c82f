/*
 * hostile.c: a hostile backend for tinypv's system tests, run in dom0.
 *
 * tinypv treats its shared pages (the console ring, the xenstore ring and
 * each disk's blkif ring) as untrusted: dom0 may be buggy or malicious.
 * The host tests fuzz the ring code; this program does the same to a live
 * guest under the real Xen. RING names the page:
 *
 *   console, store    the page's frame is the ring-ref the toolstack wrote
 *                     into xenstore; mapped with xenforeignmemory
 *   blkif/ID          device/vbd/ID/ring-ref, a grant reference the guest
 *                     gave the backend; mapped with xengnttab, as blkback
 *                     maps it (which it still does: the real backend keeps
 *                     serving the disk). "blkif" alone: the only vbd. The
 *                     ring is read in the x86_32 layout tinypv announces.
 *
 * and the commands:
 *
 *   show              prints the page's index fields (blkif: and the newest
 *                     response)
 *   set F=EXPR ...    overwrites index fields with garbage
 *   fill REGION BYTE  fills a region of the page (a ring, or the unused
 *                     tail after the interface) with one byte value, or
 *                     with pseudo-random bytes
 *   save FILE         copies the page into FILE
 *   compare FILE      says, region by region, what changed since `save`
 *   wait F=EXPR SECS  waits until a field holds a value (the real backend's
 *                     answer has come, say)
 *   hold F+N SECS     for a while, whenever someone else (the real backend)
 *                     stores V in a field, stores V+N over it
 *   forge ...         (blkif only) rewrites a response the backend has
 *                     published: its id, operation or status
 *   inject ...        (xenstore only) forges a reply message in the rsp ring
 *   load FILE         (xenstore only) puts back both rings and their indices
 *                     from a page `save`d earlier, as a xenstore that keeps
 *                     a saved PV page's rings (oxenstored) hands it back
 *                     after a restore; says what the rsp ring's unread bytes
 *                     hold (whole messages, and a cut one)
 *   churn ...         (console only) for a while, keeps moving out_cons just
 *                     behind the guest's output and rewriting out_prod, so
 *                     that the out ring never looks drained; keeps what the
 *                     guest publishes meanwhile
 *   vif-rx corrupt    (a network interface's RX ring, which the guest
 *                     grants to dom0: mapped through gntdev by its grant
 *                     reference, rx-ring-ref, beside netback's own map)
 *                     for a while, rewrites the id of every response slot
 *                     to one the guest never posted, so that whatever
 *                     netback answers next reaches the guest with a bad id
 *
 * It sends no event itself: the guest's ports are bound to xenconsoled,
 * xenstored and blkback already. The tests make the guest look at the ring
 * by its own activity (typed input, `xl sysrq`, a shell command, a disk
 * read whose answer brings blkback's event), or wait for the deadlines of
 * its own waits. For blkif, moving rsp_event ahead first makes blkback
 * answer the next request without an event, so that `forge` can rewrite
 * the answer before the guest ever sees it (tests/system/dom0/blkhostile.sh).
 *
 * Whether what the guest did in response is right is judged elsewhere (in
 * tests/system/cases.sh); this program only reports what it sees.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sched.h>
#include <time.h>

#include <xenforeignmemory.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>

#define PAGE_BYTES  4096

/* A named part of the page: an index (4 bytes) or a byte array. */
struct region {
    const char *name;
    size_t off;
    size_t len;
};

/* What one kind of ring page looks like, and where xenstore names it. */
struct layout {
    const char *name;           /* "console", "store" or "blkif" */
    const char *ring_ref;       /* under /local/domain/N/ (%s: the device) */
    const struct region *regions;
    bool grant;                 /* ring-ref is a grant reference, not a frame */
};

#define FIELD(type, f) { #f, offsetof(type, f), sizeof(((type *)0)->f) }

static const struct region console_regions[] = {
    FIELD(struct xencons_interface, in),
    FIELD(struct xencons_interface, out),
    FIELD(struct xencons_interface, in_cons),
    FIELD(struct xencons_interface, in_prod),
    FIELD(struct xencons_interface, out_cons),
    FIELD(struct xencons_interface, out_prod),
    { "tail", sizeof(struct xencons_interface),
      PAGE_BYTES - sizeof(struct xencons_interface) },
    { NULL, 0, 0 }
};

static const struct region store_regions[] = {
    FIELD(struct xenstore_domain_interface, req),
    FIELD(struct xenstore_domain_interface, rsp),
    FIELD(struct xenstore_domain_interface, req_cons),
    FIELD(struct xenstore_domain_interface, req_prod),
    FIELD(struct xenstore_domain_interface, rsp_cons),
    FIELD(struct xenstore_domain_interface, rsp_prod),
    FIELD(struct xenstore_domain_interface, server_features),
    FIELD(struct xenstore_domain_interface, connection),
    FIELD(struct xenstore_domain_interface, error),
    { "tail", sizeof(struct xenstore_domain_interface),
      PAGE_BYTES - sizeof(struct xenstore_domain_interface) },
    { NULL, 0, 0 }
};

/*
 * The blkif ring as tinypv lays it out: x86_32-abi (it says so in
 * xenstore's protocol key), where a uint64_t is 4-byte aligned. This host
 * is 64-bit, so <xen/io/blkif.h>'s own structures have the other layout
 * (the request's id at 8, entries of 112 bytes); these are the 32-bit
 * ones, checked below against what a 32-bit compiler makes of the header.
 * The page's header (the four indices, then padding to 64 bytes) is the
 * same for both.
 */
#pragma pack(push, 4)
struct blkif32_request {
    uint8_t operation;
    uint8_t nr_segments;
    uint16_t handle;
    uint64_t id;
    uint64_t sector_number;
    struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

struct blkif32_response {
    uint64_t id;
    uint8_t operation;
    int16_t status;
};
#pragma pack(pop)

_Static_assert(offsetof(struct blkif32_request, id) == 4, "x86_32 request");
_Static_assert(sizeof(struct blkif32_request) == 108, "x86_32 request");
_Static_assert(offsetof(struct blkif32_response, status) == 10,
               "x86_32 response");
_Static_assert(sizeof(struct blkif32_response) == 12, "x86_32 response");

#define BLKIF32_RING_OFF    offsetof(struct blkif_sring, ring)
#define BLKIF32_ENTRY       sizeof(struct blkif32_request)
#define BLKIF32_ENTRIES     32  /* (4096 - 64) / 108, rounded down to 2^n */
#define BLKIF32_END         (BLKIF32_RING_OFF + BLKIF32_ENTRIES * BLKIF32_ENTRY)

_Static_assert(BLKIF32_RING_OFF == 64, "the blkif page's header");

static const struct region blkif_regions[] = {
    FIELD(struct blkif_sring, req_prod),
    FIELD(struct blkif_sring, req_event),
    FIELD(struct blkif_sring, rsp_prod),
    FIELD(struct blkif_sring, rsp_event),
    { "ring", BLKIF32_RING_OFF, BLKIF32_ENTRIES * BLKIF32_ENTRY },
    { "tail", BLKIF32_END, PAGE_BYTES - BLKIF32_END },
    { NULL, 0, 0 }
};

static const struct layout layouts[] = {
    { "console", "console/ring-ref", console_regions, false },
    { "store", "store/ring-ref", store_regions, false },
    { "blkif", "device/vbd/%s/ring-ref", blkif_regions, true },
};

#define BLKIF_LAYOUT    (&layouts[2])

static void usage(void)
{
    fprintf(stderr,
        "usage: hostile DOMID RING show\n"
        "           RING is console, store, or blkif/ID (device/vbd/ID; blkif\n"
        "           alone: the domain's only vbd)\n"
        "       hostile DOMID RING set FIELD=EXPR...\n"
        "           EXPR is NUMBER, or FIELD+NUMBER / FIELD-NUMBER (the\n"
        "           fields' values before this call); 32-bit wrap-around\n"
        "       hostile DOMID RING fill REGION BYTE|random\n"
        "       hostile DOMID RING save FILE\n"
        "       hostile DOMID RING compare FILE\n"
        "       hostile DOMID RING wait FIELD=EXPR SECONDS\n"
        "           until FIELD holds EXPR (taken once, at the start); exit 1\n"
        "           if it does not within SECONDS\n"
        "       hostile DOMID RING hold FIELD+NUMBER SECONDS\n"
        "           until SECONDS pass or SIGTERM: whenever another writer\n"
        "           (the real backend) stores V in FIELD, store V+NUMBER\n"
        "       hostile DOMID blkif[/ID] forge [at=EXPR] [id=N] [op=N] [status=N]\n"
        "           rewrite the response at ring index EXPR (rsp_prod-1, the\n"
        "           newest, by default): the fields named, the rest kept\n"
        "       hostile DOMID store inject TYPE REQ_ID LEN [PAYLOAD]\n"
        "           a reply header with these values, then PAYLOAD's bytes\n"
        "           (\\0 is a NUL), at rsp_prod; rsp_prod moves past them\n"
        "       hostile DOMID store load FILE\n"
        "           req, rsp and their indices from a page saved with save\n"
        "       hostile DOMID console churn SECONDS PERIOD_MS FILE\n"
        "           every PERIOD_MS, until SECONDS pass or SIGTERM: out_cons\n"
        "           one step on (from 1024 to 2 bytes behind the guest's\n"
        "           out_prod, round and round), out_prod 1 byte behind it;\n"
        "           what the guest publishes meanwhile goes to FILE\n"
        "       hostile DOMID vif-rx corrupt SECONDS\n"
        "           for SECONDS, every RX response slot's id rewritten to\n"
        "           0xbeef, over and over (device/vif/0's rx-ring-ref)\n");
    exit(2);
}

static void die(const char *what)
{
    fprintf(stderr, "hostile: %s\n", what);
    exit(1);
}

static unsigned long parse_number(const char *s, unsigned long max)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 0);
    if ( errno || end == s || *end || v > max )
    {
        fprintf(stderr, "hostile: '%s' is not a number up to %lu\n", s, max);
        exit(2);
    }
    return v;
}

static const struct region *find_region(const struct layout *l,
                                        const char *name, size_t n)
{
    for ( const struct region *r = l->regions; r->name; r++ )
        if ( strlen(r->name) == n && strncmp(r->name, name, n) == 0 )
            return r;
    fprintf(stderr, "hostile: %s page has no field '%.*s'\n",
            l->name, (int)n, name);
    exit(2);
}

/* The index fields are 4 bytes; only those can be read or set as numbers. */
static const struct region *find_index(const struct layout *l,
                                       const char *name, size_t n)
{
    const struct region *r = find_region(l, name, n);

    if ( r->len != sizeof(uint32_t) )
    {
        fprintf(stderr, "hostile: '%s' is not a 32-bit field\n", r->name);
        exit(2);
    }
    return r;
}

static volatile uint32_t *field(void *page, const struct region *r)
{
    return (volatile uint32_t *)((char *)page + r->off);
}

/* --- finding and mapping the page ---------------------------------------- */

/* The domain's only vbd (for "blkif" without an id); exits if not one. */
static char *only_vbd(struct xs_handle *xs, unsigned int domid)
{
    char path[64];
    unsigned int n;
    char **ids, *id;

    snprintf(path, sizeof(path), "/local/domain/%u/device/vbd", domid);
    ids = xs_directory(xs, XBT_NULL, path, &n);
    if ( !ids || n != 1 )
    {
        fprintf(stderr, "hostile: %s: %s; name one: blkif/ID\n", path,
                ids ? "more than one vbd" : strerror(errno));
        exit(1);
    }
    id = strdup(ids[0]);
    free(ids);
    return id;
}

/* ring-ref of the page: a frame (console, store) or a grant (blkif). */
static unsigned long ring_ref(unsigned int domid, const struct layout *l,
                              const char *dev)
{
    struct xs_handle *xs = xs_open(0);
    char rel[64], path[96];
    unsigned int len;
    char *value, *id = NULL;
    unsigned long ref;

    if ( !xs )
        die("cannot connect to xenstored (xs_open)");
    if ( l->grant && !dev )
        dev = id = only_vbd(xs, domid);
    snprintf(rel, sizeof(rel), l->ring_ref, dev ? dev : "");
    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, rel);
    value = xs_read(xs, XBT_NULL, path, &len);
    if ( !value )
    {
        fprintf(stderr, "hostile: cannot read %s: %s\n", path, strerror(errno));
        exit(1);
    }
    ref = parse_number(value, l->grant ? UINT32_MAX : ~0UL);
    free(value);
    free(id);
    xs_close(xs);
    return ref;
}

/* The page, mapped either way; unmap_page() lets go of it. */
struct mapping {
    xenforeignmemory_handle *fmem;
    xengnttab_handle *gnt;
    void *page;
};

static void map_page(struct mapping *m, unsigned int domid,
                     const struct layout *l, unsigned long ref)
{
    int err = 0;

    if ( l->grant )
    {
        /*
         * As a backend maps it (blkback has it mapped too: a grant may be
         * mapped more than once). Needs the guest to have granted it to
         * dom0 writable, which blkfront does.
         */
        m->gnt = xengnttab_open(NULL, 0);
        if ( !m->gnt )
            die("cannot open xengnttab (is this dom0, gntdev loaded?)");
        m->page = xengnttab_map_grant_ref(m->gnt, domid, (uint32_t)ref,
                                          PROT_READ | PROT_WRITE);
        if ( !m->page )
        {
            fprintf(stderr, "hostile: cannot map grant %lu of domain %u: "
                    "%s\n", ref, domid, strerror(errno));
            exit(1);
        }
        return;
    }
    m->fmem = xenforeignmemory_open(NULL, 0);
    if ( !m->fmem )
        die("cannot open xenforeignmemory (is this dom0, privcmd loaded?)");
    xen_pfn_t frame = ref;
    m->page = xenforeignmemory_map(m->fmem, domid, PROT_READ | PROT_WRITE, 1,
                                   &frame, &err);
    if ( !m->page || err )
    {
        fprintf(stderr, "hostile: cannot map frame 0x%" PRIx64 " of domain "
                "%u: %s\n", (uint64_t)frame, domid,
                strerror(m->page ? -err : errno));
        exit(1);
    }
}

static void unmap_page(struct mapping *m)
{
    if ( m->gnt )
    {
        xengnttab_unmap(m->gnt, m->page, 1);
        xengnttab_close(m->gnt);
    }
    else
    {
        xenforeignmemory_unmap(m->fmem, m->page, 1);
        xenforeignmemory_close(m->fmem);
    }
}

/* --- the commands --------------------------------------------------------- */

/* Entry idx of the blkif ring (32-bit layout; idx wraps as the ring's). */
static volatile void *blkif_entry(void *page, uint32_t idx)
{
    return (char *)page + BLKIF32_RING_OFF +
           (idx & (BLKIF32_ENTRIES - 1)) * BLKIF32_ENTRY;
}

static struct blkif32_response read_response(void *page, uint32_t idx)
{
    struct blkif32_response r;

    memcpy(&r, (const void *)blkif_entry(page, idx), sizeof(r));
    return r;
}

static void show_response(void *page, uint32_t idx)
{
    struct blkif32_response r = read_response(page, idx);

    printf("id=%" PRIu64 " operation=%u status=%d\n", (uint64_t)r.id,
           r.operation, r.status);
}

static void cmd_show(const struct layout *l, void *page)
{
    const char *sep = "";

    for ( const struct region *r = l->regions; r->name; r++ )
        if ( r->len == sizeof(uint32_t) )
        {
            printf("%s%s=0x%08" PRIx32, sep, r->name, *field(page, r));
            sep = " ";
        }
    printf("\n");
    if ( l == BLKIF_LAYOUT )
    {
        const struct blkif_sring *sr = page;
        uint32_t at = sr->rsp_prod - 1;

        printf("rsp[0x%08" PRIx32 "]: ", at);
        show_response(page, at);
    }
}

/* FIELD=NUMBER or FIELD=OTHER+NUMBER or FIELD=OTHER-NUMBER. */
static uint32_t eval(const struct layout *l, const uint32_t *before,
                     const char *expr)
{
    const char *op = strpbrk(expr, "+-");
    const struct region *r;
    uint32_t base, n;

    if ( !op || op == expr )
        return parse_number(expr, UINT32_MAX);
    r = find_index(l, expr, op - expr);
    base = before[r - l->regions];
    n = parse_number(op + 1, UINT32_MAX);
    return *op == '+' ? base + n : base - n;
}

static void cmd_set(const struct layout *l, void *page, int argc, char **argv)
{
    uint32_t before[16] = { 0 };
    uint32_t value[16];
    const struct region *target[16];
    int i;

    if ( argc < 1 || argc > 16 )
        usage();
    /* Read every field once first: the expressions refer to these values. */
    for ( const struct region *r = l->regions; r->name; r++ )
        if ( r->len == sizeof(uint32_t) )
            before[r - l->regions] = *field(page, r);
    for ( i = 0; i < argc; i++ )
    {
        const char *eq = strchr(argv[i], '=');

        if ( !eq )
            usage();
        target[i] = find_index(l, argv[i], eq - argv[i]);
        value[i] = eval(l, before, eq + 1);
    }
    for ( i = 0; i < argc; i++ )
    {
        *field(page, target[i]) = value[i];
        printf("%s: 0x%08" PRIx32 " -> 0x%08" PRIx32 "\n", target[i]->name,
               before[target[i] - l->regions], value[i]);
    }
    __sync_synchronize();
}

/* BYTE, or "random": the same pseudo-random bytes on every run. */
static void cmd_fill(const struct layout *l, void *page, int argc, char **argv)
{
    const struct region *r;
    volatile unsigned char *p;
    uint32_t seed = 12345;

    if ( argc != 2 )
        usage();
    r = find_region(l, argv[0], strlen(argv[0]));
    p = (volatile unsigned char *)page + r->off;
    for ( size_t i = 0; i < r->len; i++ )
    {
        if ( strcmp(argv[1], "random") == 0 )
        {
            seed = seed * 1103515245u + 12345u;
            p[i] = seed >> 24;
        }
        else
            p[i] = parse_number(argv[1], 255);
    }
    __sync_synchronize();
}

static void cmd_save(void *page, int argc, char **argv)
{
    FILE *f;

    if ( argc != 1 )
        usage();
    f = fopen(argv[0], "wb");
    if ( !f || fwrite(page, PAGE_BYTES, 1, f) != 1 || fclose(f) )
    {
        fprintf(stderr, "hostile: cannot write %s: %s\n", argv[0],
                strerror(errno));
        exit(1);
    }
}

/* One line per region: "NAME same", or what changed. */
static void cmd_compare(const struct layout *l, void *page, int argc,
                        char **argv)
{
    static unsigned char saved[PAGE_BYTES], now[PAGE_BYTES];
    FILE *f;

    if ( argc != 1 )
        usage();
    f = fopen(argv[0], "rb");
    if ( !f || fread(saved, PAGE_BYTES, 1, f) != 1 )
    {
        fprintf(stderr, "hostile: cannot read %s\n", argv[0]);
        exit(1);
    }
    fclose(f);
    memcpy(now, page, PAGE_BYTES);      /* one snapshot for every line */

    for ( const struct region *r = l->regions; r->name; r++ )
    {
        size_t first = r->len, differ = 0;
        uint32_t a, b;

        for ( size_t i = 0; i < r->len; i++ )
            if ( saved[r->off + i] != now[r->off + i] )
            {
                differ++;
                if ( first == r->len )
                    first = i;
            }
        if ( !differ )
            printf("%s same\n", r->name);
        else if ( r->len == sizeof(uint32_t) )
        {
            memcpy(&a, saved + r->off, sizeof(a));
            memcpy(&b, now + r->off, sizeof(b));
            printf("%s changed 0x%08" PRIx32 " -> 0x%08" PRIx32 "\n",
                   r->name, a, b);
        }
        else
            printf("%s changed: %zu bytes differ, the first at +%zu\n",
                   r->name, differ, first);
    }
}

/* Copy PAYLOAD into out, turning "\0" into a NUL; returns the length. */
static size_t unescape(const char *s, char *out, size_t max)
{
    size_t n = 0;

    for ( ; *s; s++ )
    {
        if ( n == max )
            die("payload too long");
        if ( s[0] == '\\' && s[1] == '0' )
        {
            out[n++] = '\0';
            s++;
        }
        else
            out[n++] = *s;
    }
    return n;
}

static void cmd_inject(void *page, int argc, char **argv)
{
    struct xenstore_domain_interface *intf = page;
    char msg[XENSTORE_RING_SIZE];
    struct xsd_sockmsg hdr = { 0 };
    XENSTORE_RING_IDX prod, cons;
    size_t n, i;

    if ( argc < 3 || argc > 4 )
        usage();
    hdr.type = parse_number(argv[0], UINT32_MAX);
    hdr.req_id = parse_number(argv[1], UINT32_MAX);
    hdr.len = parse_number(argv[2], UINT32_MAX);
    memcpy(msg, &hdr, sizeof(hdr));
    n = sizeof(hdr);
    if ( argc == 4 )
        n += unescape(argv[3], msg + n, sizeof(msg) - n);

    cons = intf->rsp_cons;
    prod = intf->rsp_prod;
    __sync_synchronize();
    if ( prod - cons > XENSTORE_RING_SIZE ||
         XENSTORE_RING_SIZE - (prod - cons) < n )
        die("no room in the rsp ring for the message");
    for ( i = 0; i < n; i++ )
        intf->rsp[MASK_XENSTORE_IDX(prod + i)] = msg[i];
    __sync_synchronize();           /* the bytes before the index */
    intf->rsp_prod = prod + n;
    printf("injected %zu bytes at rsp 0x%08" PRIx32 "\n", n, prod);
}

/*
 * What the unread part of a saved rsp ring holds: whole messages, then
 * perhaps one cut short (the window a restore must cope with).
 */
static void describe_unread(const struct xenstore_domain_interface *intf)
{
    XENSTORE_RING_IDX cons = intf->rsp_cons, prod = intf->rsp_prod;
    uint32_t left = prod - cons, whole = 0;
    unsigned char hdr_bytes[sizeof(struct xsd_sockmsg)];
    struct xsd_sockmsg hdr;

    if ( left > XENSTORE_RING_SIZE )
    {
        printf("rsp unread: indices make no sense (prod 0x%08" PRIx32
               " cons 0x%08" PRIx32 ")\n", prod, cons);
        return;
    }
    printf("rsp unread: %" PRIu32 " bytes", left);
    while ( left > 0 )
    {
        if ( left < sizeof(hdr) )
        {
            printf(", %" PRIu32 " whole messages, then a header cut after %"
                   PRIu32 " bytes: cut\n", whole, left);
            return;
        }
        for ( size_t i = 0; i < sizeof(hdr); i++ )
            hdr_bytes[i] = intf->rsp[MASK_XENSTORE_IDX(cons + i)];
        memcpy(&hdr, hdr_bytes, sizeof(hdr));
        if ( hdr.len > XENSTORE_PAYLOAD_MAX )
        {
            printf(", %" PRIu32 " whole messages, then a header with len %"
                   PRIu32 ": garbage\n", whole, hdr.len);
            return;
        }
        if ( left < sizeof(hdr) + hdr.len )
        {
            printf(", %" PRIu32 " whole messages, then %" PRIu32 " of a %zu"
                   "-byte message: cut\n", whole, left,
                   sizeof(hdr) + hdr.len);
            return;
        }
        left -= sizeof(hdr) + hdr.len;
        cons += sizeof(hdr) + hdr.len;
        whole++;
    }
    printf(", %" PRIu32 " whole messages: not cut\n", whole);
}

/* The rings first, then the indices that make them valid. */
static void cmd_load(void *page, int argc, char **argv)
{
    static struct xenstore_domain_interface saved;
    struct xenstore_domain_interface *intf = page;
    unsigned char buf[PAGE_BYTES];
    FILE *f;

    if ( argc != 1 )
        usage();
    f = fopen(argv[0], "rb");
    if ( !f || fread(buf, PAGE_BYTES, 1, f) != 1 )
    {
        fprintf(stderr, "hostile: cannot read %s\n", argv[0]);
        exit(1);
    }
    fclose(f);
    memcpy(&saved, buf, sizeof(saved));
    describe_unread(&saved);
    memcpy(intf->req, saved.req, sizeof(saved.req));
    memcpy(intf->rsp, saved.rsp, sizeof(saved.rsp));
    __sync_synchronize();
    intf->req_cons = saved.req_cons;
    intf->req_prod = saved.req_prod;
    intf->rsp_cons = saved.rsp_cons;
    intf->rsp_prod = saved.rsp_prod;
    __sync_synchronize();
    printf("loaded: req_cons=0x%08" PRIx32 " req_prod=0x%08" PRIx32
           " rsp_cons=0x%08" PRIx32 " rsp_prod=0x%08" PRIx32 "\n",
           saved.req_cons, saved.req_prod, saved.rsp_cons, saved.rsp_prod);
}

/* --- waiting for and fighting the real backend ------------------------ */

static double seconds_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) +
           (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Read every index field once: eval()'s "before" values. */
static void snapshot(const struct layout *l, void *page, uint32_t *before)
{
    for ( const struct region *r = l->regions; r->name; r++ )
        if ( r->len == sizeof(uint32_t) )
            before[r - l->regions] = *field(page, r);
}

/* FIELD=EXPR SECONDS: poll every millisecond until FIELD holds EXPR. */
static void cmd_wait(const struct layout *l, void *page, int argc,
                     char **argv)
{
    const struct timespec ms = { 0, 1000000L };
    uint32_t before[16] = { 0 }, want;
    const struct region *r;
    const char *eq;
    unsigned long seconds;
    struct timespec start;

    if ( argc != 2 || !(eq = strchr(argv[0], '=')) )
        usage();
    snapshot(l, page, before);
    r = find_index(l, argv[0], eq - argv[0]);
    want = eval(l, before, eq + 1);
    seconds = parse_number(argv[1], 3600);
    clock_gettime(CLOCK_MONOTONIC, &start);
    while ( *field(page, r) != want )
    {
        if ( seconds_since(&start) >= (double)seconds )
        {
            fprintf(stderr, "hostile: %s is 0x%08" PRIx32 ", not 0x%08"
                    PRIx32 ", after %lu s\n", r->name, *field(page, r), want,
                    seconds);
            exit(1);
        }
        nanosleep(&ms, NULL);
    }
    printf("%s reached 0x%08" PRIx32 " after %.3f s\n", r->name, want,
           seconds_since(&start));
}

static volatile sig_atomic_t hold_stop;

static void hold_on_term(int sig)
{
    (void)sig;
    hold_stop = 1;
}

/*
 * FIELD+NUMBER SECONDS: whenever the field holds a value we did not
 * write (the real backend's, V), write V+NUMBER over it, until SECONDS
 * pass or SIGTERM. The other writer wins for the moment between its store
 * and ours; a guest that reads the field in that moment sees a good value,
 * and a bad one the next time it looks. Yields the CPU at every turn
 * (dom0 has one vCPU, which the backend and xenconsoled need).
 */
static void cmd_hold(const struct layout *l, void *page, int argc,
                     char **argv)
{
    const struct region *r;
    const char *plus;
    uint32_t add, mine, seen, theirs;
    unsigned long seconds, rewrites = 0;
    struct timespec start;

    if ( argc != 2 || !(plus = strchr(argv[0], '+')) )
        usage();
    r = find_index(l, argv[0], plus - argv[0]);
    add = parse_number(plus + 1, UINT32_MAX);
    seconds = parse_number(argv[1], 3600);
    signal(SIGTERM, hold_on_term);
    signal(SIGINT, hold_on_term);

    theirs = *field(page, r);
    mine = theirs + add;
    *field(page, r) = mine;
    __sync_synchronize();
    printf("hold: %s 0x%08" PRIx32 " -> 0x%08" PRIx32 "\n", r->name, theirs,
           mine);
    fflush(stdout);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for ( unsigned long turn = 0; !hold_stop; turn++ )
    {
        seen = *field(page, r);
        if ( seen != mine )
        {
            theirs = seen;
            mine = seen + add;
            *field(page, r) = mine;
            __sync_synchronize();
            rewrites++;
        }
        if ( (turn & 1023) == 0 && seconds_since(&start) >= (double)seconds )
            break;
        sched_yield();
    }
    printf("hold: %lu rewrites of %s over %.1f s; the backend's last value "
           "0x%08" PRIx32 ", ours 0x%08" PRIx32 "\n", rewrites, r->name,
           seconds_since(&start), theirs, mine);
}

/*
 * [at=EXPR] [id=N] [op=N] [status=N]: rewrite one response in place. A
 * response the backend has published already (at rsp_prod-1 or before)
 * is not written again by it, so the forgery stays until the guest reads
 * it, which it does at its next event.
 */
static void cmd_forge(const struct layout *l, void *page, int argc,
                      char **argv)
{
    uint32_t before[16] = { 0 }, at;
    struct blkif32_response r;
    volatile struct blkif32_response *e;

    snapshot(l, page, before);
    at = before[find_index(l, "rsp_prod", 8) - l->regions] - 1;
    for ( int i = 0; i < argc; i++ )
        if ( strncmp(argv[i], "at=", 3) == 0 )
            at = eval(l, before, argv[i] + 3);
    r = read_response(page, at);
    for ( int i = 0; i < argc; i++ )
    {
        const char *v = strchr(argv[i], '=');

        if ( !v )
            usage();
        v++;
        if ( strncmp(argv[i], "at=", 3) == 0 )
            continue;
        else if ( strncmp(argv[i], "id=", 3) == 0 )
            r.id = parse_number(v, ~0UL);
        else if ( strncmp(argv[i], "op=", 3) == 0 )
            r.operation = parse_number(v, 255);
        else if ( strncmp(argv[i], "status=", 7) == 0 )
            r.status = (int16_t)parse_number(v, 0xffff);
        else
            usage();
    }
    printf("rsp[0x%08" PRIx32 "]: ", at);
    show_response(page, at);
    e = blkif_entry(page, at);
    e->id = r.id;
    e->operation = r.operation;
    e->status = r.status;
    __sync_synchronize();
    printf("rsp[0x%08" PRIx32 "] now: ", at);
    show_response(page, at);
}

/* --- churn: a backend that moves, but never catches up ------------------ */

static volatile sig_atomic_t churn_stop;

static void churn_on_term(int sig)
{
    (void)sig;
    churn_stop = 1;
}

/*
 * The guest published [from, to): append those bytes to out (as many as
 * the ring can hold; a larger gap is not the guest's doing).
 */
static size_t churn_capture(struct xencons_interface *intf, FILE *out,
                            uint32_t from, uint32_t to)
{
    uint32_t n = to - from;

    if ( n > sizeof(intf->out) )
        return 0;
    for ( uint32_t i = 0; i < n; i++ )
        fputc(intf->out[MASK_XENCONS_IDX(from + i, intf->out)], out);
    fflush(out);
    return n;
}

/*
 * Every period: find the guest's newest out_prod (any value we did not
 * write ourselves), and keep what it published; move out_cons one byte on,
 * from 1024 to 2 bytes behind it and round again (progress each time,
 * never caught up, and no value comes back within 1023 periods, however
 * seldom the guest looks), and set out_prod 1 byte behind it. The rewrite
 * is a compare-and-swap, so that a value the guest stored meanwhile is not
 * lost but found next period. Meant for a guest whose xenconsoled is
 * stopped: nobody else moves out_cons.
 */
static void cmd_churn(void *page, int argc, char **argv)
{
    struct xencons_interface *intf = page;
    volatile uint32_t *out_prod = &intf->out_prod, *out_cons = &intf->out_cons;
    struct timespec period, start, now;
    unsigned long seconds, moves = 0, rewrites = 0, lost_races = 0;
    uint32_t guest, mine, seen;
    size_t captured = 0;
    FILE *out;

    if ( argc != 3 )
        usage();
    seconds = parse_number(argv[0], 3600);
    period.tv_sec = 0;
    period.tv_nsec = (long)parse_number(argv[1], 999) * 1000000L;
    out = fopen(argv[2], "wb");
    if ( !out )
    {
        fprintf(stderr, "hostile: cannot write %s: %s\n", argv[2],
                strerror(errno));
        exit(1);
    }
    signal(SIGTERM, churn_on_term);
    signal(SIGINT, churn_on_term);

    guest = mine = *out_prod;
    printf("churn: guest's out_prod 0x%08" PRIx32 " out_cons 0x%08" PRIx32
           "\n", guest, *out_cons);
    fflush(stdout);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for ( ;; )
    {
        seen = *out_prod;
        __sync_synchronize();       /* the bytes after the index */
        if ( seen != mine )
        {
            /* The guest wrote on from its own index (an older guest: from
             * ours, mine, one byte earlier; its first byte is missed). */
            captured += churn_capture(intf, out, guest, seen);
            guest = seen;
        }
        *out_cons = guest - 1024 + (uint32_t)(moves % 1023);
        moves++;
        if ( __sync_bool_compare_and_swap(out_prod, seen, guest - 1) )
        {
            mine = guest - 1;
            rewrites++;
        }
        else
            lost_races++;

        clock_gettime(CLOCK_MONOTONIC, &now);
        if ( churn_stop || now.tv_sec - start.tv_sec >= (time_t)seconds )
            break;
        nanosleep(&period, NULL);
    }
    fclose(out);
    printf("churn: %lu moves of out_cons, %lu rewrites of out_prod, %lu "
           "lost to the guest's own stores; %zu bytes the guest published; "
           "last out_prod of the guest 0x%08" PRIx32 "\n", moves, rewrites,
           lost_races, captured, guest);
}

/*
 * hostile DOMID vif-rx corrupt SECONDS: the RX ring of device/vif/0, a
 * grant to dom0 (not a frame: xenforeignmemory cannot name it), mapped
 * through gntdev. netback writes each response and then publishes it; in
 * between, and after, the loop here writes the id again: the guest reads
 * an id it never posted.
 */
static int vif_rx_corrupt(unsigned int domid, int argc, char **argv)
{
    struct xs_handle *xs = xs_open(0);
    xengnttab_handle *gt;
    netif_rx_sring_t *ring;
    char path[80], *value;
    unsigned int len;
    uint32_t ref;
    time_t end;
    unsigned long passes = 0;
    RING_IDX seen_prod;

    if ( argc != 2 || strcmp(argv[0], "corrupt") != 0 )
        usage();
    end = time(NULL) + (time_t)parse_number(argv[1], 600);
    if ( !xs )
        die("cannot connect to xenstored (xs_open)");
    snprintf(path, sizeof(path), "/local/domain/%u/device/vif/0/rx-ring-ref",
             domid);
    value = xs_read(xs, XBT_NULL, path, &len);
    if ( !value )
    {
        fprintf(stderr, "hostile: cannot read %s: %s\n", path, strerror(errno));
        return 1;
    }
    ref = (uint32_t)parse_number(value, UINT32_MAX);
    free(value);
    xs_close(xs);
    gt = xengnttab_open(NULL, 0);
    if ( !gt )
        die("cannot open gntdev (xen-gntdev loaded?)");
    ring = xengnttab_map_grant_ref(gt, domid, ref, PROT_READ | PROT_WRITE);
    if ( !ring )
    {
        fprintf(stderr, "hostile: cannot map grant %u of domain %u: %s\n",
                ref, domid, strerror(errno));
        return 1;
    }
    seen_prod = ring->rsp_prod;
    printf("vif-rx: ring mapped (grant %u): req_prod %u rsp_prod %u\n", ref,
           ring->req_prod, seen_prod);
    while ( time(NULL) < end )
    {
        for ( unsigned int i = 0; i < 256; i++ )
            ((volatile netif_rx_response_t *)&ring->ring[i].rsp)->id = 0xbeef;
        passes++;
    }
    printf("vif-rx: %lu passes; rsp_prod %u -> %u, req_prod %u\n", passes,
           seen_prod, ring->rsp_prod, ring->req_prod);
    xengnttab_unmap(gt, ring, 1);
    xengnttab_close(gt);
    return 0;
}

int main(int argc, char **argv)
{
    const struct layout *l = NULL;
    struct mapping m = { NULL, NULL, NULL };
    unsigned int domid;
    const char *cmd, *dev = NULL;
    void *page;

    if ( argc < 4 )
        usage();
    domid = parse_number(argv[1], DOMID_FIRST_RESERVED - 1);
    if ( strcmp(argv[2], "vif-rx") == 0 )
        return vif_rx_corrupt(domid, argc - 3, argv + 3);
    for ( size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++ )
    {
        size_t n = strlen(layouts[i].name);

        if ( strcmp(argv[2], layouts[i].name) == 0 )
            l = &layouts[i];
        else if ( layouts[i].grant && strncmp(argv[2], layouts[i].name, n) == 0
                  && argv[2][n] == '/' && argv[2][n + 1] &&
                  !strchr(argv[2] + n + 1, '/') )
        {
            l = &layouts[i];
            dev = argv[2] + n + 1;
        }
    }
    if ( !l )
        usage();
    cmd = argv[3];

    map_page(&m, domid, l, ring_ref(domid, l, dev));
    page = m.page;

    if ( strcmp(cmd, "show") == 0 && argc == 4 )
        cmd_show(l, page);
    else if ( strcmp(cmd, "set") == 0 )
        cmd_set(l, page, argc - 4, argv + 4);
    else if ( strcmp(cmd, "fill") == 0 )
        cmd_fill(l, page, argc - 4, argv + 4);
    else if ( strcmp(cmd, "save") == 0 )
        cmd_save(page, argc - 4, argv + 4);
    else if ( strcmp(cmd, "compare") == 0 )
        cmd_compare(l, page, argc - 4, argv + 4);
    else if ( strcmp(cmd, "wait") == 0 )
        cmd_wait(l, page, argc - 4, argv + 4);
    else if ( strcmp(cmd, "hold") == 0 )
        cmd_hold(l, page, argc - 4, argv + 4);
    else if ( strcmp(cmd, "inject") == 0 && l == &layouts[1] )
        cmd_inject(page, argc - 4, argv + 4);
    else if ( strcmp(cmd, "load") == 0 && l == &layouts[1] )
        cmd_load(page, argc - 4, argv + 4);
    else if ( strcmp(cmd, "churn") == 0 && l == &layouts[0] )
        cmd_churn(page, argc - 4, argv + 4);
    else if ( strcmp(cmd, "forge") == 0 && l == BLKIF_LAYOUT )
        cmd_forge(l, page, argc - 4, argv + 4);
    else
        usage();

    unmap_page(&m);
    return 0;
}
