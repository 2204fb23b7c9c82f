/*
 * test_balloon.c: the balloon's pure half (mm/balloon_policy.c).
 *
 * What must hold: memory/target is taken only as decimal digits, and
 * everything else (empty, negative, garbage, enormous, a NUL inside) is
 * refused with its own reason and no value; the plan never goes below the
 * floor or above the cap, and says which limit it met; each step moves at
 * most a batch, never leaves fewer than the margin free, never fills more
 * frames than are away or goes above Xen's maximum; repeated steps reach
 * the goal. Nonsense in the view (free above current, maxima of ~0) gives
 * bounded answers.
 */
#include <tinypv/balloon.h>
#include "check.h"
#include <stdlib.h>

static int parse(const char *s, uint64_t *kib)
{
    return balloon_parse_target(s, strlen(s), kib);
}

static void test_parse(void)
{
    uint64_t kib = 12345;

    CHECK_EQ(parse("16384", &kib), BALLOON_TARGET_OK);
    CHECK_EQ(kib, 16384);
    CHECK_EQ(parse("0", &kib), BALLOON_TARGET_OK);
    CHECK_EQ(kib, 0);
    CHECK_EQ(parse("000032768", &kib), BALLOON_TARGET_OK);
    CHECK_EQ(kib, 32768);
    CHECK_EQ(parse("67108864", &kib), BALLOON_TARGET_OK);   /* 64 GiB */
    CHECK_EQ(kib, BALLOON_TARGET_MAX_KIB);

    /* Refusals leave *kib alone. */
    kib = 777;
    CHECK_EQ(parse("", &kib), BALLOON_TARGET_EMPTY);
    CHECK_EQ(parse("-5", &kib), BALLOON_TARGET_NEGATIVE);
    CHECK_EQ(parse("-0", &kib), BALLOON_TARGET_NEGATIVE);
    CHECK_EQ(parse("-", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("-x", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("--5", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("+5", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("garbage", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("16384 ", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse(" 16384", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("16384\n", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("16M", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("0x4000", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("1e6", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(parse("67108865", &kib), BALLOON_TARGET_ENORMOUS);
    CHECK_EQ(parse("99999999999999", &kib), BALLOON_TARGET_ENORMOUS);
    /* Far past 2^64: no overflow wraps it back into range. */
    CHECK_EQ(parse("18446744073709551616", &kib), BALLOON_TARGET_ENORMOUS);
    CHECK_EQ(parse("36893488147419103232", &kib), BALLOON_TARGET_ENORMOUS);
    CHECK_EQ(parse("1844674407370955161600000000000000000000", &kib),
             BALLOON_TARGET_ENORMOUS);
    /* Garbage wins over size: it is no number at all. */
    CHECK_EQ(parse("99999999999999999999x", &kib), BALLOON_TARGET_GARBAGE);
    CHECK_EQ(kib, 777);

    /* A NUL inside the value (xenstore values may hold one). */
    CHECK_EQ(balloon_parse_target("16\0" "384", 6, &kib),
             BALLOON_TARGET_GARBAGE);
    /* Only len bytes count: no terminator needed. */
    CHECK_EQ(balloon_parse_target("163849999", 5, &kib), BALLOON_TARGET_OK);
    CHECK_EQ(kib, 16384);
    CHECK_EQ(balloon_parse_target("", 0, &kib), BALLOON_TARGET_EMPTY);

    for ( int e = BALLOON_TARGET_OK; e <= BALLOON_TARGET_ENORMOUS; e++ )
        CHECK(strcmp(balloon_target_strerror(e), "unknown error") != 0);
    CHECK_STR(balloon_target_strerror(99), "unknown error");
}

/* A 32 MiB domain: 8192 pages, 7000 free, nothing away, maximum 8448. */
static struct balloon_view view32(void)
{
    return (struct balloon_view){ .current = 8192, .maximum = 8448,
                                  .free = 7000, .away = 0 };
}

static void test_plan(void)
{
    struct balloon_view v = view32();
    struct balloon_plan p;

    /* Down to 16 MiB: as asked. Floor: 1192 held + the margin. */
    balloon_plan(4096, &v, &p);
    CHECK_EQ(p.goal, 4096);
    CHECK_EQ(p.limit, BALLOON_AS_ASKED);
    CHECK_EQ(p.floor, 8192 - 7000 + BALLOON_MARGIN_PAGES);
    CHECK_EQ(p.cap, 8192);

    /* Below the floor: the floor. */
    balloon_plan(256, &v, &p);
    CHECK_EQ(p.goal, p.floor);
    CHECK_EQ(p.limit, BALLOON_AT_FLOOR);
    CHECK_EQ(p.target, 256);
    balloon_plan(0, &v, &p);
    CHECK_EQ(p.goal, p.floor);

    /* The same size: nothing to do. */
    balloon_plan(8192, &v, &p);
    CHECK_EQ(p.goal, 8192);
    CHECK_EQ(p.limit, BALLOON_AS_ASKED);

    /* Ballooned down to 16 MiB: 4096 away, Xen's maximum 17 MiB. */
    v = (struct balloon_view){ .current = 4096, .maximum = 4352,
                               .free = 2904, .away = 4096 };
    balloon_plan(8192, &v, &p);
    CHECK_EQ(p.goal, 4352);     /* xl raises the maximum first; here not */
    CHECK_EQ(p.limit, BALLOON_AT_CAP);
    v.maximum = 8448;           /* as after xl mem-set 32 */
    balloon_plan(8192, &v, &p);
    CHECK_EQ(p.goal, 8192);
    CHECK_EQ(p.limit, BALLOON_AS_ASKED);
    /* Above what the frames allow (the P2M's nr_pages): capped. */
    v.maximum = 100000;
    balloon_plan(16384, &v, &p);
    CHECK_EQ(p.goal, 8192);
    CHECK_EQ(p.cap, 8192);
    CHECK_EQ(p.limit, BALLOON_AT_CAP);
    /* Maximum unknown: only the frames cap. */
    v.maximum = ~0UL;
    balloon_plan(~0UL, &v, &p);
    CHECK_EQ(p.goal, 8192);

    /*
     * A kernel holding nearly all it has (PV before its linear map: most
     * frames not mapped, so not free): the floor is above the domain's
     * size. A smaller target must not make it grow, even with frames away.
     */
    v = (struct balloon_view){ .current = 8192, .maximum = 8448,
                               .free = 100, .away = 50 };
    balloon_plan(4096, &v, &p);
    CHECK_EQ(p.limit, BALLOON_AT_FLOOR);
    CHECK_EQ(p.goal, 8192);
    CHECK(p.floor > v.current);

    /*
     * Xen's maximum below the domain's size (libxl lowered it before the
     * target arrived) and a floor above it: no shrinking past the floor.
     */
    v = (struct balloon_view){ .current = 8192, .maximum = 1000,
                               .free = 2000, .away = 0 };
    balloon_plan(0, &v, &p);
    CHECK_EQ(p.goal, 8192 - 2000 + BALLOON_MARGIN_PAGES);
    CHECK_EQ(p.limit, BALLOON_AT_FLOOR);
    /* ... and growing is impossible: the domain keeps its size. */
    balloon_plan(9000, &v, &p);
    CHECK_EQ(p.goal, 8192);
    CHECK_EQ(p.limit, BALLOON_AT_CAP);

    /* Nonsense views stay bounded. */
    v = (struct balloon_view){ .current = 10, .maximum = ~0UL,
                               .free = 1000, .away = ~0UL };
    balloon_plan(~0UL, &v, &p);
    CHECK_EQ(p.floor, BALLOON_MARGIN_PAGES);
    CHECK_EQ(p.cap, ~0UL);
    CHECK_EQ(p.goal, ~0UL);
    balloon_plan(5, &v, &p);
    CHECK_EQ(p.goal, 10);
}

static void test_step(void)
{
    struct balloon_view v = view32();
    struct balloon_step s;

    balloon_next_step(4096, &v, 256, &s);
    CHECK_EQ(s.dir, BALLOON_GIVE);
    CHECK_EQ(s.count, 256);
    CHECK_EQ(s.stop, BALLOON_GOING);

    balloon_next_step(8192 - 10, &v, 256, &s);
    CHECK_EQ(s.dir, BALLOON_GIVE);
    CHECK_EQ(s.count, 10);

    balloon_next_step(8192, &v, 256, &s);
    CHECK_EQ(s.dir, BALLOON_IDLE);
    CHECK_EQ(s.stop, BALLOON_REACHED);

    /* The margin holds even if the plan's goal would break it. */
    v.free = BALLOON_MARGIN_PAGES + 3;
    balloon_next_step(0, &v, 256, &s);
    CHECK_EQ(s.dir, BALLOON_GIVE);
    CHECK_EQ(s.count, 3);
    v.free = BALLOON_MARGIN_PAGES;
    balloon_next_step(0, &v, 256, &s);
    CHECK_EQ(s.dir, BALLOON_IDLE);
    CHECK_EQ(s.stop, BALLOON_STOP_FLOOR);

    /* Up: no frame away. */
    v = view32();
    balloon_next_step(8300, &v, 256, &s);
    CHECK_EQ(s.stop, BALLOON_STOP_NO_FRAMES);
    /* Up: at Xen's maximum. */
    v = (struct balloon_view){ .current = 4352, .maximum = 4352,
                               .free = 3000, .away = 3840 };
    balloon_next_step(8192, &v, 256, &s);
    CHECK_EQ(s.stop, BALLOON_STOP_MAXIMUM);
    /* Up: limited by the maximum, then by the frames away. */
    v.current = 4300;
    balloon_next_step(8192, &v, 256, &s);
    CHECK_EQ(s.dir, BALLOON_TAKE);
    CHECK_EQ(s.count, 52);
    v.maximum = 9000;
    v.away = 7;
    balloon_next_step(8192, &v, 256, &s);
    CHECK_EQ(s.count, 7);

    /* No batch: nothing. */
    balloon_next_step(0, &v, 0, &s);
    CHECK_EQ(s.dir, BALLOON_IDLE);
    for ( int st = BALLOON_GOING; st <= BALLOON_STOP_MAXIMUM; st++ )
        CHECK(strcmp(balloon_stop_name(st), "?") != 0);
}

/*
 * A simulated domain, driven by plan and steps as mm/balloon.c drives the
 * real one: down to 16 MiB, below the floor, up past the cap, back to
 * 32 MiB. Every step keeps the margin free and Xen's maximum.
 */
static unsigned long run(struct balloon_view *v, unsigned long target,
                         unsigned long *steps)
{
    struct balloon_plan p;
    struct balloon_step s;

    balloon_plan(target, v, &p);
    *steps = 0;
    for ( ;; )
    {
        balloon_next_step(p.goal, v, 256, &s);
        if ( s.dir == BALLOON_IDLE )
            break;
        CHECK(s.count >= 1 && s.count <= 256);
        if ( s.dir == BALLOON_GIVE )
        {
            v->current -= s.count;
            v->free -= s.count;
            v->away += s.count;
        }
        else
        {
            v->current += s.count;
            v->free += s.count;
            v->away -= s.count;
        }
        CHECK(v->free >= BALLOON_MARGIN_PAGES);
        CHECK(v->current <= v->maximum);
        (*steps)++;
    }
    return p.goal;
}

static void test_simulated(void)
{
    struct balloon_view v = view32();
    unsigned long steps, goal;

    goal = run(&v, 4096, &steps);
    CHECK_EQ(goal, 4096);
    CHECK_EQ(v.current, 4096);
    CHECK_EQ(steps, 16);                /* 4096 pages, 256 at a time */

    goal = run(&v, 64, &steps);         /* below the floor */
    CHECK_EQ(v.current, 8192 - 7000 + BALLOON_MARGIN_PAGES);
    CHECK_EQ(v.free, BALLOON_MARGIN_PAGES);
    CHECK_EQ(goal, v.current);

    v.maximum = 4352;                   /* xl mem-set's enforce: target + 1 MiB */
    goal = run(&v, 8192, &steps);
    CHECK_EQ(v.current, 4352);

    v.maximum = 8448;
    goal = run(&v, 8192, &steps);
    CHECK_EQ(v.current, 8192);
    CHECK_EQ(v.away, 0);
    CHECK_EQ(v.free, 7000);

    goal = run(&v, 100000, &steps);     /* written by hand: capped */
    CHECK_EQ(v.current, 8192);
    CHECK_EQ(steps, 0);
}

/* Random views and targets: the bounds hold whatever the numbers. */
static void test_random(void)
{
    srand(17);
    for ( int i = 0; i < 200000; i++ )
    {
        struct balloon_view v;
        struct balloon_plan p;
        struct balloon_step s;
        unsigned long target = (unsigned long)rand() % 20000;

        v.current = (unsigned long)rand() % 20000;
        v.free = (unsigned long)rand() % (v.current + 1);
        v.away = (unsigned long)rand() % 20000;
        v.maximum = i % 7 ? (unsigned long)rand() % 30000 : ~0UL;
        balloon_plan(target, &v, &p);
        if ( target < v.current )
            CHECK(p.goal <= v.current && p.goal >= target &&
                  (p.goal >= p.floor || p.goal == v.current));
        else
            CHECK(p.goal >= v.current && p.goal <= target &&
                  (p.goal <= p.cap || p.goal == v.current));
        CHECK((p.limit == BALLOON_AS_ASKED) == (p.goal == target));
        balloon_next_step(p.goal, &v, 256, &s);
        if ( s.dir == BALLOON_GIVE )
            CHECK(s.count <= 256 && v.free - s.count >= BALLOON_MARGIN_PAGES &&
                  v.current - s.count >= p.goal);
        if ( s.dir == BALLOON_TAKE )
            CHECK(s.count <= 256 && s.count <= v.away &&
                  v.current + s.count <= v.maximum &&
                  v.current + s.count <= p.goal);
        if ( s.dir == BALLOON_IDLE )
            CHECK(s.stop != BALLOON_GOING && s.count == 0);
    }
}

int main(void)
{
    test_parse();
    test_plan();
    test_step();
    test_simulated();
    test_random();
    return check_summary("balloon");
}
