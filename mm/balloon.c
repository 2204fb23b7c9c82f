/*
 * balloon.c: the balloon that answers `xl mem-set` (docs/11-memory.md,
 * "Ballooning").
 *
 *   xl mem-set D 16  ->  libxl sets Xen's maximum to 16 MiB + 1 MiB of
 *                        slack (enforce), then writes memory/target = 16384
 *   our watch fires  ->  target_changed(): read, parse strictly, plan
 *   the main loop    ->  balloon_process(): one batch per turn, until
 *                        Xen's count of our pages is the goal
 *
 * The watch is kernel/control.c's machinery (xs_watch(): the event only
 * marks the watch fired; xenstore_process() calls target_changed() from the
 * main loop). A target is never acknowledged: unlike control/shutdown,
 * memory/target is a value, not a request, and libxl reads it back as the
 * current target at the next mem-set.
 *
 * A change is done in batches of BALLOON_BATCH pages, one per turn of the
 * main loop: while one is in progress, balloon_pending() keeps the loop
 * from blocking, and the console, timers and xenstore get their turn
 * between batches. No batch waits for anything: it is a few hypercalls.
 *
 * Pages leave the pool as the allocator's FREE -> AWAY and come back as
 * AWAY -> FREE (mm/page_alloc.c); the platform moves the memory behind them
 * (arch_balloon_give/arch_balloon_reclaim, <tinypv/platform.h>). A frame
 * Xen refuses stays where it was, and the change stops with a message.
 *
 * After xl save/restore or a migration the allocator (guest memory) still
 * knows which frames are away; the new domain's xenstore sets our watch
 * again, it fires, and the target is read again.
 */
#include <tinypv/balloon.h>
#include <tinypv/mm.h>
#include <tinypv/platform.h>
#include <tinypv/xenstore.h>
#include <tinypv/hypercall.h>
#include <tinypv/printk.h>
#include <tinypv/control.h>

#define TARGET_KEY      "memory/target"

static struct {
    bool have_target;
    bool busy;                      /* the goal is not reached yet */
    struct balloon_plan plan;
    unsigned long scan;             /* where the search for away frames is */
    unsigned long xen_current;      /* Xen's count, at the last look */
    unsigned long xen_maximum;      /* Xen's maximum (~0UL: unknown) */
} bal;

static struct balloon_stats stats;
static unsigned long batch[BALLOON_BATCH];

static unsigned long kib(unsigned long pages)
{
    return pages * BALLOON_KIB_PER_PAGE;
}

/* XENMEM_current_reservation or _maximum_reservation of our domain. */
static long xen_pages(unsigned int cmd)
{
    domid_t self = DOMID_SELF;

    return HYPERVISOR_memory_op(cmd, &self);
}

/*
 * What the balloon works from; false (said why) if Xen will not say.
 *
 * The target is RAM: libxl writes the memory the domain was given, and
 * the domain builder adds pages beyond it that Xen counts too (a PVH
 * domain's special pages: the console and xenstore rings and a few more,
 * 16 of them on Xen 4.17; a PV domain has none). So the domain's size
 * here is its RAM, as the kernel counts it (every RAM frame not given
 * back, mapped or not), and Xen's maximum is moved down by the pages Xen
 * counts beyond that, which stay the same all along. `xl list` shows
 * Xen's count, rounded down to MiB: the target, plus those few pages.
 */
static bool get_view(struct balloon_view *v)
{
    struct page_alloc_counters c;
    struct mem_info mi;
    long cur = xen_pages(XENMEM_current_reservation);
    long max = xen_pages(XENMEM_maximum_reservation);
    unsigned long extra;

    if ( cur < 0 )
    {
        printk("balloon: Xen does not tell the domain's size (error %ld); "
               "not ballooning\n", cur);
        return false;
    }
    page_alloc_get_counters(mem_allocator(), &c);
    mem_get_info(&mi);
    v->current = c.ram + mi.not_mapped;
    v->free = c.free;
    v->away = c.away;
    bal.xen_current = (unsigned long)cur;
    bal.xen_maximum = max < 0 ? ~0UL : (unsigned long)max;
    extra = bal.xen_current > v->current ? bal.xen_current - v->current : 0;
    if ( max < 0 )
        v->maximum = ~0UL;
    else
        v->maximum = bal.xen_maximum > extra ? bal.xen_maximum - extra : 0;
    return true;
}

/* A message in the middle of the prompt: let its owner draw it again. */
static void message_done(void)
{
    control_message_printed();
}

