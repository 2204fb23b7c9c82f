/*
 * balloon_policy.c: the balloon's decisions, without Xen (host-tested).
 *
 * memory/target is written by the toolstack, but any dom0 process with
 * the rights can write anything there, so the value is parsed strictly:
 * decimal digits only, as libxl writes it. Everything else is refused
 * with its own reason, and the balloon keeps its last good target.
 *
 * Sizes are in pages of RAM, as libxl means the target (mm/balloon.c's
 * get_view() turns Xen's figures into that). The domain's RAM includes
 * frames the pool does not manage (PV: frames not mapped), which is why
 * the floor is current - free + margin and not "used + margin": every
 * page that is not free in the pool stays.
 *
 * All arithmetic saturates: a view with nonsense in it (free above current,
 * a maximum of ~0) gives a plan within bounds, never a wrapped one.
 */
#include <tinypv/balloon.h>

int balloon_parse_target(const char *s, size_t len, uint64_t *kib)
{
    size_t i = 0;
    uint64_t v = 0;
    bool enormous = false;

    if ( len == 0 )
        return BALLOON_TARGET_EMPTY;
    if ( s[0] == '-' )
    {
        /* "-5" is a negative number; "-" or "-x" is just garbage. */
        if ( len == 1 )
            return BALLOON_TARGET_GARBAGE;
        i = 1;
    }
    for ( size_t j = i; j < len; j++ )
        if ( s[j] < '0' || s[j] > '9' )
            return BALLOON_TARGET_GARBAGE;
    if ( i )
        return BALLOON_TARGET_NEGATIVE;

    for ( ; i < len; i++ )
    {
        /* Stop growing once past the limit: no overflow, whatever the length. */
        if ( !enormous )
            v = v * 10 + (uint64_t)(s[i] - '0');
        if ( v > BALLOON_TARGET_MAX_KIB )
            enormous = true;
    }
    if ( enormous )
        return BALLOON_TARGET_ENORMOUS;
    *kib = v;
    return BALLOON_TARGET_OK;
}

const char *balloon_target_strerror(int err)
{
    switch ( err )
    {
    case BALLOON_TARGET_OK:        return "ok";
    case BALLOON_TARGET_EMPTY:     return "the node is empty";
    case BALLOON_TARGET_NEGATIVE:  return "a negative size";
    case BALLOON_TARGET_GARBAGE:   return "not a decimal number of KiB";
    case BALLOON_TARGET_ENORMOUS:  return "more than a 32-bit PAE kernel can "
                                          "address (64 GiB)";
    default:                       return "unknown error";
    }
}

static unsigned long sat_add(unsigned long a, unsigned long b)
{
    return a + b < a ? ~0UL : a + b;
}

static unsigned long sat_sub(unsigned long a, unsigned long b)
{
    return a > b ? a - b : 0;
}

static unsigned long min_ul(unsigned long a, unsigned long b)
{
    return a < b ? a : b;
}

/*
 * Shrinking stops at the floor and growing at the cap, and neither turns
 * into the other: a floor above the domain's size (a kernel using nearly
 * all it has) does not make it grow, and a maximum below its size (libxl
 * lowers it to the new target + 1 MiB before writing the target) does not
 * make it shrink past the floor: Xen's maximum only limits new pages.
 */
void balloon_plan(unsigned long target, const struct balloon_view *v,
                  struct balloon_plan *p)
{
    p->target = target;
    p->floor = sat_add(sat_sub(v->current, v->free), BALLOON_MARGIN_PAGES);
    p->cap = min_ul(v->maximum, sat_add(v->current, v->away));
    p->goal = target;
    p->limit = BALLOON_AS_ASKED;
    if ( target < v->current )
    {
        if ( target < p->floor )
        {
            p->goal = min_ul(p->floor, v->current);
            p->limit = BALLOON_AT_FLOOR;
        }
    }
    else if ( target > v->current && target > p->cap )
    {
        p->goal = p->cap > v->current ? p->cap : v->current;
        p->limit = BALLOON_AT_CAP;
    }
}

void balloon_next_step(unsigned long goal, const struct balloon_view *v,
                       unsigned long batch, struct balloon_step *s)
{
    unsigned long want, can;

    s->dir = BALLOON_IDLE;
    s->count = 0;
    if ( goal == v->current || batch == 0 )
    {
        s->stop = BALLOON_REACHED;
        return;
    }
    if ( goal < v->current )
    {
        want = v->current - goal;
        can = sat_sub(v->free, BALLOON_MARGIN_PAGES);
        if ( can == 0 )
        {
            s->stop = BALLOON_STOP_FLOOR;
            return;
        }
        s->dir = BALLOON_GIVE;
    }
    else
    {
        want = goal - v->current;
        if ( v->away == 0 )
        {
            s->stop = BALLOON_STOP_NO_FRAMES;
            return;
        }
        can = min_ul(v->away, sat_sub(v->maximum, v->current));
        if ( can == 0 )
        {
            s->stop = BALLOON_STOP_MAXIMUM;
            return;
        }
        s->dir = BALLOON_TAKE;
    }
    s->count = min_ul(min_ul(want, can), batch);
    s->stop = BALLOON_GOING;
}

const char *balloon_stop_name(enum balloon_stop stop)
{
    switch ( stop )
    {
    case BALLOON_GOING:          return "going";
    case BALLOON_REACHED:        return "reached";
    case BALLOON_STOP_FLOOR:     return "only the floor's margin is free";
    case BALLOON_STOP_NO_FRAMES: return "no frame is left to fill again";
    case BALLOON_STOP_MAXIMUM:   return "Xen's maximum reservation is reached";
    default:                     return "?";
    }
}
