/*
 * setup.c: how a 32-bit PVH guest learns about its domain.
 *
 * PV and PVH learn the same facts in different ways. A PV guest is handed
 * one page, start_info, with everything in it. A PVH guest is handed much
 * less, struct hvm_start_info (magic, command line, memory map, modules),
 * and asks Xen for the rest, the way an HVM guest with PV drivers does:
 *
 *     shared_info      XENMEM_add_to_physmap(XENMAPSPACE_shared_info)
 *                      puts it at a guest frame of our choosing
 *     console ring     HVMOP_get_param(HVM_PARAM_CONSOLE_PFN / _EVTCHN)
 *     xenstore ring    HVMOP_get_param(HVM_PARAM_STORE_PFN / _EVTCHN)
 *
 * Frames here are guest frames (GFNs) in our own physical address space;
 * there is no machine address to translate, since Xen's nested page
 * tables do that for us. This file answers the questions of
 * <tinypv/platform.h> with these facts. Only the files of this folder
 * (arch/x86/pvh/) know struct hvm_start_info.
 */
#include <tinypv/platform.h>
#include <tinypv/hypervisor.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>
#include <tinypv/events.h>
#include <tinypv/hypercall.h>
#include <arch/ring_check.h>
#include <arch/processor.h>
#include <xen/hvm/params.h>
#include <xen/hvm/hvm_op.h>
#include "pvh.h"

/* Xen's command line limit for a guest, as on PV (MAX_GUEST_CMDLINE). */
#define PVH_CMDLINE_MAX 1024

static uint32_t start_info_paddr;
static const struct hvm_start_info *start_info;

/* The page whose frame shared_info replaces (XENMEM_add_to_physmap). */
static uint8_t shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");

/* --- the debug console: port 0xe9 ------------------------------------------ */

/*
 * Every byte written to I/O port 0xe9 by an HVM or PVH domain is caught by
 * Xen (every build: hvm_print_line() in xen/arch/x86/hvm/hvm.c), collected
 * per line and logged as "(dN) line" at guest *debug* level
 * (XENLOG_G_DEBUG). Whether anybody sees it depends on Xen's guest_loglvl:
 * a debug build of Xen prints everything, but a release build (what
 * distributions ship) defaults to guest_loglvl=none/warning and drops it,
 * so on a stock host these lines reach neither `xl dmesg` nor the serial
 * console. Xen's command-line option guest_loglvl=all shows them (or, at
 * run time, `xl set-parameters guest_loglvl=all` in dom0); "info" is not
 * enough. The test bed boots Xen with it (tools/testbed/boot), which hides
 * the default; the case pvh-quiet-log shows it. Xen drops unprintable
 * bytes itself; the '\r' of the console's "\r\n" is dropped here too, so
 * that the line stays clean.
 */
void pvh_debug_write(const char *s, size_t n)
{
    for ( size_t i = 0; i < n; i++ )
        if ( s[i] != '\r' )
            outb(XEN_HVM_DEBUGCONS_IOPORT, s[i]);
}

void arch_early_write(const char *s, size_t n)
{
    pvh_debug_write(s, n);
}

/*
 * Before hypercalls work there is no way to tell Xen "crash": say why on
 * port 0xe9 and halt with interrupts off, which Xen takes as the vCPU going
 * down (and the domain, its only vCPU gone, as powered off). The reason is
 * visible only where port 0xe9 is (guest_loglvl=all on a release Xen, see
 * pvh_debug_write()); elsewhere the domain just powers off, silently.
 */
void pvh_early_stop(const char *msg)
{
    size_t n = 0;

    while ( msg[n] )
        n++;
    pvh_debug_write(msg, n);
    for ( ;; )
        asm volatile ( "cli; hlt" );
}

/* --- entry ------------------------------------------------------------------- */

/*
 * Called by _start (boot.S) with what Xen left in %ebx, and all it does is
 * keep it. C runs correctly from here with paging still off: the image is
 * linked at its physical address (1 MiB), boot.S loaded flat segments of
 * our own, a stack and a clear direction flag, and Xen's loader zeroed
 * .bss. What paging adds is protection, not a precondition: a fault on a
 * NULL pointer and on the stack's guard page. start_kernel() turns it on
 * in step 2 (arch_early_init()), after step 1, which follows no pointer
 * and reads nothing Xen wrote but CPUID and the hypercall page, within a
 * few frames of the stack top. Nothing that needs the NULL fault or the
 * guard comes before that: hvm_start_info is read in step 3.
 */
