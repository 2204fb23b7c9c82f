/*
 * main.c: the boot order of tinypv, in one function.
 *
 * Xen has loaded the image and jumped to the platform's trampoline
 * (arch/x86/pv/boot.S, arch/x86/pvh/boot.S), which set up a stack and
 * called the platform's C entry; that only kept what Xen handed over and
 * called start_kernel(). Every step of the boot is here, numbered, and
 * reads the same on every platform: where one differs (how hypercalls are
 * made to work, the address space, the boot record, where shared_info and
 * the rings come from, how exceptions and events arrive), it asks the
 * platform (<tinypv/platform.h>, steps 1 to 9 there). The last step starts
 * the application (<tinypv/app.h>: the monitor), which the kernel knows
 * only by that header.
 */
#include <tinypv/types.h>
#include <tinypv/platform.h>
#include <tinypv/boot_info.h>
#include <tinypv/hypervisor.h>
#include <tinypv/hypercall.h>
#include <tinypv/clock.h>
#include <tinypv/events.h>
#include <tinypv/console.h>
#include <tinypv/printk.h>
#include <tinypv/kernel.h>
#include <tinypv/xenstore.h>
#include <tinypv/control.h>
#include <tinypv/app.h>
#include <tinypv/mm.h>
#include <tinypv/balloon.h>
#include <tinypv/gnttab.h>
#include <tinypv/xenbus.h>
#include <tinypv/blkfront.h>
#include <tinypv/netfront.h>
#include <lib/cmdline.h>
#include <lib/string.h>

shared_info_t *shared_info;
const struct boot_info *boot_info;
static struct boot_info boot;

struct boot_info *boot_info_writable(void)
{
    return &boot;
}

void xen_print_version(void)
{
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    xen_extraversion_t extra;

    memset(extra, 0, sizeof(extra));
    HYPERVISOR_xen_version(XENVER_extraversion, extra);
    extra[sizeof(extra) - 1] = '\0';
    printk("Xen %ld.%ld%s\n", version >> 16, version & 0xffff, extra);
}

/* The kernel has no options of its own: each is the application's. */
static void handle_option(void *ctx, const char *key, const char *value)
{
    if ( !app_option(key, value) )
        printk("warning: unknown option '%s' on the command line, ignored\n",
               key);
}

static void parse_command_line(const struct boot_info *bi)
{
    const char *error = NULL;

    if ( cmdline_parse(bi->cmdline, bi->cmdline_max, handle_option, NULL,
                       &error) )
        printk("warning: command line: %s; the rest of it is ignored\n",
               error);
}

void start_kernel(void)
{
    /* 1. Nothing works without hypercalls: can we make them? */
    arch_init_hypercalls();

    /* 2. The address space: page 0 and the stack's guard page fault. */
    arch_early_init();

    /* 3. What Xen says about the domain: checked, then recorded. */
    arch_read_boot_record(&boot);
    boot_info = &boot;

    /* 4. Map shared_info: event bitmaps, upcall flags, time. */
    arch_map_shared_info();
    upcall_save_and_mask();     /* no callback registered yet */
    time_init();

    /* 5. Ready to be saved: what xl save and xl migrate read from us. */
    arch_prepare_save();

    /* 6. The console ring: from here on printk reaches xenconsoled. */
    /*
     * On the early console: Xen logs it at guest debug level, so a release
     * Xen shows it (in `xl dmesg`) only with guest_loglvl=all, and on PV
     * only if built with CONFIG_VERBOSE_DEBUG (see each platform's early
     * write, <tinypv/platform.h>).
     */
    printk("tinypv: early console until the ring is found "
           "(Xen's log at guest debug level: xl dmesg with guest_loglvl=all)\n");
    arch_find_rings(&boot);
    console_init(&boot.console);

    /* 7. Exceptions and event upcalls go to our handlers. */
    arch_init_traps();

    /* 8. The banner: who we are, on which Xen, from what boot record. */
    printk("\ntinypv %s: a 32-bit %s kernel (booted via %s)\n",
           TINYPV_VERSION, boot.platform, boot.loaded_via);
    xen_print_version();
    arch_print_boot_info();

    /*
     * 9. Memory: every page the domain owns, reachable and in the
     * allocator; then the grant table, through which backends reach the
     * pages we lend them.
     */
    mem_init();
    gnttab_init();

    /* 10. Events on: console input and timers arrive through the upcall. */
    timers_init();
    console_start_input();
    upcall_enable();

    /*
     * 11. Xenstore: our domain id, the toolstack's requests, and the
     * devices of device/ handed to their drivers (xenbus).
     */
    if ( xenstore_init(&boot.xenstore) == 0 )
    {
        control_init();
        balloon_init();         /* xl mem-set: memory/target */
        blkfront_register();    /* vbd: disks */
        netfront_register();    /* vif: network interfaces */
        xenbus_init();
    }

    /* 12. The command line: each option goes to the application. */
    parse_command_line(&boot);

    /* 13. The application (the monitor), then the main loop for ever. */
    app_start();
    kernel_main_loop();
}