/* The refused value, shown safely: no control byte reaches the terminal. */
static void print_value(const char *s, size_t len)
{
    char shown[28];
    size_t n = len < sizeof(shown) - 4 ? len : sizeof(shown) - 4;

    for ( size_t i = 0; i < n; i++ )
        shown[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
    shown[n] = '\0';
    printk("'%s%s'", shown, n < len ? "..." : "");
}

static void announce(const struct balloon_plan *p,
                     const struct balloon_view *v)
{
    printk("balloon: target %lu KiB; the domain has %lu KiB of RAM (floor "
           "%lu KiB, cap %lu KiB): ", kib(p->target), kib(v->current),
           kib(p->floor), kib(p->cap));
    if ( p->goal < v->current )
        printk("giving back %lu KiB\n", kib(v->current - p->goal));
    else if ( p->goal > v->current )
        printk("taking back %lu KiB\n", kib(p->goal - v->current));
    else
        printk("nothing to do\n");
    if ( p->limit == BALLOON_AT_FLOOR )
        printk("balloon: %lu KiB is below the floor: the kernel holds %lu KiB "
               "and keeps a %lu KiB margin free; going no lower than %lu "
               "KiB\n", kib(p->target), kib(p->floor - BALLOON_MARGIN_PAGES),
               kib(BALLOON_MARGIN_PAGES), kib(p->goal));
    else if ( p->limit == BALLOON_AT_CAP )
    {
        printk("balloon: %lu KiB is above what the domain can have: ",
               kib(p->target));
        if ( bal.xen_maximum != ~0UL )
            printk("Xen's maximum is %lu KiB (%lu KiB of it RAM), ",
                   kib(bal.xen_maximum), kib(v->maximum));
        printk("%lu KiB of frames are away to fill again; capped at %lu "
               "KiB\n", kib(v->away), kib(p->goal));
    }
}

static void finish(enum balloon_stop stop, const struct balloon_view *v);

static void set_target(unsigned long pages)
{
    struct balloon_view v;

    if ( !get_view(&v) )
        return;
    balloon_plan(pages, &v, &bal.plan);
    bal.have_target = true;
    bal.busy = bal.plan.goal != v.current;
    bal.scan = 0;
    announce(&bal.plan, &v);
    /* Every target taken ends with one line, even when nothing moves. */
    if ( !bal.busy )
        finish(BALLOON_REACHED, &v);
}

static void target_changed(void *ctx, const char *path, const char *token)
{
    char buf[32];
    int rc = xs_read(TARGET_KEY, buf, sizeof(buf));
    size_t len;
    uint64_t value;
    int err;

    printk("\n");
    if ( rc < 0 && rc != -EOVERFLOW )
    {
        printk("balloon: cannot read %s: %s; the target stays %s\n",
               TARGET_KEY, xs_strerror(rc),
               bal.have_target ? "as it was" : "unknown");
        message_done();
        return;
    }
    len = rc == -EOVERFLOW ? sizeof(buf) - 1 : (size_t)rc;
    err = balloon_parse_target(buf, len, &value);
    /* More than 31 digits is more than any limit: enormous, not garbage. */
    if ( rc == -EOVERFLOW && err == BALLOON_TARGET_OK )
        err = BALLOON_TARGET_ENORMOUS;
    if ( err )
    {
        stats.refused++;
        printk("balloon: %s = ", TARGET_KEY);
        print_value(buf, len);
        printk(" refused: %s; ", balloon_target_strerror(err));
        if ( bal.have_target )
            printk("the target stays %lu KiB\n", kib(bal.plan.target));
        else
            printk("no target yet\n");
        message_done();
        return;
    }
    stats.targets++;
    set_target((unsigned long)(value / BALLOON_KIB_PER_PAGE));
    message_done();
}

/* Free pages out of the pool and back to Xen; how many went. */
static unsigned long give(unsigned long n)
{
    struct page_alloc *pa = mem_allocator();
    unsigned long got = 0, done;

    while ( got < n && page_alloc_give_away_any(pa, &batch[got]) == PAGE_OK )
        got++;
    done = arch_balloon_give(batch, got, &stats);
    for ( unsigned long i = done; i < got; i++ )
        page_alloc_take_back(pa, batch[i]);     /* kept its memory */
    stats.given += done;
    return done;
}

/* Frames away, filled again and back in the pool; how many came. */
static unsigned long take(unsigned long n)
{
    struct page_alloc *pa = mem_allocator();
    struct mem_info mi;
    unsigned long got = 0, done;

    mem_get_info(&mi);
    for ( unsigned long seen = 0; got < n && seen < mi.nr_frames; seen++ )
    {
        unsigned long pfn = bal.scan;

        bal.scan = bal.scan + 1 < mi.nr_frames ? bal.scan + 1 : 0;
        if ( page_alloc_state(pa, pfn, NULL) == PAGE_AWAY )
            batch[got++] = pfn;
    }
    done = arch_balloon_reclaim(batch, got, &stats);
    for ( unsigned long i = 0; i < done; i++ )
        page_alloc_take_back(pa, batch[i]);
    stats.reclaimed += done;
    return done;
}

/* The goal reached short of the target: say which limit stopped it. */
static enum balloon_stop limit_reached(const struct balloon_view *v)
{
    if ( bal.plan.limit == BALLOON_AT_FLOOR )
        return BALLOON_STOP_FLOOR;
    if ( bal.plan.limit == BALLOON_AT_CAP )
        return bal.plan.cap < v->maximum ? BALLOON_STOP_NO_FRAMES
                                         : BALLOON_STOP_MAXIMUM;
    return BALLOON_REACHED;
}

static void finish(enum balloon_stop stop, const struct balloon_view *v)
{
    struct page_alloc_counters c;

    bal.busy = false;
    if ( stop == BALLOON_REACHED )
        stop = limit_reached(v);
    page_alloc_get_counters(mem_allocator(), &c);
    if ( stop == BALLOON_REACHED )
        printk("balloon: done: the domain has %lu KiB of RAM (target %lu "
               "KiB), Xen counts %lu KiB; %lu KiB are given back\n",
               kib(v->current), kib(bal.plan.target), kib(bal.xen_current),
               kib(c.away));
    else
        printk("balloon: stopped at %lu KiB (goal %lu KiB): %s\n",
               kib(v->current), kib(bal.plan.goal), balloon_stop_name(stop));
}

bool balloon_pending(void)
{
    return bal.busy;
}

void balloon_process(void)
{
    struct balloon_view v;
    struct balloon_step s;
    unsigned long done;

    if ( !bal.busy )
        return;
    if ( !get_view(&v) )
    {
        bal.busy = false;
        message_done();
        return;
    }
    balloon_next_step(bal.plan.goal, &v, BALLOON_BATCH, &s);
    if ( s.dir == BALLOON_IDLE )
    {
        printk("\n");
        finish(s.stop, &v);
        message_done();
        return;
    }
    done = s.dir == BALLOON_GIVE ? give(s.count) : take(s.count);
    if ( done < s.count )
    {
        /* The platform said which frame Xen refused, and why. */
        get_view(&v);
        bal.busy = false;
        printk("balloon: stopped at %lu KiB (goal %lu KiB) after Xen %s only "
               "%lu of %lu pages\n", kib(v.current), kib(bal.plan.goal),
               s.dir == BALLOON_GIVE ? "took" : "gave", done, s.count);
        message_done();
    }
}

void balloon_init(void)
{
    int rc;

    if ( !mem_ready() )
        return;
    rc = xs_watch(TARGET_KEY, "balloon", target_changed, NULL);
    if ( rc < 0 )
        printk("balloon: cannot watch %s: %s; xl mem-set will not reach "
               "tinypv\n", TARGET_KEY, xs_strerror(rc));
}

void balloon_get_stats(struct balloon_stats *st)
{
    *st = stats;
}

void balloon_print_info(void)
{
    struct balloon_view v;
    struct balloon_plan p;

    if ( !mem_ready() || !get_view(&v) )
        return;
    printk("  balloon     ");
    if ( bal.have_target )
        printk("target %lu KiB, ", kib(bal.plan.target));
    else
        printk("no target read from %s, ", TARGET_KEY);
    printk("the domain has %lu KiB of RAM (Xen counts %lu KiB), %lu KiB "
           "given back%s\n", kib(v.current), kib(bal.xen_current),
           kib(v.away), bal.busy ? "; a change is in progress" : "");
    balloon_plan(v.current, &v, &p);
    printk("  balloon     floor now %lu KiB (held %lu + margin %lu), cap %lu "
           "KiB\n", kib(p.floor), kib(p.floor - BALLOON_MARGIN_PAGES),
           kib(BALLOON_MARGIN_PAGES), kib(p.cap));
}
