/*
 * mm.c: the PVH guest's page tables: an identity map with a hole at 0.
 *
 * A PVH kernel starts with paging off, and could stay that way: every
 * physical address below 4 GiB is then reachable as is, including the
 * console and xenstore pages Xen puts just below 0xff000000 and the
 * shared_info page we choose. tinypv turns paging on anyway, for one
 * reason: with paging off nothing faults on a NULL pointer, and a kernel
 * that teaches (and tests) its crash path wants `crash pagefault` and
 * every stray NULL dereference to end in a page fault, as on PV.
 *
 * The map is the plainest there is: 32-bit (non-PAE) paging, one page
 * directory whose entries map 4 MiB pages 1:1 (CR4.PSE), except the first,
 * which points to one page table of 4 KiB pages with page 0 not present.
 * Virtual == physical everywhere else, so pointers Xen gives us (physical
 * addresses) are used as they are, and the switch needs no jump.
 * Two pages of memory, no allocator.
 */
#include <tinypv/types.h>
#include <tinypv/printk.h>
#include <arch/processor.h>
#include "pvh.h"

#define PTE_PRESENT     0x001
#define PTE_WRITABLE    0x002
#define PDE_LARGE       0x080           /* a 4 MiB page (needs CR4.PSE) */
#define NR_ENTRIES      1024
#define LARGE_PAGE_SHIFT 22

static uint32_t page_directory[NR_ENTRIES] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");
static uint32_t low_page_table[NR_ENTRIES] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");

/* The page below the stack (arch/x86/boot_stack.S), not mapped either. */
extern char boot_stack_guard[];

/*
 * start_kernel()'s step 2 (arch_early_init()). Before it, nothing may rely
 * on a NULL pointer or a stack overflow faulting: see pvh_entry().
 */
void pvh_paging_init(void)
{
    unsigned int i;

    low_page_table[0] = 0;              /* page 0: not present */
    for ( i = 1; i < NR_ENTRIES; i++ )
        low_page_table[i] = (i << PAGE_SHIFT) | PTE_PRESENT | PTE_WRITABLE;
    /*
     * The stack's guard page (the image is linked at 1 MiB, so it lies in
     * the first 4 MiB, which this table maps). An overflow faults there;
     * in ring 0 the CPU then cannot push the page fault's frame on the same
     * stack, nor the double fault's that follows: the vCPU triple-faults
     * before anything below the stack is overwritten. A triple fault resets
     * an x86 CPU, and Xen reports it as a *reboot* (SHUTDOWN_reboot), not a
     * crash: domain_config.pvh says on_reboot = "restart", so there xl
     * starts the domain again (the test cases use "destroy"). Reporting a
     * crash would need a double-fault handler on a stack of its own, through
     * a task gate: not done.
     */
    i = (unsigned long)boot_stack_guard >> PAGE_SHIFT;
    if ( i < NR_ENTRIES )
        low_page_table[i] = 0;

    page_directory[0] = (uint32_t)(unsigned long)low_page_table |
                        PTE_PRESENT | PTE_WRITABLE;
    for ( i = 1; i < NR_ENTRIES; i++ )
        page_directory[i] = (i << LARGE_PAGE_SHIFT) | PDE_LARGE |
                            PTE_PRESENT | PTE_WRITABLE;

    write_cr4(read_cr4() | X86_CR4_PSE);
    write_cr3((unsigned long)page_directory);
    /* WP: even ring 0 honours read-only entries (none today, but cheap). */
    write_cr0(read_cr0() | X86_CR0_PG | X86_CR0_WP);
}

bool pvh_phys_mapped(uint64_t paddr, uint64_t size)
{
    return paddr >= PAGE_SIZE && size <= PVH_MAPPED_END &&
           paddr <= PVH_MAPPED_END - size;
}

void pvh_print_paging(void)
{
    printk("  paging        identity map of 4 GiB (4 MiB pages), page 0 "
           "unmapped; cr3 0x%08lx\n", read_cr3());
    printk("  stack guard   0x%08lx-0x%08lx (unmapped)\n",
           (unsigned long)boot_stack_guard,
           (unsigned long)boot_stack_guard + PAGE_SIZE - 1);
}

/*
 * `walk ADDR`: the same two levels the CPU reads. The tables are ours and
 * plain memory (Xen never sees them: its own nested page tables take the
 * guest frame the walk ends in to a machine frame, out of our sight).
 */
void arch_print_walk(unsigned long va)
{
    unsigned int pdi = va >> LARGE_PAGE_SHIFT;
    unsigned int pti = (va >> PAGE_SHIFT) & (NR_ENTRIES - 1);
    uint32_t pde = page_directory[pdi], pte;
    unsigned long gfn;

    printk("walk 0x%08lx: page directory index %u, page table index %u, "
           "offset 0x%03lx (cr3 0x%08lx)\n", va, pdi, pti, va % PAGE_SIZE,
           read_cr3());
    printk("  PDE[%4u] = 0x%08x", pdi, pde);
    if ( !(pde & PTE_PRESENT) )
    {
        printk("  not present\nwalk: 0x%08lx: not present: nothing is "
               "mapped there\n", va);
        return;
    }
    if ( pde & PDE_LARGE )
    {
        gfn = (pde >> PAGE_SHIFT) + pti;
        printk("  -> a 4 MiB page at gfn 0x%x\n", pde >> PAGE_SHIFT);
    }
    else
    {
        const uint32_t *pt = (const uint32_t *)(unsigned long)
                             (pde & ~(PAGE_SIZE - 1));

        printk("  -> page table at gfn 0x%x\n", pde >> PAGE_SHIFT);
        pte = pt[pti];
        printk("  PTE[%4u] = 0x%08x", pti, pte);
        if ( !(pte & PTE_PRESENT) )
        {
            printk("  not present\nwalk: 0x%08lx: not present (page 0 and "
                   "the stack's guard page are left out on purpose)\n", va);
            return;
        }
        gfn = pte >> PAGE_SHIFT;
        printk("  -> gfn 0x%lx\n", gfn);
    }
    printk("walk: 0x%08lx is gfn 0x%lx + 0x%03lx (identity map: the same "
           "number; Xen's p2m takes it to a machine frame)\n", va, gfn,
           va % PAGE_SIZE);
}

void arch_print_mm_stats(void)
{
    printk("mmu: no mmu_update, mmuext_op or update_va_mapping on PVH: Xen "
           "never sees these page tables (its own nested tables map guest "
           "frames)\n");
}
