/*
 * gnttab.c: the PV platform's grant table frames.
 *
 * A PV guest asks Xen for the machine frames of its table
 * (GNTTABOP_setup_table: Xen grows the table to nr_frames if it may, and
 * writes their MFNs into our list) and maps them itself, writable, at
 * pages of the image reserved for them (HYPERVISOR_update_va_mapping, as
 * for shared_info in mm.c). The pages' own frames stay ours, unused.
 *
 * The frames are Xen's, not in our P2M: a page-table entry pointing at one
 * cannot be translated by the save code ("Bad mfn for L1 entry"), so
 * arch_gnttab_suspend() drops the mappings before a suspend, and
 * arch_gnttab_resume() asks for the frames again and maps them at the same
 * pages: in a new domain they are other frames, after a cancelled suspend
 * the same.
 *
 * A grant names a page by machine frame: arch_gnttab_frame() is our P2M's
 * answer (mm_virt_to_mfn()).
 *
 * Every Xen refusal is said with the call and the frame. The MFNs Xen
 * writes are checked only for 0 (unset): update_va_mapping refuses a
 * frame that is not a grant frame of ours.
 */
#include <tinypv/platform.h>
#include <tinypv/gnttab.h>
#include <tinypv/hypercall.h>
#include <tinypv/printk.h>
#include <tinypv/xs_proto.h>
#include "mm.h"

/* Where the frames are mapped, in order: table entry i * 512 is in page i. */
static uint8_t gnttab_pages[GNTTAB_MAX_FRAMES][PAGE_SIZE] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");
static xen_pfn_t frames[GNTTAB_MAX_FRAMES];
static unsigned int nr_mapped, nr_wanted;

static void unmap_all(void)
{
    while ( nr_mapped )
    {
        long rc = mm_unmap_own_page(gnttab_pages[--nr_mapped]);

        if ( rc )
            printk("gnttab: cannot unmap grant-table frame %u (mfn 0x%lx): "
                   "update_va_mapping error %ld\n", nr_mapped,
                   (unsigned long)frames[nr_mapped], rc);
    }
}

/* Ask Xen for the frames, map them; all or none. */
static int setup_and_map(void)
{
    struct gnttab_setup_table setup = {
        .dom = DOMID_SELF, .nr_frames = nr_wanted,
    };
    long rc;

    set_xen_guest_handle(setup.frame_list, frames);
    for ( unsigned int i = 0; i < nr_wanted; i++ )
        frames[i] = 0;
    rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1);
    if ( rc || setup.status != GNTST_okay )
    {
        printk("gnttab: GNTTABOP_setup_table(%u frames) failed: error %ld, "
               "status %d (%s)\n", nr_wanted, rc, setup.status,
               gnttab_strstatus(setup.status));
        return -EIO;
    }
    for ( unsigned int i = 0; i < nr_wanted; i++ )
    {
        rc = frames[i] ? mm_map_frame(gnttab_pages[i], frames[i]) : -EINVAL;
        if ( rc )
        {
            printk("gnttab: cannot map grant-table frame %u (mfn 0x%lx) at "
                   "%p: update_va_mapping error %ld\n", i,
                   (unsigned long)frames[i], (void *)gnttab_pages[i], rc);
            unmap_all();
            return -EIO;
        }
        nr_mapped++;
    }
    return 0;
}

int arch_gnttab_map(unsigned int nr_frames, void **table)
{
    if ( nr_frames > GNTTAB_MAX_FRAMES )
        return -EINVAL;
    nr_wanted = nr_frames;
    *table = gnttab_pages;
    return setup_and_map();
}

void arch_gnttab_suspend(void)
{
    unmap_all();
}

int arch_gnttab_resume(bool new_domain)
{
    return setup_and_map();
}

unsigned long arch_gnttab_frame(const void *va)
{
    return mm_virt_to_mfn(va);
}

void arch_gnttab_print(void)
{
    printk("  frames      %u at 0x%08lx (update_va_mapping), mfn",
           nr_mapped, (unsigned long)gnttab_pages);
    for ( unsigned int i = 0; i < nr_mapped; i++ )
        printk(" 0x%lx", (unsigned long)frames[i]);
    printk("\n");
}
