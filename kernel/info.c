/*
 * info.c: what Xen told us about the domain, and where we mapped it.
 */
#include <info.h>
#include <console.h>
#include <hypercall.h>
#include <hypervisor.h>
#include <mm.h>
#include <xenstore.h>
#include <printk.h>
#include <lib.h>

extern char boot_stack[], boot_stack_top[];

void info_print_xen_version(void)
{
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    xen_extraversion_t extra;

    memset(extra, 0, sizeof(extra));
    HYPERVISOR_xen_version(XENVER_extraversion, extra);
    extra[sizeof(extra) - 1] = '\0';
    printk("Xen %ld.%ld%s\n", version >> 16, version & 0xffff, extra);
}

void info_print_xen_details(void)
{
    static xen_capabilities_info_t caps;
    xen_changeset_info_t changeset;
    struct xen_compile_info compile;

    memset(caps, 0, sizeof(caps));
    memset(changeset, 0, sizeof(changeset));
    memset(&compile, 0, sizeof(compile));
    HYPERVISOR_xen_version(XENVER_capabilities, caps);
    HYPERVISOR_xen_version(XENVER_changeset, changeset);
    HYPERVISOR_xen_version(XENVER_compile_info, &compile);

    info_print_xen_version();
    printk("  capabilities  %.*s\n", (int)sizeof(caps), caps);
    printk("  changeset     %.*s\n", (int)sizeof(changeset), changeset);
    printk("  compiled by   %.*s@%.*s with %.*s\n",
           (int)sizeof(compile.compile_by), compile.compile_by,
           (int)sizeof(compile.compile_domain), compile.compile_domain,
           (int)sizeof(compile.compiler), compile.compiler);
    printk("  compiled on   %.*s\n", (int)sizeof(compile.compile_date),
           compile.compile_date);
}

void info_print_start_info(void)
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

void info_print_mappings(void)
{
    struct page_lookup ring;
    evtchn_port_t port;
    unsigned long m2p_start, m2p_end, m2p_max;

    console_describe(&ring, &port);
    mm_describe_m2p(&m2p_start, &m2p_end, &m2p_max);
    printk("mappings:\n");
    printk("  image         %p-%p (text %p-%p, bss from %p)\n",
           (void *)_text, (void *)_end, (void *)_text, (void *)_etext,
           (void *)_bss_start);
    printk("  stack         %p-%p\n", (void *)boot_stack, (void *)boot_stack_top);
    printk("  hypercalls    %p\n", (void *)hypercall_page);
    printk("  shared_info   %p\n", (void *)shared_info);
    printk("  console ring  %p (pfn 0x%lx%s), event channel %u\n", ring.va,
           ring.pfn, ring.remapped ? ", remapped" : ", bootstrap mapping",
           port);
    xenstore_describe(&ring, &port);
    printk("  xenstore ring %p (pfn 0x%lx%s), event channel %u, domid %d\n",
           ring.va, ring.pfn, ring.remapped ? ", remapped" : ", bootstrap mapping",
           port, xs_domid());
    printk("  M2P table     0x%lx-0x%lx (max mfn 0x%lx)\n", m2p_start, m2p_end,
           m2p_max);
}
