/*
 * shutdown.c: leaving the domain.
 *
 * SCHEDOP_shutdown tells Xen the domain is done, and why; xl reports the
 * reason and applies on_poweroff / on_reboot / on_crash from domain_config.
 * xenconsoled unmaps the console ring when the domain dies without draining
 * it one last time, so the console is flushed first, or the last lines
 * (often the most interesting ones) would be lost.
 */
#include <tinypv/shutdown.h>
#include <tinypv/console.h>
#include <tinypv/hypercall.h>
#include <tinypv/crash.h>
#include <tinypv/printk.h>

static const char *const reason_names[] = {
    [SHUTDOWN_poweroff] = "poweroff",
    [SHUTDOWN_reboot]   = "reboot",
    [SHUTDOWN_suspend]  = "suspend",
    [SHUTDOWN_crash]    = "crash",
    [SHUTDOWN_watchdog] = "watchdog",
};

void shutdown(unsigned int reason)
{
    struct sched_shutdown request = { .reason = reason };

    /* If the ring does not drain, saying so there would not help either. */
    if ( !console_flush() )
        console_debug_write("tinypv: the console backend did not drain the "
                            "ring; the last output may be lost\n");

    for ( ;; )
    {
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &request);
        /*
         * Not reached: Xen does not schedule a vCPU of a domain that has
         * shut down. Should it ever return, block rather than spin.
         */
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    }
}

void poweroff(void)
{
    shutdown(SHUTDOWN_poweroff);
}

void reboot(void)
{
    shutdown(SHUTDOWN_reboot);
}

const char *shutdown_reason_name(unsigned int reason)
{
    if ( reason < ARRAY_SIZE(reason_names) && reason_names[reason] )
        return reason_names[reason];
    return "unknown";
}

void panic(const char *fmt, ...)
{
    static bool panicking;
    va_list ap;

    /* A panic while panicking (say, in the console) must not recurse. */
    if ( !panicking )
    {
        panicking = true;
        /* The call chain first, the reason last: it stays on screen. */
        printk("\n");
        backtrace_print_here();
        printk("panic: ");
        va_start(ap, fmt);
        vprintk(fmt, ap);
        va_end(ap);
        printk("\n");
    }
    shutdown(SHUTDOWN_crash);
}
