/*
 * fuzz_balloon.c: the balloon's pure half (mm/balloon_policy.c), the code
 * that reads memory/target, which any dom0 process with the rights may
 * write.
 *
 * Input: u8 batch, then four u32s (current, maximum, free, away: the view;
 * maximum 0xffffffff stands for "unknown"), then the rest of the bytes as
 * the memory/target value.
 *
 * Checks, on every input: the parser agrees with a reference written from
 * the header (digits only; a lone leading '-' before digits is negative;
 * empty is empty; above 64 GiB is enormous) and gives the exact value;
 * the plan shrinks no lower than the floor and grows no higher than the
 * cap, never the other way, and says a limit exactly when the goal is not
 * the target; a run of steps reaches the goal or stops with a reason,
 * never moving more than a batch, leaving fewer than the margin free,
 * filling more frames than are away, or passing Xen's maximum.
 */
#include <tinypv/balloon.h>
#include "fuzz.h"

static int reference(const uint8_t *s, size_t n, uint64_t *kib)
{
    size_t i = 0;
    unsigned __int128 v = 0;

    if ( n == 0 )
        return BALLOON_TARGET_EMPTY;
    if ( s[0] == '-' )
        i = 1;
    if ( i == n )
        return BALLOON_TARGET_GARBAGE;
    for ( size_t j = i; j < n; j++ )
        if ( s[j] < '0' || s[j] > '9' )
            return BALLOON_TARGET_GARBAGE;
    if ( i )
        return BALLOON_TARGET_NEGATIVE;
    for ( ; i < n; i++ )
    {
        v = v * 10 + (s[i] - '0');
        if ( v > BALLOON_TARGET_MAX_KIB )
            return BALLOON_TARGET_ENORMOUS;
    }
    *kib = (uint64_t)v;
    return BALLOON_TARGET_OK;
}

static void check_plan(unsigned long target, const struct balloon_view *v,
                       const struct balloon_plan *p)
{
    FUZZ_ASSERT(p->target == target);
    if ( target < v->current )
        FUZZ_ASSERT(p->goal >= target && p->goal <= v->current &&
                    (p->goal >= p->floor || p->goal == v->current));
    else
        FUZZ_ASSERT(p->goal <= target && p->goal >= v->current &&
                    (p->goal <= p->cap || p->goal == v->current));
    FUZZ_ASSERT((p->limit == BALLOON_AS_ASKED) == (p->goal == target));
}

/* Steps towards the goal on a model domain, as mm/balloon.c takes them. */
static void run_steps(struct balloon_view v, unsigned long goal,
                      unsigned long batch)
{
    struct balloon_step s;

    for ( unsigned int i = 0; i < 64; i++ )
    {
        balloon_next_step(goal, &v, batch, &s);
        if ( s.dir == BALLOON_IDLE )
        {
            FUZZ_ASSERT(s.count == 0 && s.stop != BALLOON_GOING);
            FUZZ_ASSERT((s.stop == BALLOON_REACHED) ==
                        (v.current == goal || batch == 0));
            return;
        }
        FUZZ_ASSERT(s.stop == BALLOON_GOING);
        FUZZ_ASSERT(s.count >= 1 && s.count <= batch);
        if ( s.dir == BALLOON_GIVE )
        {
            FUZZ_ASSERT(goal < v.current && s.count <= v.current - goal);
            FUZZ_ASSERT(v.free >= BALLOON_MARGIN_PAGES + s.count);
            v.current -= s.count;
            v.free -= s.count;
            v.away += s.count;
        }
        else
        {
            FUZZ_ASSERT(goal > v.current && s.count <= goal - v.current);
            FUZZ_ASSERT(s.count <= v.away);
            FUZZ_ASSERT(v.current <= v.maximum &&
                        s.count <= v.maximum - v.current);
            v.current += s.count;
            v.free += s.count;
            v.away -= s.count;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size };
    struct balloon_view v;
    struct balloon_plan p;
    unsigned long batch = fuzz_u8(&in);
    uint64_t kib = 0x5a5a, want = 0xa5a5;
    char *value;
    int rc, ref;

    v.current = fuzz_u32(&in);
    v.maximum = fuzz_u32(&in);
    v.free = fuzz_u32(&in);
    v.away = fuzz_u32(&in);
    if ( v.maximum == 0xffffffffu )
        v.maximum = ~0UL;

    /* The value in an allocation of exactly its size: no terminator. */
    value = malloc(in.n ? in.n : 1);
    memcpy(value, in.p, in.n);
    rc = balloon_parse_target(value, in.n, &kib);
    ref = reference(in.p, in.n, &want);
    FUZZ_ASSERT(rc == ref);
    if ( rc == BALLOON_TARGET_OK )
        FUZZ_ASSERT(kib == want && kib <= BALLOON_TARGET_MAX_KIB);
    else
        FUZZ_ASSERT(kib == 0x5a5a);
    FUZZ_ASSERT(balloon_target_strerror(rc) != NULL);
    free(value);

    if ( rc != BALLOON_TARGET_OK )
        kib = (uint64_t)v.current * BALLOON_KIB_PER_PAGE ^ size;
    balloon_plan((unsigned long)(kib / BALLOON_KIB_PER_PAGE), &v, &p);
    check_plan((unsigned long)(kib / BALLOON_KIB_PER_PAGE), &v, &p);
    run_steps(v, p.goal, batch);
    return 0;
}
