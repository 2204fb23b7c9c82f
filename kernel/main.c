/*
 * main.c: the boot order of tinypv, in one function.
 *
 * Xen has loaded the image and jumped to the platform's trampoline
 * (arch/x86/pv/boot.S for a PV guest), which set up a stack and called the
 * platform's C entry; that kept what Xen handed over and called
 * start_kernel(). From here on every step reads the same on every
 * platform: where one differs (how hypercalls are made to work, where
 * shared_info and the rings come from, how exceptions and events arrive),
 * it asks the platform (<tinypv/platform.h>).
 */
#include <tinypv/types.h>
#include <tinypv/platform.h>
#include <tinypv/boot_info.h>
#include <tinypv/hypervisor.h>
#include <tinypv/clock.h>
#include <tinypv/events.h>
#include <tinypv/console.h>
#include <tinypv/printk.h>
#include <tinypv/kernel.h>
#include <tinypv/xenstore.h>
#include <tinypv/control.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <monitor/info.h>
#include <monitor/selftest.h>
#include <monitor/shell.h>

shared_info_t *shared_info;
const struct boot_info *boot_info;
static struct boot_info boot;

struct boot_info *boot_info_writable(void)
{
    return &boot;
}

/* What the command line (domain_config's `extra=`) asked for. */
struct boot_options {
    uint32_t burst_bytes;               /* burst=SIZE: output self-test */
    char run[CMDLINE_VALUE_MAX];        /* run="CMD; CMD": before the prompt */
};

static void handle_option(void *ctx, const char *key, const char *value)
{
    struct boot_options *opts = ctx;

    if ( strcmp(key, "burst") == 0 )
    {
        if ( !value || parse_size(value, &opts->burst_bytes) )
        {
            printk("warning: burst=%s: expected a size such as 262144 or "
                   "256K; no burst\n", value ? value : "");
            opts->burst_bytes = 0;
        }
    }
    else if ( strcmp(key, "run") == 0 )
    {
        if ( value )
            memcpy(opts->run, value, strlen(value) + 1);
        else
            printk("warning: run needs commands: run=\"info; stats\"\n");
    }
    else
        printk("warning: unknown option '%s' on the command line, ignored\n",
               key);
}

static void parse_command_line(const struct boot_info *bi,
                               struct boot_options *opts)
{
    const char *error = NULL;

    if ( cmdline_parse(bi->cmdline, bi->cmdline_max, handle_option, opts,
                       &error) )
        printk("warning: command line: %s; the rest of it is ignored\n",
               error);
}

void start_kernel(void)
{
    static struct boot_options opts;

    /* 1. Nothing works without hypercalls: can we make them? */
    arch_init_hypercalls();
    boot_info = &boot;

    /* 2. Map shared_info: event bitmaps, upcall flags, time. */
    arch_map_shared_info(&boot);
    upcall_save_and_mask();     /* no callback registered yet */
    time_init();

    /* 3. The console ring: from here on printk reaches xenconsoled. */
    /*
     * On the early console: Xen logs it at guest debug level, so a release
     * Xen shows it (in `xl dmesg`) only with guest_loglvl=all, and on PV
     * only if built with CONFIG_VERBOSE_DEBUG (see arch_early_write()).
     */
    printk("tinypv: early console until the ring is found "
           "(Xen's log at guest debug level: xl dmesg with guest_loglvl=all)\n");
    arch_find_rings(&boot);
    console_init(&boot.console);

    /* 4. Exceptions and event upcalls go to our handlers. */
    arch_init_traps();

    printk("\ntinypv %s: a 32-bit %s kernel (booted via %s)\n",
           TINYPV_VERSION, boot.platform, boot.loaded_via);
    info_print_xen_version();
    arch_print_boot_info();

    /* 5. Events on: console input and timers arrive through the upcall. */
    timers_init();
    console_start_input();
    upcall_enable();

    /* 6. Xenstore: our domain id, and the toolstack's requests. */
    if ( xenstore_init(&boot.xenstore) == 0 )
        control_init();

    /* 7. What the user asked for on the command line. */
    parse_command_line(&boot, &opts);
    if ( opts.burst_bytes )
        selftest_burst(opts.burst_bytes);

    /* 8. The monitor: scripted commands first, then whoever types. */
    shell_start();
    if ( opts.run[0] )
        shell_run_script(opts.run);
    shell_prompt();
    kernel_main_loop();
}
