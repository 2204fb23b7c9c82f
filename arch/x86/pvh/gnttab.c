/*
 * gnttab.c: the PVH platform's grant table frames.
 *
 * A PVH guest knows no machine frames: it chooses guest frames of its own
 * and asks Xen to put the table's frames there (XENMEM_add_to_physmap with
 * XENMAPSPACE_grant_table, frame i of the table onto gfn base + i; Xen
 * grows the table as far as i). The identity map then reaches them at the
 * same address. The frames are taken from the allocator, contiguous, and
 * never given back: the RAM that was behind them went back to Xen when
 * the table's frames replaced it (as for shared_info, arch/x86/pvh/setup.c).
 *
 * In a new domain (restore, migration) the gfns hold a copy of the old
 * table as plain RAM: the frames are put there again. After a cancelled
 * suspend nothing changed.
 *
 * A grant names a page by guest frame: its address shifted (identity map).
 */
#include <tinypv/platform.h>
#include <tinypv/gnttab.h>
#include <tinypv/hypercall.h>
#include <tinypv/mm.h>
#include <tinypv/printk.h>
#include <tinypv/xs_proto.h>
#include "pvh.h"

static unsigned long base_gfn;      /* 0: no frames reserved */
static unsigned int nr_frames_set;

/* Table frames 0 .. n-1 onto base_gfn + i; stops at the first refusal. */
static int add_frames(unsigned int n)
{
    for ( unsigned int i = 0; i < n; i++ )
    {
        struct xen_add_to_physmap xatp = {
            .domid = DOMID_SELF,
            .space = XENMAPSPACE_grant_table,
            .idx = i,
            .gpfn = base_gfn + i,
        };
        long rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);

        if ( rc )
        {
            printk("gnttab: XENMEM_add_to_physmap(grant table frame %u onto "
                   "gfn 0x%lx) failed: error %ld\n", i, base_gfn + i, rc);
            return -EIO;
        }
    }
    return 0;
}

int arch_gnttab_map(unsigned int nr_frames, void **table)
{
    unsigned int order = 0;
    void *va;

    while ( (1U << order) < nr_frames )
        order++;
    va = mem_alloc_pages(order, PAGE_OWNER_GRANT_TABLE);
    if ( !va )
    {
        printk("gnttab: no %u free pages in a row for the grant table's "
               "frames\n", 1U << order);
        return -ENOMEM;
    }
    base_gfn = (unsigned long)va >> PAGE_SHIFT;
    nr_frames_set = nr_frames;
    *table = va;
    /*
     * On failure the frames stay taken: those already replaced have no
     * RAM behind them any more.
     */
    return add_frames(nr_frames);
}

void arch_gnttab_suspend(void)
{
}

int arch_gnttab_resume(bool new_domain)
{
    return new_domain ? add_frames(nr_frames_set) : 0;
}

unsigned long arch_gnttab_frame(const void *va)
{
    if ( !pvh_phys_mapped((unsigned long)va, PAGE_SIZE) )
        return 0;
    return (unsigned long)va >> PAGE_SHIFT;
}

void arch_gnttab_print(void)
{
    printk("  frames      %u at gfn 0x%lx-0x%lx (XENMEM_add_to_physmap)\n",
           nr_frames_set, base_gfn, base_gfn + nr_frames_set - 1);
}
