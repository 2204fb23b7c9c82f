/*
 * gnttab_table.c: the bookkeeping of a v1 grant table.
 *
 * A grant entry is 8 bytes in a page Xen and the guest share:
 *
 *   flags   GTF_permit_access (| GTF_readonly): written by the guest;
 *           GTF_reading, GTF_writing: set by Xen while a backend has the
 *           page mapped
 *   domid   who may map it
 *   frame   which page (PV: machine frame; PVH: guest frame)
 *
 * Xen reads an entry whenever a backend asks to map it, at any moment, so
 * the order of the guest's writes is the protocol. Granting writes frame
 * and domid first, then a write barrier, then the flags: the entry becomes
 * valid in one 16-bit store, and by then the rest is in place. Ending
 * clears the flags with compare-and-exchange, from a value without
 * GTF_reading and GTF_writing: if Xen set either in between (a backend
 * mapped the page), the exchange fails and the entry stays. A plain store
 * would revoke the entry under a backend that still writes the page, and
 * the page could then be reused while dom0 writes into it.
 *
 * A grant that cannot be ended yet is never freed: gnttab_table_end()
 * says -EBUSY and its owner keeps reference and page;
 * gnttab_table_end_deferred() instead takes both over, on a deferred list
 * that gnttab_table_retry() walks, and hands the page back (release())
 * once Xen shows it unmapped. Nothing here waits.
 *
 * Our records are in storage the caller gives (one gnttab_slot per
 * entry), never in the shared page: Xen and the backend's domain could
 * not corrupt them, and what Xen shows in an entry is read only as flags
 * to test. Free references form a singly linked list (LIFO: the one
 * ended last is granted next, its records still in the cache), threaded
 * through the slots.
 */
#include <tinypv/gnttab_table.h>
#include <tinypv/barrier.h>
#include <tinypv/xs_proto.h>           /* errno values */

#define GTF_MAPPED      (GTF_reading | GTF_writing)
/* A flags word that changes under us this often is not Xen's doing. */
#define END_ATTEMPTS    4

size_t gnttab_table_slots_size(uint32_t nr)
{
    return (size_t)nr * sizeof(struct gnttab_slot);
}

static void push(uint32_t *head, struct gnttab_slot *slots, uint32_t ref)
{
    slots[ref].next = *head;
    *head = ref;
}

/* Take ref off the list at *head (it is on it); false if it was not found. */
static bool unlink(uint32_t *head, struct gnttab_slot *slots, uint32_t ref)
{
    uint32_t *link = head;

    while ( *link != GNTTAB_REF_NONE )
    {
        if ( *link == ref )
        {
            *link = slots[ref].next;
            slots[ref].next = GNTTAB_REF_NONE;
            return true;
        }
        link = &slots[*link].next;
    }
    return false;
}

static void make_free(struct gnttab_table *t, uint32_t ref)
{
    struct gnttab_slot *s = &t->slots[ref];

    *s = (struct gnttab_slot){ .next = GNTTAB_REF_NONE,
                               .state = GNTTAB_REF_FREE };
    push(&t->free_head, t->slots, ref);
    t->nr_free++;
}

int gnttab_table_init(struct gnttab_table *t, void *entries, uint32_t nr,
                      struct gnttab_slot *slots)
{
    if ( !entries || !slots || nr <= GNTTAB_NR_RESERVED_ENTRIES ||
         nr == GNTTAB_REF_NONE )
        return -EINVAL;
    *t = (struct gnttab_table){
        .entries = entries, .slots = slots, .nr = nr,
        .free_head = GNTTAB_REF_NONE, .deferred_head = GNTTAB_REF_NONE,
    };
    /* From the top down, so that the lowest reference is granted first. */
    for ( uint32_t ref = nr; ref-- > 0; )
    {
        bool foreign = ref >= GNTTAB_NR_RESERVED_ENTRIES &&
                       read_once(&t->entries[ref].flags) != 0;

        if ( ref < GNTTAB_NR_RESERVED_ENTRIES || foreign )
        {
            slots[ref] = (struct gnttab_slot){ .next = GNTTAB_REF_NONE,
                                               .state = GNTTAB_REF_RESERVED };
            t->nr_reserved++;
            if ( foreign )
                t->c.found_in_use++;
        }
        else
            make_free(t, ref);
    }
    return 0;
}

int gnttab_table_resume(struct gnttab_table *t, void *entries, uint32_t nr,
                        bool new_domain)
{
    if ( !entries || nr != t->nr )
        return -EINVAL;
    t->entries = entries;
    if ( !new_domain )
        return 0;
    for ( uint32_t ref = 0; ref < t->nr; ref++ )
    {
        struct gnttab_slot *s = &t->slots[ref];

        if ( (s->state == GNTTAB_REF_GRANTED ||
              s->state == GNTTAB_REF_DEFERRED) && !s->lost )
        {
            s->lost = 1;
            t->c.lost++;
        }
    }
    return 0;
}