void pvh_entry(uint32_t hvm_start_info_paddr)
{
    start_info_paddr = hvm_start_info_paddr;
    start_kernel();
}

/* Step 1: the hypercall page; then we can say "crash" if the rest is wrong. */
void arch_init_hypercalls(void)
{
    pvh_hypercall_init();
}

/* Step 2: paging on, page 0 and the stack's guard page left out (mm.c). */
void arch_early_init(void)
{
    pvh_paging_init();
}

/* RAM in the memory map (version 1 and later), in pages. */
static unsigned long count_ram_pages(void)
{
    const struct hvm_memmap_table_entry *map;
    uint64_t pages = 0;

    if ( start_info->version < 1 || start_info->memmap_entries == 0 ||
         !pvh_phys_mapped(start_info->memmap_paddr,
                          (uint64_t)start_info->memmap_entries * sizeof(*map)) )
        return 0;
    map = pvh_phys_to_virt(start_info->memmap_paddr);
    for ( uint32_t i = 0; i < start_info->memmap_entries; i++ )
        if ( map[i].type == XEN_HVM_MEMMAP_TYPE_RAM )
            pages += map[i].size >> PAGE_SHIFT;
    return pages;
}

const struct hvm_start_info *pvh_boot_record(void)
{
    return start_info;
}

static const char *find_cmdline(void)
{
    uint64_t paddr = start_info->cmdline_paddr;

    /* "0 in any of the address fields means not present" (start_info.h). */
    if ( !paddr || !pvh_phys_mapped(paddr, PVH_CMDLINE_MAX) )
        return "";
    return pvh_phys_to_virt(paddr);
}

/*
 * Step 3: hvm_start_info, checked before anything in it is believed. These
 * stops are said on port 0xe9 too (the ring is not known yet).
 */
void arch_read_boot_record(struct boot_info *bi)
{
    if ( !pvh_phys_mapped(start_info_paddr, sizeof(*start_info)) )
    {
        printk("tinypv: no hvm_start_info (%%ebx = 0x%x): not started "
               "through the PVH entry. Stopping.\n", start_info_paddr);
        shutdown(SHUTDOWN_crash);
    }
    start_info = pvh_phys_to_virt(start_info_paddr);
    if ( start_info->magic != XEN_HVM_START_MAGIC_VALUE )
    {
        printk("tinypv: hvm_start_info at 0x%x has magic 0x%08x, not 0x%08x. "
               "Stopping.\n", start_info_paddr, start_info->magic,
               XEN_HVM_START_MAGIC_VALUE);
        shutdown(SHUTDOWN_crash);
    }
    bi->platform = "Xen PVH";
    bi->loaded_via = "PVH entry";
    bi->cmdline = find_cmdline();
    bi->cmdline_max = PVH_CMDLINE_MAX;
    bi->nr_pages = count_ram_pages();
}

/*
 * Put Xen's shared_info page at our reserved frame, and point shared_info
 * there. After a restore the new domain's page is in nobody's physmap:
 * this is done again then.
 */
void pvh_map_shared_info(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (unsigned long)shared_info_page >> PAGE_SHIFT,
    };
    long rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);

    if ( rc )
        panic("cannot map shared_info (XENMEM_add_to_physmap: error %ld)", rc);
    shared_info = (shared_info_t *)shared_info_page;
}

/* Step 4: shared_info onto our reserved page. */
void arch_map_shared_info(void)
{
    pvh_map_shared_info();
}

/*
 * Step 5: nothing. The toolstack saves a PVH guest's memory by its own
 * guest frames, which are ours too: there is no P2M to publish.
 */
void arch_prepare_save(void)
{
}

/* Said on port 0xe9: see find_ring() for why. */
static bool get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);

    if ( rc )
    {
        early_printk("pvh: HVMOP_get_param(%u): error %ld\n", index, rc);
        return false;
    }
    *value = p.value;
    return true;
}

