/*
 * info.c: what Xen told us about the domain, and where we mapped it.
 */
#include <monitor/info.h>
#include <tinypv/hypercall.h>
#include <tinypv/hypervisor.h>
#include <tinypv/sections.h>
#include <tinypv/platform.h>
#include <tinypv/boot_info.h>
#include <tinypv/xenstore.h>
#include <tinypv/printk.h>
#include <lib/string.h>
#include <lib/format.h>

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

    xen_print_version();
    printk("  capabilities  %.*s\n", (int)sizeof(caps), caps);
    printk("  changeset     %.*s\n", (int)sizeof(changeset), changeset);
    printk("  compiled by   %.*s@%.*s with %.*s\n",
           (int)sizeof(compile.compile_by), compile.compile_by,
           (int)sizeof(compile.compile_domain), compile.compile_domain,
           (int)sizeof(compile.compiler), compile.compiler);
    printk("  compiled on   %.*s\n", (int)sizeof(compile.compile_date),
           compile.compile_date);
}

static void print_ring(const char *label, const struct boot_ring *r,
                       const char *tail)
{
    char line[160];

    info_format_ring(line, sizeof(line), label, r, tail);
    printk("%s", line);
}

void info_print_mappings(void)
{
    char domid[24];

    printk("mappings:\n");
    printk("  image         %p-%p (text %p-%p, bss from %p)\n",
           (void *)_text, (void *)_end, (void *)_text, (void *)_etext,
           (void *)_bss_start);
    printk("  stack         %p-%p\n", (void *)boot_stack, (void *)boot_stack_top);
    printk("  shared_info   %p\n", (void *)shared_info);
    print_ring("console ring", &boot_info->console, NULL);
    /* xs_domid() is an error code until xenstore has answered. */
    if ( xs_domid() >= 0 )
        snprintf(domid, sizeof(domid), ", domid %d", xs_domid());
    else
        snprintf(domid, sizeof(domid), ", domid unknown");
    print_ring("xenstore ring", &boot_info->xenstore, domid);
    arch_print_mappings();
}
