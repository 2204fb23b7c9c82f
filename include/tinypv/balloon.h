/*
 * balloon.h: the balloon that answers `xl mem-set` (mm/balloon.c), and its
 * pure half (mm/balloon_policy.c): what a memory/target value means and
 * how far the kernel follows it.
 *
 * The toolstack writes the domain's wanted size, in KiB, to xenstore's
 * memory/target. The balloon gives free pages back to Xen when the domain
 * is larger (XENMEM_decrease_reservation) and takes them back when it is
 * smaller (XENMEM_populate_physmap), as far as a floor (what the kernel
 * uses, plus a margin) and a cap (Xen's maximum, and the frames there are)
 * allow. Sizes are the domain's RAM, as libxl means the target: Xen's
 * count (XENMEM_current_reservation, what `xl list` shows) is that plus
 * the few pages the domain builder adds beyond RAM (PVH's special pages).
 * docs/11-memory.md, "Ballooning".
 */
#ifndef TINYPV_BALLOON_H
#define TINYPV_BALLOON_H

#include <tinypv/types.h>

/* --- the pure half: host-tested ------------------------------------------ */

#define BALLOON_KIB_PER_PAGE    4
/*
 * The largest target taken: 64 GiB, all a PAE kernel can address (36-bit
 * physical addresses). Anything above is no size but a broken value.
 */
#define BALLOON_TARGET_MAX_KIB  (64ULL * 1024 * 1024)
/* Free pages the balloon never gives away: room for the kernel to work. */
#define BALLOON_MARGIN_PAGES    256
/*
 * Pages moved per turn of the main loop (1 MiB), and the most a platform
 * hook is ever handed at once (its arrays are this size).
 */
#define BALLOON_BATCH           256

enum balloon_target_err {
    BALLOON_TARGET_OK = 0,
    BALLOON_TARGET_EMPTY,       /* "" */
    BALLOON_TARGET_NEGATIVE,    /* "-5" */
    BALLOON_TARGET_GARBAGE,     /* anything else that is no decimal number */
    BALLOON_TARGET_ENORMOUS,    /* digits, above BALLOON_TARGET_MAX_KIB */
};

/*
 * A memory/target value (len bytes, not necessarily terminated): decimal
 * digits only, as libxl writes it ("%"PRIu64). No sign, no space, no
 * suffix, no NUL byte inside. BALLOON_TARGET_OK with the size in KiB in
 * *kib, or why not.
 */
int balloon_parse_target(const char *s, size_t len, uint64_t *kib);
const char *balloon_target_strerror(int err);

/* What the balloon sees when it plans or takes a step (pages). */
struct balloon_view {
    unsigned long current;      /* the domain's RAM pages now */
    unsigned long maximum;      /* the most RAM Xen's maximum_reservation
                                   allows (~0UL: unknown) */
    unsigned long free;         /* free pages in the pool: what may go */
    unsigned long away;         /* frames given back: what may come again */
};

enum balloon_limit {
    BALLOON_AS_ASKED,           /* the goal is the target */
    BALLOON_AT_FLOOR,           /* the target is below the floor */
    BALLOON_AT_CAP,             /* the target is above the cap */
};

struct balloon_plan {
    unsigned long target;       /* what was asked */
    unsigned long goal;         /* what the balloon aims for */
    unsigned long floor;        /* current - free + margin: the least kept */
    unsigned long cap;          /* min(maximum, current + away): the most */
    enum balloon_limit limit;
};

/*
 * The goal for target pages: the target, but shrinking no lower than the
 * floor and growing no higher than the cap (and never the domain's size
 * the other way).
 */
void balloon_plan(unsigned long target, const struct balloon_view *v,
                  struct balloon_plan *p);

enum balloon_dir { BALLOON_IDLE, BALLOON_GIVE, BALLOON_TAKE };

enum balloon_stop {
    BALLOON_GOING,              /* count pages to move now */
    BALLOON_REACHED,            /* current == goal */
    BALLOON_STOP_FLOOR,         /* only the margin is free: none may go */
    BALLOON_STOP_NO_FRAMES,     /* no frame away to fill again */
    BALLOON_STOP_MAXIMUM,       /* Xen's maximum reached */
};

struct balloon_step {
    enum balloon_dir dir;
    unsigned long count;        /* 1 .. batch when dir is not IDLE */
    enum balloon_stop stop;     /* BALLOON_GOING, or why IDLE */
};

/*
 * The next batch towards goal: at most batch pages, never leaving fewer
 * than BALLOON_MARGIN_PAGES free, never more frames than are away, never
 * above Xen's maximum. Asked again before every batch, with a fresh view,
 * so that the floor holds whatever the kernel allocated meanwhile.
 */
void balloon_next_step(unsigned long goal, const struct balloon_view *v,
                       unsigned long batch, struct balloon_step *s);
const char *balloon_stop_name(enum balloon_stop stop);

/* --- the kernel's half (mm/balloon.c) ------------------------------------ */

/* Watch memory/target (after xenstore_init() and mem_init()). */
void balloon_init(void);

/* For the main loop: a change is in progress; do the next batch of it. */
bool balloon_pending(void);
void balloon_process(void);

struct balloon_stats {
    uint64_t given;             /* pages given back to Xen */
    uint64_t reclaimed;         /* pages taken back */
    uint64_t decrease_calls;    /* XENMEM_decrease_reservation hypercalls */
    uint64_t populate_calls;    /* XENMEM_populate_physmap hypercalls */
    uint64_t mmu_update_calls;  /* mmu_update (PV: M2P entries) */
    uint64_t va_multicalls;     /* multicalls of update_va_mapping (PV) */
    uint64_t errors;            /* frames Xen refused (said on the console) */
    uint64_t targets;           /* memory/target values taken */
    uint64_t refused;           /* ... and refused as malformed */
};
void balloon_get_stats(struct balloon_stats *st);

/* The balloon's lines for `mem`: target, current, given back, Xen's view. */
void balloon_print_info(void);

#endif /* TINYPV_BALLOON_H */
