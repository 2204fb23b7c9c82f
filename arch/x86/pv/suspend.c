/*
 * suspend.c: the PV platform's half of xl save, xl restore and xl migrate.
 *
 * A PV guest knows machine frame numbers, and machine frames do not survive
 * a save: the restored domain gets new ones. The toolstack translates what
 * it can find itself (page tables, the GDT, cr3, the P2M contents), and
 * leaves the rest to the guest, which must, before suspending:
 *
 *   - publish its P2M as a frame list list in shared_info->arch (mm.c does
 *     that at boot and after each restore), so the save code can read
 *     pfn -> mfn for every page it copies;
 *   - turn the two MFNs it was handed in start_info, the xenstore and the
 *     console rings, into PFNs: restore reads them as PFNs of the saved
 *     image and writes the new MFNs back;
 *   - drop its mapping of shared_info: that page is Xen's, not in the P2M,
 *     and a page-table entry pointing at it cannot be translated (the save
 *     fails with "Bad mfn for L1 entry");
 *   - suspend with SCHEDOP_shutdown(SHUTDOWN_suspend) and the MFN of
 *     start_info as the extra argument: it stays in %edx, where the save
 *     code finds (and turns into a PFN) the page to rewrite on restore.
 *
 * Everything that could make it impossible is checked before the request
 * is acknowledged (arch_suspend_check()): the rings and start_info must be
 * frames of our own P2M, and the P2M must have a shape the save code can
 * read. None of that changes at run time (only a restore changes frames,
 * and it comes through here), so arch_suspend() does not check again:
 * after the acknowledgement it always makes the hypercall.
 *
 * The hypercall returns twice as often as it is made, in a sense: with 0
 * in a new domain (restored, or at the far end of a migration: start_info
 * now holds new MFNs, a new shared_info address and new event channels),
 * or with 1 in the same domain (xl save -c, a checkpoint, a failed save:
 * the toolstack changed nothing, so what we turned into PFNs must be
 * turned back here).
 */
#include <tinypv/platform.h>
#include <tinypv/hypervisor.h>
#include <tinypv/printk.h>
#include <tinypv/xs_proto.h>       /* errno values */
#include <arch/hypercall.h>
#include "mm.h"
#include "pv.h"

/* What we change in start_info, to put back if the suspend is cancelled. */
struct start_info_frames {
    xen_pfn_t store_mfn;
    xen_pfn_t console_mfn;
};

/* What the save and the restore will need of start_info's frames. */
static int check_frames(const start_info_t *si)
{
    if ( mm_mfn_to_pfn(si->store_mfn) < 0 ||
         mm_mfn_to_pfn(si->console.domU.mfn) < 0 )
    {
        printk("suspend: the xenstore or console page (mfn 0x%lx, 0x%lx) is "
               "not in our P2M; cannot suspend\n",
               (unsigned long)si->store_mfn,
               (unsigned long)si->console.domU.mfn);
        return -EINVAL;
    }
    if ( !mm_virt_to_mfn(si) )
    {
        printk("suspend: start_info is outside the bootstrap mapping; "
               "cannot suspend\n");
        return -EINVAL;
    }
    return 0;
}

/*
 * Before the acknowledgement: a refusal leaves the domain untouched. The
 * P2M is published again here (cheap), which also checks its shape: what
 * the save code reads must be there before the toolstack sees the ack.
 */
int arch_suspend_check(struct boot_info *bi)
{
    int rc = check_frames(pv_start_info());
    const char *problem;

    if ( rc )
        return rc;
    problem = mm_publish_p2m(shared_info);
    if ( problem )
    {
        printk("suspend: the P2M cannot be published (%s); cannot suspend\n",
               problem);
        return -EINVAL;
    }
    return 0;
}

/* MFNs in start_info -> PFNs of the saved image, as restore reads them. */
static void make_pseudo_physical(start_info_t *si, struct start_info_frames *f)
{
    f->store_mfn = si->store_mfn;
    f->console_mfn = si->console.domU.mfn;
    si->store_mfn = (xen_pfn_t)mm_mfn_to_pfn(f->store_mfn);
    si->console.domU.mfn = (xen_pfn_t)mm_mfn_to_pfn(f->console_mfn);
}

/* Cancelled: the same domain, the same frames; undo the translation. */
static void make_machine_again(start_info_t *si,
                               const struct start_info_frames *f)
{
    si->store_mfn = f->store_mfn;
    si->console.domU.mfn = f->console_mfn;
}

int arch_suspend(struct boot_info *bi)
{
    start_info_t *si = pv_start_info();
    struct sched_shutdown request = { .reason = SHUTDOWN_suspend };
    struct start_info_frames saved;
    xen_pfn_t si_mfn = mm_virt_to_mfn(si);     /* checked: not 0 */
    const char *problem;
    long rc;

    make_pseudo_physical(si, &saved);
    unmap_shared_info();            /* from here: no shared_info */

    rc = HYPERVISOR_suspend(&request, si_mfn);

    if ( rc == 0 )
    {
        /*
         * A new domain: Xen's M2P may be elsewhere, all frames are new.
         * No printk until console_resume(): the console still holds the
         * old domain's port, so what these say goes to the early console.
         */
        mm_init(si);
        map_shared_info(si->shared_info);
        problem = mm_publish_p2m(shared_info);
        if ( problem )
            early_printk("mm: the P2M is not published (%s); the next xl "
                         "save will fail\n", problem);
        bi->nr_pages = si->nr_pages;
        arch_find_rings(bi);
        return SUSPEND_NEW_DOMAIN;
    }

    /* Cancelled (1), or Xen refused (< 0): the same domain as before. */
    make_machine_again(si, &saved);
    map_shared_info(si->shared_info);
    return rc == 1 ? SUSPEND_CANCELLED : (int)rc;
}
