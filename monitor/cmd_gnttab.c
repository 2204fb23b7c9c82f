/*
 * cmd_gnttab.c: the monitor's `gnttab` command: the grant table, and
 * grants of test pages a student (or dom0's tests) can map.
 *
 *   gnttab                    limits, frames, entries by state, counters,
 *                             and every grant in use: to whom, by whom
 *   gnttab grant DOMID [ro]   a fresh page of known text, granted to
 *                             DOMID; prints the reference, the frame and
 *                             the page's POSIX cksum, which dom0's
 *                             tests/system/dom0/gntmap.c prints too
 *   gnttab end REF            end the grant now, or say that the backend
 *                             still maps the page and keep it granted
 *   gnttab release REF        end it now or later: the kernel's deferred
 *                             list ends it once the backend unmaps the
 *                             page, and the page is freed then
 *
 * The monitor holds at most MONITOR_GRANTS such pages at a time; end and
 * release take only references the monitor granted.
 */
#include <monitor/gnttab.h>
#include <monitor/shell_parse.h>
#include <tinypv/gnttab.h>
#include <tinypv/platform.h>
#include <tinypv/mm.h>
#include <tinypv/printk.h>
#include <tinypv/xs_proto.h>         /* errno values */
#include <lib/cksum.h>
#include <lib/format.h>
#include <lib/string.h>

#define MONITOR_GRANTS  16
#define LIST_MAX        32      /* grants listed by `gnttab` */
#define LINE_BYTES      64

static const char owner[] = "monitor";

static struct monitor_grant {
    void *page;                 /* NULL: slot unused */
    grant_ref_t ref;
    domid_t domid;
} grants[MONITOR_GRANTS];

/* --- gnttab ---------------------------------------------------------------- */

static void print_flags(uint16_t flags)
{
    printk("0x%02x", flags);
    if ( flags & GTF_reading )
        printk(" reading");
    if ( flags & GTF_writing )
        printk(" writing");
}

static void print_grants(const struct gnttab_table *t)
{
    unsigned int listed = 0, more = 0;
    struct gnttab_ref_info info;

    for ( grant_ref_t ref = 0; ref < t->nr; ref++ )
    {
        if ( !gnttab_table_ref_info(t, ref, &info) ||
             (info.state != GNTTAB_REF_GRANTED &&
              info.state != GNTTAB_REF_DEFERRED) )
            continue;
        if ( listed == LIST_MAX )
        {
            more++;
            continue;
        }
        if ( listed++ == 0 )
            printk("  ref    domain frame      access state    owner     flags\n");
        printk("  %-6u %-6u 0x%-8x %-6s %-8s %-9s ", ref, info.domid,
               info.frame, info.readonly ? "ro" : "rw",
               gnttab_ref_state_name(info.state), info.owner);
        print_flags(info.flags);
        if ( info.lost )
            printk(" (lost at a restore)");
        if ( info.state == GNTTAB_REF_DEFERRED )
            printk(" (%u tries)", info.tries);
        printk("\n");
    }
    if ( more )
        printk("  ... and %u more\n", more);
}

static void print_status(void)
{
    struct gnttab_status st;
    const struct gnttab_table *t;
    const struct gnttab_counters *c;

    gnttab_get_status(&st);
    if ( !st.ready )
    {
        printk("gnttab: no grant table (see the boot messages)\n");
        return;
    }
    t = st.table;
    c = &t->c;
    printk("gnttab: grant table v1\n");
    printk("  limits      Xen: %u frames at boot, at most %u "
           "(GNTTABOP_query_size); tinypv uses %u\n", st.xen_frames,
           st.xen_max_frames, st.frames);
    arch_gnttab_print();
    printk("  entries     %u: %u reserved, %u granted, %u deferred, %u free\n",
           t->nr, t->nr_reserved, t->nr_granted, t->nr_deferred, t->nr_free);
    printk("  counters    %llu grants, %llu ended, %llu refused while mapped, "
           "%llu deferred (%llu ended later), %llu exhausted, %llu lost at "
           "a restore\n", (unsigned long long)c->grants,
           (unsigned long long)c->ends, (unsigned long long)c->busy,
           (unsigned long long)c->deferred,
           (unsigned long long)c->deferred_ended,
           (unsigned long long)c->exhausted, (unsigned long long)c->lost);
    print_grants(t);
}

/* --- gnttab grant / end / release ---------------------------------------- */

/* Known text: 64 lines of 64 bytes that name the grant. */
static void fill_page(char *page, grant_ref_t ref, domid_t domid)
{
    char line[LINE_BYTES + 1];

    for ( unsigned int i = 0; i < PAGE_SIZE / LINE_BYTES; i++ )
    {
        int n = snprintf(line, sizeof(line),
                         "tinypv grant ref %u to domain %u, line %02u", ref,
                         domid, i);

        memset(line + n, '.', LINE_BYTES - 1 - n);
        line[LINE_BYTES - 1] = '\n';
        memcpy(page + i * LINE_BYTES, line, LINE_BYTES);
    }
}

