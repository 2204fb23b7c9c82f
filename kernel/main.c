/*
 * main.c: the boot order of tinypv, in one function, and its main loop.
 *
 * Xen has loaded the image, built page tables, filled the hypercall page and
 * jumped to _start (arch/x86/boot.S), which set up a stack and called
 * start_kernel() with the start_info page Xen prepared for us.
 */
#include <types.h>
#include <hypercall.h>
#include <hypervisor.h>
#include <mm.h>
#include <clock.h>
#include <traps.h>
#include <events.h>
#include <console.h>
#include <printk.h>
#include <cmdline.h>
#include <info.h>
#include <selftest.h>
#include <shell.h>
#include <shutdown.h>
#include <kernel.h>
#include <xenstore.h>
#include <control.h>
#include <lib.h>

start_info_t *start_info;
shared_info_t *shared_info;

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

static void parse_command_line(struct boot_options *opts)
{
    const char *error = NULL;

    if ( cmdline_parse((const char *)start_info->cmd_line, MAX_GUEST_CMDLINE,
                       handle_option, opts, &error) )
        printk("warning: command line: %s; the rest of it is ignored\n",
               error);
}

/*
 * Xen gives a PV vCPU a 100 Hz periodic timer by default. tinypv has no use
 * for ticks, and every tick would wake an idle domain: switch it off.
 */
static void stop_periodic_timer(void)
{
    long rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);

    if ( rc )
        printk("warning: cannot stop the periodic timer (error %ld); "
               "an idle tinypv will wake 100 times a second\n", rc);
}

bool kernel_has_work(void)
{
    return console_input_pending() || timers_pending() || xenstore_pending();
}

void kernel_idle(void)
{
    events_wait_for_work(kernel_has_work);
    if ( timers_pending() )
        timers_run();
    if ( xenstore_pending() )
        xenstore_process();
    if ( console_input_pending() )
        console_process_input();
}

/* The main loop: sleep until an event brings work, then do it. */
static void __noreturn main_loop(void)
{
    for ( ;; )
        kernel_idle();
}

void start_kernel(start_info_t *si)
{
    static struct boot_options opts;

    /* 1. Nothing works without hypercalls: is the hypercall page there? */
    hypercall_page_check();
    start_info = si;

    /* 2. Map shared_info: event bitmaps, upcall flags, time. */
    mm_init(si);
    shared_info = map_shared_info(si->shared_info);
    upcall_save_and_mask();     /* no callback registered yet */
    time_init(shared_info);

    /* 3. The console ring: from here on printk reaches xenconsoled. */
    console_init(si);

    /* 4. Exceptions and event upcalls go to our handlers. */
    traps_init();

    printk("\ntinypv %s: a 32-bit PAE Xen PV kernel (booted via %s)\n",
           TINYPV_VERSION, xen_metadata_kind);
    info_print_xen_version();
    info_print_start_info();

    /* 5. Events on: console input and timers arrive through the upcall. */
    stop_periodic_timer();
    timers_init();
    console_start_input();
    upcall_enable();

    /* 6. Xenstore: our domain id, and the toolstack's requests. */
    if ( xenstore_init(si) == 0 )
        control_init();

    /* 7. What the user asked for on the command line. */
    parse_command_line(&opts);
    if ( opts.burst_bytes )
        selftest_burst(opts.burst_bytes);

    /* 8. The monitor: scripted commands first, then whoever types. */
    shell_start();
    if ( opts.run[0] )
        shell_run_script(opts.run);
    shell_prompt();
    main_loop();
}
