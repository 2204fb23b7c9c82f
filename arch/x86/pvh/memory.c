/*
 * memory.c: the PVH domain's frames, for the allocator (start_kernel()'s
 * step 9, arch_mem_init()).
 *
 * A PVH guest's frames are guest frames, and which of them are RAM is
 * what the memory map in hvm_start_info says (version 1 and later): an
 * E820-style table the toolstack wrote, with holes (the legacy VGA and
 * BIOS area, the special pages near 4 GiB, MMIO). mm/memmap.c reads it,
 * untrusted, into RAM ranges. Nothing needs mapping: the identity map of
 * step 2 covers the first 4 GiB already (RAM above it is dropped), and
 * Xen's nested page tables stand between a guest frame and the machine,
 * so unlike PV there is no page table for Xen to check.
 *
 * Page 0 and the stack's guard page stay unmapped: they are taken, never
 * handed out.
 */
#include <tinypv/platform.h>
#include <tinypv/boot_info.h>
#include <tinypv/memmap.h>
#include <tinypv/printk.h>
#include <tinypv/sections.h>
#include <tinypv/shutdown.h>
#include "pvh.h"

extern char boot_stack_guard[];

static void say_notice(void *ctx, const struct memmap_notice *n)
{
    (void)ctx;
    if ( n->index == MEMMAP_NO_INDEX )
        printk("pvh: memory map: %s\n", memmap_notice_name(n->kind));
    else
        printk("pvh: memory map entry %u (0x%llx+0x%llx, %s): %s\n",
               n->index, (unsigned long long)n->addr,
               (unsigned long long)n->size, memmap_type_name(n->type),
               memmap_notice_name(n->kind));
}

static void add_taken(struct arch_mem_layout *l, uint64_t paddr,
                      uint64_t bytes, enum page_owner owner)
{
    struct arch_mem_region *t;

    /* Room for every region named below: running out is a bug here. */
    if ( l->nr_taken == ARCH_MEM_MAX_TAKEN )
        panic("mem: more than %u taken regions (ARCH_MEM_MAX_TAKEN)",
              ARCH_MEM_MAX_TAKEN);
    if ( !bytes )
        return;
    t = &l->taken[l->nr_taken++];
    t->first = paddr >> PAGE_SHIFT;
    t->count = ((paddr + bytes - 1) >> PAGE_SHIFT) - t->first + 1;
    t->owner = owner;
}

/* The memory map, parsed; 0 ranges if there is none we may read. */
static size_t read_memory_map(const struct hvm_start_info *si,
                              struct memmap_range *out, size_t max)
{
    const struct memmap_config cfg = { .report = say_notice };
    struct memmap_result res;
    uint64_t bytes = (uint64_t)si->memmap_entries *
                     sizeof(struct hvm_memmap_table_entry);

    if ( si->version < 1 || !si->memmap_entries ||
         !pvh_phys_mapped(si->memmap_paddr, bytes) )
    {
        printk("pvh: no memory map in hvm_start_info (version %u, %u "
               "entries)\n", si->version, si->memmap_entries);
        return 0;
    }
    return memmap_parse(pvh_phys_to_virt(si->memmap_paddr),
                        si->memmap_entries, &cfg, out, max, &res);
}

void arch_mem_init(struct arch_mem_layout *l)
{
    const struct hvm_start_info *si = pvh_boot_record();
    static struct memmap_range ranges[ARCH_MEM_MAX_RAM];
    size_t n = read_memory_map(si, ranges, ARCH_MEM_MAX_RAM);

    for ( size_t i = 0; i < n; i++ )
    {
        l->ram[i] = (struct arch_mem_region){ ranges[i].first_pfn,
                                              ranges[i].nr_pfns,
                                              PAGE_OWNER_NONE };
        l->nr_frames = ranges[i].first_pfn + ranges[i].nr_pfns;
    }
    l->nr_ram = n;
    l->not_mapped = 0;

    add_taken(l, 0, PAGE_SIZE, PAGE_OWNER_RESERVED);
    add_taken(l, (unsigned long)boot_stack_guard,
              (unsigned long)boot_stack_top - (unsigned long)boot_stack_guard,
              PAGE_OWNER_STACK);
    add_taken(l, (unsigned long)_text,
              (unsigned long)_end - (unsigned long)_text, PAGE_OWNER_IMAGE);
    add_taken(l, (unsigned long)si, sizeof(*si), PAGE_OWNER_BOOT);
    if ( si->cmdline_paddr )
        add_taken(l, si->cmdline_paddr, 1024, PAGE_OWNER_BOOT);
    add_taken(l, si->memmap_paddr, (uint64_t)si->memmap_entries *
              sizeof(struct hvm_memmap_table_entry), PAGE_OWNER_BOOT);
    if ( boot_info->console.present )
        add_taken(l, boot_info->console.frame << PAGE_SHIFT, PAGE_SIZE,
                  PAGE_OWNER_RING);
    if ( boot_info->xenstore.present )
        add_taken(l, boot_info->xenstore.frame << PAGE_SHIFT, PAGE_SIZE,
                  PAGE_OWNER_RING);
}

void *arch_pfn_to_virt(unsigned long pfn)
{
    if ( pfn == 0 || pfn > PVH_MAX_GFN ||
         pfn == (unsigned long)boot_stack_guard >> PAGE_SHIFT )
        return NULL;
    return pvh_phys_to_virt((uint64_t)pfn << PAGE_SHIFT);
}
