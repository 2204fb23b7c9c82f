/*
 * setup.c: how a 32-bit PV guest learns about its domain.
 *
 * Xen's domain builder hands a PV guest everything in one page, start_info:
 * where shared_info is (a machine address), which machine frames hold the
 * console and xenstore rings, their event channels, the command line, the
 * page-frame list. This file reads that page and answers the platform
 * questions of <tinypv/platform.h> with it. Only the files of this folder
 * (arch/x86/pv/) know start_info_t.
 *
 * The toolstack wrote that page, so nothing in it is used unchecked: the
 * magic and the P2M list's bounds go through start_info_check.c first, the
 * rings' frames and event channels through ring_check.c (shared with PVH),
 * and a ring that fails stays off.
 */
#include <tinypv/platform.h>
#include <tinypv/hypervisor.h>
#include <tinypv/printk.h>
#include <tinypv/hypercall.h>
#include <tinypv/events.h>
#include <tinypv/shutdown.h>
#include "mm.h"
#include "pv.h"
#include "start_info_check.h"
#include <arch/ring_check.h>

/*
 * The last machine frame a PAE page-table entry can name (52-bit machine
 * addresses): the ring's page is mapped through one if it is not in the
 * bootstrap mapping. (A 32-bit xen_pfn_t never exceeds it; the check is
 * the shared one all the same.)
 */
#define PV_MAX_MFN      ((1ULL << (52 - PAGE_SHIFT)) - 1)

/* Writable: a suspend rewrites two of its frame numbers (suspend.c). */
static start_info_t *start_info;

/* Where the console and xenstore pages go if not in the bootstrap mapping. */
static uint8_t console_spare_page[PAGE_SIZE] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");
static uint8_t store_spare_page[PAGE_SIZE] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");

/*
 * The page below the stack (arch/x86/boot_stack.S): unmapped, so an
 * overflow faults there.
 */
extern char boot_stack_guard[];
static bool stack_guarded;

static void guard_boot_stack(void)
{
    long rc = mm_unmap_own_page(boot_stack_guard);

    stack_guarded = rc == 0;
    if ( rc )
        printk("warning: cannot unmap the stack's guard page (error %ld); "
               "a stack overflow will go unnoticed\n", rc);
}

/*
 * Called by _start (boot.S) with the page Xen prepared for us. Xen built
 * the page tables: C runs as it is meant to from the first instruction,
 * and all that is kept here is where start_info is.
 */
void pv_entry(start_info_t *si)
{
    start_info = si;
    start_kernel();
}

start_info_t *pv_start_info(void)
{
    return start_info;
}

/* Step 1: Xen filled the hypercall page at load time, or we stop. */
void arch_init_hypercalls(void)
{
    hypercall_page_check();
}

/*
 * Step 2: paging is on already, in Xen's bootstrap mapping, and nothing is
 * mapped below the image (linked at 0xC0000000), page 0 least of all. The
 * stack's guard page is ours to take out.
 */
void arch_early_init(void)
{
    guard_boot_stack();
}

/*
 * Step 3: start_info. Nothing in it is read before its magic is checked;
 * then mm_init() takes the frame tables it names (the P2M list, checked
 * to lie in the bootstrap mapping), which steps 5 and 6 use.
 */
void arch_read_boot_record(struct boot_info *bi)
{
    /* Not a start_info for a 32-bit PAE guest: nothing in it can be read. */
    if ( !start_info_magic_ok(start_info->magic) )
        panic("start_info at %p has magic \"%.32s\", not \"%s\"",
              (const void *)start_info, start_info->magic, START_INFO_MAGIC);
    mm_init(start_info);
    bi->platform = "PAE Xen PV";
    bi->loaded_via = xen_metadata_kind;
    bi->cmdline = (const char *)start_info->cmd_line;
    bi->cmdline_max = MAX_GUEST_CMDLINE;
    bi->nr_pages = start_info->nr_pages;
}

/* Step 4: start_info names shared_info by machine address. */
void arch_map_shared_info(void)
{
    map_shared_info(start_info->shared_info);
}

/*
 * Step 5: the P2M, for xl save and xl migrate, which read it before they
 * ask us to suspend (a live migration copies memory while we run).
 */
void arch_prepare_save(void)
{
    const char *problem = mm_publish_p2m(shared_info);

    if ( problem )
        printk("mm: the P2M is not published (%s); xl save and xl migrate "
               "will not work\n", problem);
}