/* LAB blkfront BEGIN: a grant entry written in the ABI's order */
/*
 * Make entry e a grant of frame to domid. Xen may read the entry at any
 * moment: the flags that make it valid go last, after a write barrier.
 */
static void write_entry(volatile grant_entry_v1_t *e, domid_t domid,
                        uint32_t frame, bool readonly)
{
    write_once(&e->frame, frame);
    write_once(&e->domid, domid);
    smp_wmb();          /* frame and domid before the flags that validate them */
    store_release(&e->flags, (uint16_t)(GTF_permit_access |
                                        (readonly ? GTF_readonly : 0)));
}
#if 0 /* LAB blkfront STUB */
/*
 * LAB blkfront: make entry e a grant of frame to domid (read-only if
 * readonly), in the order the ABI needs (<xen/grant_table.h>): frame and
 * domid first, then a write barrier (smp_wmb()), then the flags
 * (GTF_permit_access, | GTF_readonly) in one 16-bit store
 * (store_release()). Xen may read the entry between any two of your
 * writes. This stub writes nothing: no backend can map the page, so no
 * disk connects.
 */
static void write_entry(volatile grant_entry_v1_t *e, domid_t domid,
                        uint32_t frame, bool readonly)
{
    (void)e;
    (void)domid;
    (void)frame;
    (void)readonly;
}
#endif /* LAB blkfront END */

int gnttab_table_grant(struct gnttab_table *t, domid_t domid,
                       unsigned long frame, bool readonly, const char *owner,
                       grant_ref_t *ref)
{
    struct gnttab_slot *s;
    uint32_t r;

    if ( domid >= DOMID_FIRST_RESERVED || frame > 0xffffffffUL || !owner )
        return -EINVAL;
    if ( t->free_head == GNTTAB_REF_NONE )
    {
        t->c.exhausted++;
        return -ENOSPC;
    }
    r = t->free_head;
    s = &t->slots[r];
    t->free_head = s->next;
    t->nr_free--;
    *s = (struct gnttab_slot){ .next = GNTTAB_REF_NONE,
                               .state = GNTTAB_REF_GRANTED,
                               .readonly = readonly, .domid = domid,
                               .frame = (uint32_t)frame, .owner = owner };
    t->nr_granted++;

    write_entry(&t->entries[r], domid, (uint32_t)frame, readonly);
    t->c.grants++;
    *ref = r;
    return 0;
}

/* LAB blkfront BEGIN: end of access with compare-and-exchange */
/*
 * The ABI's end of access: flags without GTF_reading/GTF_writing, then
 * compare-and-exchange them with 0. Fails (false) while Xen shows the page
 * mapped; a failed exchange is tried again (its reread says why), a few
 * times.
 */