/*
 * A ring named by HVM parameters: its frame is ours, identity-mapped. Both
 * parameters are 64-bit values the toolstack set; ring_problem() (shared
 * with PV) checks them as they are, before the port is narrowed to an
 * evtchn_port_t or the frame shifted into an address.
 *
 * Everything here is said with early_printk(), on port 0xe9: at boot that
 * is where printk goes anyway (the console ring is not set up yet), and
 * after a restore (pvh_find_rings() from arch_suspend()) the console
 * driver still holds the old domain's port until console_resume(), so a
 * printk would write the ring and notify a port that is no longer the
 * console's.
 */
static void find_ring(struct boot_ring *ring, const char *name,
                      uint32_t pfn_param, uint32_t port_param)
{
    uint64_t gfn = 0, port = 0;
    const char *problem;

    ring->present = false;
    ring->page = NULL;
    ring->pfn = ~0UL;
    ring->frame = 0;
    ring->port = 0;
    ring->how = "refused";
    if ( !get_param(pfn_param, &gfn) || !get_param(port_param, &port) )
        return;
    ring->frame = gfn;
    problem = ring_problem(gfn, port, PVH_MAX_GFN, NR_EVENT_PORTS);
    if ( problem )
    {
        early_printk("%s: ring at gfn 0x%llx, event channel %llu refused: "
                     "%s; the %s stays off\n", name, (unsigned long long)gfn,
                     (unsigned long long)port, problem, name);
        return;
    }
    ring->port = (evtchn_port_t)port;
    ring->page = pvh_phys_to_virt(gfn << PAGE_SHIFT);
    ring->pfn = gfn;
    ring->how = "identity map";
    ring->present = true;
    early_printk("pvh: %s ring at gfn 0x%llx, event channel %u\n", name,
                 (unsigned long long)gfn, ring->port);
}

/* The rings from the HVM parameters (again after a restore: new ports). */
void pvh_find_rings(struct boot_info *bi)
{
    find_ring(&bi->console, "console", HVM_PARAM_CONSOLE_PFN,
              HVM_PARAM_CONSOLE_EVTCHN);
    find_ring(&bi->xenstore, "xenstore", HVM_PARAM_STORE_PFN,
              HVM_PARAM_STORE_EVTCHN);
}

/*
 * Step 6: the console and xenstore rings, from HVM parameters. Like every
 * line before console_init(), these go to port 0xe9 only.
 */
void arch_find_rings(struct boot_info *bi)
{
    printk("tinypv: PVH entry, hvm_start_info at 0x%x; console ring next\n",
           start_info_paddr);
    pvh_find_rings(bi);
}

void arch_print_boot_info(void)
{
    const struct hvm_start_info *si = start_info;

    printk("hvm_start_info at 0x%x: magic 0x%08x, version %u\n",
           start_info_paddr, si->magic, si->version);
    printk("  nr_pages      %lu (%lu KiB of RAM in the memory map)\n",
           boot_info->nr_pages, boot_info->nr_pages * (PAGE_SIZE / 1024));
    printk("  shared_info   gfn 0x%lx (our page, XENMEM_add_to_physmap)\n",
           (unsigned long)shared_info_page >> PAGE_SHIFT);
    printk("  console       gfn 0x%llx, event channel %u\n",
           (unsigned long long)boot_info->console.frame,
           boot_info->console.port);
    printk("  xenstore      gfn 0x%llx, event channel %u\n",
           (unsigned long long)boot_info->xenstore.frame,
           boot_info->xenstore.port);
    printk("  memmap        %u entries at 0x%llx\n", si->memmap_entries,
           (unsigned long long)si->memmap_paddr);
    printk("  modules       %u, rsdp 0x%llx, flags 0x%x\n", si->nr_modules,
           (unsigned long long)si->rsdp_paddr, si->flags);
    printk("  cmd_line      \"%.*s\"\n", PVH_CMDLINE_MAX, boot_info->cmdline);
}

void arch_print_mappings(void)
{
    printk("  hypercalls    %p\n", (void *)hypercall_page);
    pvh_print_paging();
    printk("  callback      vector 0x%02x (HVM_PARAM_CALLBACK_IRQ, no EOI)\n",
           pvh_callback_vector_nr);
}
