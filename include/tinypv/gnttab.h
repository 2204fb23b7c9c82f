/*
 * gnttab.h: the kernel's grant table (grant/gnttab.c): how a frontend
 * lets a backend in another domain map one of its pages.
 *
 * gnttab_init() sets the table up once, after mem_init(); the platform
 * maps its frames (<tinypv/platform.h>, arch_gnttab_map()). A frontend
 * then grants a page by address and gets a reference to publish (in
 * xenstore, in a ring request); it ends the grant when the backend is
 * done with the page. The bookkeeping is grant/gnttab_table.c's.
 * docs/12-grants.md.
 *
 * Errors are negated errno values (<tinypv/xs_proto.h>); none of these
 * may be called from an upcall handler.
 */
#ifndef TINYPV_GNTTAB_H
#define TINYPV_GNTTAB_H

#include <tinypv/types.h>
#include <tinypv/gnttab_table.h>

/* At most this many frames (512 references each) are set up. */
#define GNTTAB_MAX_FRAMES   4

/* start_kernel(), after mem_init(). Says what failed; grants then fail. */
void gnttab_init(void);

/* Whether the table is set up (false before, if it failed, or lost at a restore). */
bool gnttab_ready(void);

/*
 * Let domid map the page at va (page-aligned, ours), read-only if
 * readonly; owner (a constant string: "blkfront", ...) is who holds it,
 * for `gnttab`. *ref gets the reference. -ENOSPC: no free reference
 * (said on the console once per burst, and counted); -EINVAL: a bad
 * domid, or va is not a page of ours; -EIO: no grant table.
 */
int gnttab_grant_access(domid_t domid, const void *va, bool readonly,
                        const char *owner, grant_ref_t *ref);

/*
 * End owner's grant: 0, the reference is free again and the page owner's
 * to reuse; -EBUSY: the backend still maps it, nothing changed (the
 * owner keeps both and may try again; gnttab_end_access_deferred() hands
 * them over instead); -EINVAL: not owner's grant.
 */
int gnttab_end_access(grant_ref_t ref, const char *owner);

/*
 * End owner's grant, now or later: 0, ended now; 1, the backend still
 * maps it, so the kernel keeps the reference on its deferred list, tries
 * again every GNTTAB_RETRY_MS, and says on the console when it ended.
 * In both cases release(ctx) is called once the page is ours again (at
 * once when 0), and the owner must not touch reference or page after
 * this call. -EINVAL: not owner's grant.
 */
#define GNTTAB_RETRY_MS     1000
int gnttab_end_access_deferred(grant_ref_t ref, const char *owner,
                               gnttab_release_fn release, void *ctx);

/* Around a suspend: kernel/suspend.c, before arch_suspend() and after. */
void gnttab_suspend(void);
void gnttab_resume(bool new_domain);

/* For `gnttab`. */
struct gnttab_status {
    bool ready;
    uint32_t xen_frames, xen_max_frames;    /* GNTTABOP_query_size at setup */
    unsigned int frames;                    /* set up by tinypv */
    const struct gnttab_table *table;       /* NULL if not ready */
};
void gnttab_get_status(struct gnttab_status *st);

#endif /* TINYPV_GNTTAB_H */