static bool try_end(volatile grant_entry_v1_t *e)
{
    uint16_t flags = read_once(&e->flags);

    for ( int i = 0; i < END_ATTEMPTS; i++ )
    {
        if ( flags & GTF_MAPPED )
            return false;
        if ( __atomic_compare_exchange_n(&e->flags, &flags, 0, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
            return true;
    }
    return false;
}
#if 0 /* LAB blkfront STUB */
/*
 * LAB blkfront: end the grant in entry e, as the ABI says: read the flags
 * once; while they show GTF_reading or GTF_writing (GTF_MAPPED) a backend
 * maps the page: fail (false). Otherwise compare-and-exchange them with 0
 * (__atomic_compare_exchange_n() on e->flags, from the value you read):
 * if Xen changed them in between, the exchange fails and gives you the
 * new value: look again, at most END_ATTEMPTS times. Never a plain store
 * of 0: it would revoke the page under a backend that still writes it.
 * This stub ends nothing: every end is refused as if the page were still
 * mapped, and the pages are never freed.
 */
static bool try_end(volatile grant_entry_v1_t *e)
{
    (void)e;
    return false;
}
#endif /* LAB blkfront END */

static bool holds(const struct gnttab_table *t, grant_ref_t ref,
                  const char *owner)
{
    return ref < t->nr && owner &&
           t->slots[ref].state == GNTTAB_REF_GRANTED &&
           t->slots[ref].owner == owner;
}

int gnttab_table_end(struct gnttab_table *t, grant_ref_t ref,
                     const char *owner)
{
    if ( !holds(t, ref, owner) )
        return -EINVAL;
    if ( !try_end(&t->entries[ref]) )
    {
        t->c.busy++;
        return -EBUSY;
    }
    t->nr_granted--;
    make_free(t, ref);
    t->c.ends++;
    return 0;
}

int gnttab_table_end_deferred(struct gnttab_table *t, grant_ref_t ref,
                              const char *owner, gnttab_release_fn release,
                              void *ctx)
{
    struct gnttab_slot *s;
    int rc = gnttab_table_end(t, ref, owner);

    if ( rc == 0 )
    {
        if ( release )
            release(ctx);
        return 0;
    }
    if ( rc != -EBUSY )
        return rc;
    s = &t->slots[ref];
    s->state = GNTTAB_REF_DEFERRED;
    s->release = release;
    s->ctx = ctx;
    s->tries = 1;
    t->nr_granted--;
    push(&t->deferred_head, t->slots, ref);
    t->nr_deferred++;
    t->c.deferred++;
    return 1;
}

uint32_t gnttab_table_retry(struct gnttab_table *t)
{
    uint32_t ref = t->deferred_head;

    while ( ref != GNTTAB_REF_NONE )
    {
        struct gnttab_slot *s = &t->slots[ref];
        uint32_t next = s->next;
        gnttab_release_fn release = s->release;
        void *ctx = s->ctx;

        s->tries++;
        if ( try_end(&t->entries[ref]) )
        {
            unlink(&t->deferred_head, t->slots, ref);
            t->nr_deferred--;
            make_free(t, ref);
            t->c.ends++;
            t->c.deferred_ended++;
            if ( release )
                release(ctx);
        }
        else
            t->c.busy++;
        ref = next;
    }
    return t->nr_deferred;
}

bool gnttab_table_ref_info(const struct gnttab_table *t, grant_ref_t ref,
                           struct gnttab_ref_info *info)
{
    const struct gnttab_slot *s;

    if ( ref >= t->nr )
        return false;
    s = &t->slots[ref];
    *info = (struct gnttab_ref_info){
        .state = (enum gnttab_ref_state)s->state, .domid = s->domid,
        .frame = s->frame, .readonly = s->readonly, .lost = s->lost,
        .flags = read_once(&t->entries[ref].flags), .owner = s->owner,
        .tries = s->tries,
    };
    return true;
}

const char *gnttab_ref_state_name(enum gnttab_ref_state s)
{
    switch ( s )
    {
    case GNTTAB_REF_RESERVED: return "reserved";
    case GNTTAB_REF_FREE:     return "free";
    case GNTTAB_REF_GRANTED:  return "granted";
    case GNTTAB_REF_DEFERRED: return "deferred";
    }
    return "?";
}

const char *gnttab_strstatus(int status)
{
    static const char *const msgs[] = GNTTABOP_error_msgs;

    if ( status > 0 || (unsigned int)-status >= ARRAY_SIZE(msgs) )
        return "?";
    return msgs[-status];
}

/* Walk a list: every member in state want, no loop; how many, or -1. */
static long walk(const struct gnttab_table *t, uint32_t head, uint8_t want,
                 uint32_t *bad)
{
    long n = 0;

    for ( uint32_t ref = head; ref != GNTTAB_REF_NONE;
          ref = t->slots[ref].next )
    {
        if ( ref >= t->nr || t->slots[ref].state != want ||
             ref < GNTTAB_NR_RESERVED_ENTRIES || n >= (long)t->nr )
        {
            *bad = ref < t->nr ? ref : 0;
            return -1;
        }
        n++;
    }
    return n;
}

uint32_t gnttab_table_check(const struct gnttab_table *t)
{
    uint32_t counts[4] = { 0 }, bad = 0;
    long nfree, ndef;

    for ( uint32_t ref = 0; ref < t->nr; ref++ )
    {
        uint8_t st = t->slots[ref].state;

        if ( st > GNTTAB_REF_DEFERRED ||
             (ref < GNTTAB_NR_RESERVED_ENTRIES && st != GNTTAB_REF_RESERVED) )
            return ref + 1;
        counts[st]++;
    }
    nfree = walk(t, t->free_head, GNTTAB_REF_FREE, &bad);
    if ( nfree < 0 )
        return bad + 1;
    ndef = walk(t, t->deferred_head, GNTTAB_REF_DEFERRED, &bad);
    if ( ndef < 0 )
        return bad + 1;
    if ( (uint32_t)nfree != counts[GNTTAB_REF_FREE] ||
         (uint32_t)nfree != t->nr_free ||
         (uint32_t)ndef != counts[GNTTAB_REF_DEFERRED] ||
         (uint32_t)ndef != t->nr_deferred ||
         counts[GNTTAB_REF_GRANTED] != t->nr_granted ||
         counts[GNTTAB_REF_RESERVED] != t->nr_reserved )
        return t->nr;       /* a count is wrong: the last reference */
    return 0;
}
