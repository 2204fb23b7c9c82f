/*
 * gnttab_table.h: the bookkeeping of a v1 grant table (grant/gnttab_table.c).
 *
 * Pure: it is given the table's entries (shared with Xen, wherever the
 * platform mapped them) and storage for its own records, and knows
 * nothing of hypercalls, so host tests and a fuzzer drive it as the
 * kernel does. grant/gnttab.c is the kernel's one instance of it.
 *
 * Each reference is RESERVED (the toolstack's first
 * GNTTAB_NR_RESERVED_ENTRIES, or an entry found in use when the table was
 * set up: never touched), FREE (on the free list), GRANTED (its owner
 * holds it) or DEFERRED (its owner ended it while the backend still had
 * the page mapped: kept here and retried, and the page released once it
 * ends). docs/12-grants.md.
 */
#ifndef TINYPV_GNTTAB_TABLE_H
#define TINYPV_GNTTAB_TABLE_H

#include <tinypv/types.h>
#include <xen/xen.h>
#include <xen/grant_table.h>

#define GNTTAB_ENTRIES_PER_FRAME    (PAGE_SIZE / sizeof(grant_entry_v1_t))
#define GNTTAB_REF_NONE             0xffffffffu

enum gnttab_ref_state {
    GNTTAB_REF_RESERVED,
    GNTTAB_REF_FREE,
    GNTTAB_REF_GRANTED,
    GNTTAB_REF_DEFERRED,
};

/* Called once a deferred grant has ended: the page may be reused now. */
typedef void (*gnttab_release_fn)(void *ctx);

/* Private to grant/gnttab_table.c; the caller provides nr of them. */
struct gnttab_slot {
    uint32_t next;              /* free or deferred list; GNTTAB_REF_NONE */
    uint8_t state;              /* enum gnttab_ref_state */
    uint8_t readonly;           /* granted GTF_readonly */
    uint8_t lost;               /* the entry was lost in a restore */
    domid_t domid;              /* our copy of what we wrote: the entry */
    uint32_t frame;             /* itself is gone after a restore */
    const char *owner;          /* a constant string, compared by address */
    gnttab_release_fn release;  /* DEFERRED: what to call once ended */
    void *ctx;
    uint32_t tries;             /* DEFERRED: end attempts so far */
};

struct gnttab_counters {
    uint64_t grants;            /* gnttab_table_grant() that worked */
    uint64_t ends;              /* entries ended, at once or later */
    uint64_t busy;              /* end attempts refused: still mapped */
    uint64_t exhausted;         /* grants refused: no free reference */
    uint64_t deferred;          /* grants handed to the deferred list */
    uint64_t deferred_ended;    /* ... that ended later */
    uint64_t lost;              /* grants in use when a restore emptied the table */
    uint32_t found_in_use;      /* entries not ours found in use at setup */
};

struct gnttab_table {
    volatile grant_entry_v1_t *entries;     /* nr entries, shared with Xen */
    struct gnttab_slot *slots;              /* nr records, ours */
    uint32_t nr;
    uint32_t free_head, nr_free;
    uint32_t deferred_head, nr_deferred;
    uint32_t nr_granted;                    /* GRANTED only */
    uint32_t nr_reserved;
    struct gnttab_counters c;
};

/* How many bytes of records a table of nr entries needs. */
size_t gnttab_table_slots_size(uint32_t nr);

/*
 * Start bookkeeping for entries[0 .. nr-1]. The reserved entries, and any
 * other whose flags are not 0 (not ours: left alone, counted in
 * found_in_use), are never written. 0, or -EINVAL if nr leaves no
 * reference beyond the reserved ones.
 */
int gnttab_table_init(struct gnttab_table *t, void *entries, uint32_t nr,
                      struct gnttab_slot *slots);

/*
 * The same table after a suspend, at entries (the same nr). In a new
 * domain (new_domain) Xen's table is a new one, empty but for the
 * toolstack's reserved entries: every GRANTED or DEFERRED reference is
 * marked lost (its owner still holds it and must grant again; ending it
 * succeeds at once) and counted. 0, or -EINVAL if nr changed.
 */
int gnttab_table_resume(struct gnttab_table *t, void *entries, uint32_t nr,
                        bool new_domain);

/*
 * Let domid map frame (PV: a machine frame; PVH: a guest frame), read-only
 * if readonly. Writes frame and domid, then a write barrier, then the
 * flags: Xen must never see GTF_permit_access with the old frame or domid.
 * *ref gets the reference. -ENOSPC: no free reference (counted in
 * exhausted); -EINVAL: domid is not a domain, frame does not fit 32 bits,
 * or owner is NULL.
 */
int gnttab_table_grant(struct gnttab_table *t, domid_t domid,
                       unsigned long frame, bool readonly, const char *owner,
                       grant_ref_t *ref);

/*
 * End owner's grant ref: clear the flags with compare-and-exchange, only
 * if the backend maps the page neither for reading nor for writing; then
 * ref is free again. -EBUSY: still mapped (counted in busy), nothing
 * changed: the owner still holds ref and the page. -EINVAL: ref is not a
 * grant owner holds (out of range, reserved, free, deferred, another's).
 */
int gnttab_table_end(struct gnttab_table *t, grant_ref_t ref,
                     const char *owner);

/*
 * End owner's grant ref, or if the backend still maps the page, take it
 * over: ref goes to the deferred list, gnttab_table_retry() tries again,
 * and release(ctx) is called once it ended (at once if it ends now).
 * Either way the owner holds neither ref nor the page any more. 0: ended
 * now; 1: deferred; -EINVAL as gnttab_table_end().
 */
int gnttab_table_end_deferred(struct gnttab_table *t, grant_ref_t ref,
                              const char *owner, gnttab_release_fn release,
                              void *ctx);

/* Try every deferred reference once; how many are still deferred. */
uint32_t gnttab_table_retry(struct gnttab_table *t);

/* What the table says of ref, for `gnttab`. */
struct gnttab_ref_info {
    enum gnttab_ref_state state;
    domid_t domid;
    uint32_t frame;
    bool readonly, lost;
    uint16_t flags;             /* the entry's flags as Xen shows them now */
    const char *owner;
    uint32_t tries;
};
/* false if ref is out of range. */
bool gnttab_table_ref_info(const struct gnttab_table *t, grant_ref_t ref,
                           struct gnttab_ref_info *info);

const char *gnttab_ref_state_name(enum gnttab_ref_state s);

/* Xen's words for a GNTST_* status (<xen/grant_table.h>), "?" if unknown. */
const char *gnttab_strstatus(int status);

/*
 * Check the bookkeeping: every reference on exactly the list its state
 * says, the counts right, no reserved entry on a list. 0, or the first
 * reference found wrong plus 1. For tests and the fuzzer.
 */
uint32_t gnttab_table_check(const struct gnttab_table *t);

#endif /* TINYPV_GNTTAB_TABLE_H */