static struct monitor_grant *find_grant(grant_ref_t ref)
{
    for ( unsigned int i = 0; i < MONITOR_GRANTS; i++ )
        if ( grants[i].page && grants[i].ref == ref )
            return &grants[i];
    return NULL;
}

static void grant_page(const char *domid_text, bool readonly)
{
    struct monitor_grant *g = NULL;
    struct cksum ck;
    int domid, rc;
    void *page;

    if ( shell_parse_int(domid_text, &domid) || domid < 0 ||
         domid >= (int)DOMID_FIRST_RESERVED )
    {
        printk("gnttab: '%s' is not a domain id\n", domid_text);
        return;
    }
    for ( unsigned int i = 0; i < MONITOR_GRANTS && !g; i++ )
        if ( !grants[i].page )
            g = &grants[i];
    if ( !g )
    {
        printk("gnttab: the monitor holds %u grants already; end one\n",
               MONITOR_GRANTS);
        return;
    }
    page = mem_alloc_pages(0, PAGE_OWNER_KERNEL);
    if ( !page )
    {
        printk("gnttab: no free page\n");
        return;
    }
    /* The reference is known only after the grant: fill, grant, refill. */
    memset(page, 0, PAGE_SIZE);
    rc = gnttab_grant_access((domid_t)domid, page, readonly, owner, &g->ref);
    if ( rc )
    {
        printk("gnttab: cannot grant a page to domain %d: error %d\n", domid,
               rc);
        mem_free_pages(page, 0, PAGE_OWNER_KERNEL);
        return;
    }
    fill_page(page, g->ref, (domid_t)domid);
    g->page = page;
    g->domid = (domid_t)domid;
    cksum_init(&ck);
    cksum_update(&ck, page, PAGE_SIZE);
    printk("gnttab: ref %u grants frame 0x%lx to domain %d (%s), page cksum "
           "%u %lu\n", g->ref, arch_gnttab_frame(page), domid,
           readonly ? "ro" : "rw", cksum_result(&ck), PAGE_SIZE);
}

static bool parse_ref(const char *text, grant_ref_t *ref)
{
    int v;

    if ( shell_parse_int(text, &v) || v < 0 )
    {
        printk("gnttab: '%s' is not a reference\n", text);
        return false;
    }
    *ref = (grant_ref_t)v;
    return true;
}

static void forget(struct monitor_grant *g)
{
    mem_free_pages(g->page, 0, PAGE_OWNER_KERNEL);
    g->page = NULL;
}

/* True while `gnttab release` itself calls released(). */
static bool releasing_now;

/* The grant of a `gnttab release` ended, now or later: the page is ours. */
static void released(void *ctx)
{
    struct monitor_grant *g = ctx;

    if ( releasing_now )
        printk("gnttab: ref %u ended; page freed\n", g->ref);
    else
        printk("gnttab: ref %u ended after domain %u unmapped it; page "
               "freed\n", g->ref, g->domid);
    forget(g);
}

static void say_still_mapped(const struct monitor_grant *g)
{
    struct gnttab_status st;
    struct gnttab_ref_info info = { .flags = 0 };

    gnttab_get_status(&st);
    if ( st.table )
        gnttab_table_ref_info(st.table, g->ref, &info);
    printk("gnttab: ref %u is still mapped by domain %u (flags ", g->ref,
           g->domid);
    print_flags(info.flags);
    printk(")");
}

static void end_grant(const char *ref_text, bool deferred)
{
    struct monitor_grant *g;
    grant_ref_t ref;
    int rc;

    if ( !parse_ref(ref_text, &ref) )
        return;
    g = find_grant(ref);
    if ( !g )
    {
        printk("gnttab: ref %u is not a grant the monitor holds\n", ref);
        return;
    }
    if ( !deferred )
    {
        rc = gnttab_end_access(ref, owner);
        if ( rc == -EBUSY )
        {
            say_still_mapped(g);
            printk(": not ended, the page stays granted\n");
            return;
        }
    }
    else
    {
        releasing_now = true;
        rc = gnttab_end_access_deferred(ref, owner, released, g);
        releasing_now = false;
        if ( rc == 1 )
        {
            say_still_mapped(g);
            printk(": deferred, it ends and the page is freed once domain %u "
                   "unmaps it\n", g->domid);
            return;
        }
        if ( rc == 0 )
            return;         /* released() said so and freed the page */
    }
    if ( rc )
    {
        printk("gnttab: ref %u: end refused (error %d)\n", ref, rc);
        return;
    }
    printk("gnttab: ref %u ended; page freed\n", ref);
    forget(g);
}

void cmd_gnttab(int argc, char **argv)
{
    if ( argc == 1 )
        print_status();
    else if ( (argc == 3 || argc == 4) && strcmp(argv[1], "grant") == 0 &&
              (argc == 3 || strcmp(argv[3], "ro") == 0) )
        grant_page(argv[2], argc == 4);
    else if ( argc == 3 && strcmp(argv[1], "end") == 0 )
        end_grant(argv[2], false);
    else if ( argc == 3 && strcmp(argv[1], "release") == 0 )
        end_grant(argv[2], true);
    else
        printk("usage: gnttab [grant DOMID [ro] | end REF | release REF]\n");
}