/*
 * A ring named by machine frame: find where our own mapping has it. The
 * frame and the port go through ring_problem() first, the same check PVH
 * makes (arch/x86/ring_check.c).
 *
 * What this says goes to the early console (early_printk): at boot the
 * console ring is not set up yet, and after a restore (arch_suspend()) the
 * console driver still holds the old domain's port until console_resume().
 */
static void find_ring(struct boot_ring *ring, const char *name,
                      xen_pfn_t mfn, evtchn_port_t port, void *spare_page)
{
    struct page_lookup where;
    const char *problem = ring_problem(mfn, port, PV_MAX_MFN, NR_EVENT_PORTS);

    ring->frame = mfn;
    ring->port = port;
    ring->pfn = ~0UL;
    ring->how = "refused";
    ring->page = NULL;
    ring->present = false;
    if ( problem )
    {
        early_printk("%s: ring at mfn 0x%lx, event channel %u refused: %s; "
                     "the %s stays off\n", name, (unsigned long)mfn, port,
                     problem, name);
        return;
    }
    ring->present = find_own_page(mfn, spare_page, &where);
    ring->page = where.va;
    ring->pfn = where.pfn;
    ring->how = where.remapped ? "remapped" : "bootstrap mapping";
    if ( !ring->present )
        early_printk("%s: cannot map the ring (mfn 0x%lx)\n", name,
                     (unsigned long)mfn);
}

void arch_find_rings(struct boot_info *bi)
{
    find_ring(&bi->console, "console", start_info->console.domU.mfn,
              start_info->console.domU.evtchn, console_spare_page);
    find_ring(&bi->xenstore, "xenstore", start_info->store_mfn,
              start_info->store_evtchn, store_spare_page);
}

/*
 * Xen's own console. For a domU Xen accepts it only when built with
 * CONFIG_VERBOSE_DEBUG (on by default in debug builds; -EPERM otherwise,
 * from XSM's console_io check), and logs each line at guest debug level:
 * a release build with that option still needs guest_loglvl=all to show it.
 */
void arch_early_write(const char *s, size_t n)
{
    HYPERVISOR_console_io(CONSOLEIO_write, n, s);
}

void arch_print_boot_info(void)
{
    const start_info_t *si = start_info;

    printk("start_info at %p: magic \"%.32s\"\n", (const void *)si, si->magic);
    printk("  nr_pages      %lu (%lu KiB)\n", si->nr_pages,
           si->nr_pages * (PAGE_SIZE / 1024));
    printk("  shared_info   machine address 0x%lx\n", si->shared_info);
    printk("  console       mfn 0x%lx, event channel %u\n",
           (unsigned long)si->console.domU.mfn, si->console.domU.evtchn);
    printk("  xenstore      mfn 0x%lx, event channel %u\n",
           (unsigned long)si->store_mfn, si->store_evtchn);
    printk("  pt_base       0x%lx, nr_pt_frames %lu\n", si->pt_base,
           si->nr_pt_frames);
    printk("  mfn_list      0x%lx\n", si->mfn_list);
    printk("  flags         0x%x\n", si->flags);
    printk("  cmd_line      \"%.*s\"\n", MAX_GUEST_CMDLINE,
           (const char *)si->cmd_line);
}

void arch_print_mappings(void)
{
    unsigned long m2p_start, m2p_end, m2p_max;
    struct linear_map_info lm;

    printk("  hypercalls    %p\n", (void *)hypercall_page);
    mm_describe_m2p(&m2p_start, &m2p_end, &m2p_max);
    printk("  M2P table     0x%lx-0x%lx (max mfn 0x%lx)\n", m2p_start, m2p_end,
           m2p_max);
    pv_linear_map_info(&lm);
    if ( lm.mapped_frames )
        printk("  linear map    0x%08lx-0x%08lx: frames 0x0-0x%lx (Xen's "
               "bootstrap mapping up to 0x%lx, then %lu L1 tables of ours at "
               "pfn 0x%lx)\n", (unsigned long)_text,
               (unsigned long)_text + lm.mapped_frames * PAGE_SIZE - 1,
               lm.mapped_frames - 1, lm.bootstrap_frames - 1, lm.tables,
               lm.first_table);
    printk("  stack guard   0x%08lx-0x%08lx (%s)\n",
           (unsigned long)boot_stack_guard,
           (unsigned long)boot_stack_guard + PAGE_SIZE - 1,
           stack_guarded ? "unmapped" : "mapped: no guard");
}
