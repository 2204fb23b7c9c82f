/*
 * app.c: the monitor as the kernel's application (<tinypv/app.h>).
 *
 * The kernel hands over the command-line options and, once it is up,
 * calls app_start(): the burst= self-test first, then the shell takes the
 * console, runs the run= script, and shows its prompt.
 */
#include <tinypv/app.h>
#include <tinypv/printk.h>
#include <tinypv/netfront.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <monitor/selftest.h>
#include <monitor/shell.h>

/* What the command line (domain_config's `extra=`) asked for. */
static uint32_t burst_bytes;                /* burst=SIZE: output self-test */
static char run_script[CMDLINE_VALUE_MAX];  /* run="CMD; CMD": before the prompt */

bool app_option(const char *key, const char *value)
{
    if ( strcmp(key, "burst") == 0 )
    {
        if ( !value || parse_size(value, &burst_bytes) )
        {
            printk("warning: burst=%s: expected a size such as 262144 or "
                   "256K; no burst\n", value ? value : "");
            burst_bytes = 0;
        }
    }
    else if ( strcmp(key, "ip") == 0 )
    {
        uint32_t ip;
        unsigned int prefix;

        /* ip=ADDR/PREFIX: every vif's address, over the toolstack's. */
        if ( net_parse_addr(value, &ip, &prefix) == 0 )
            netfront_set_addr(ip, prefix);
        else
            printk("warning: ip=%s: expected an address such as "
                   "169.254.1.2/16; no address from the command line\n",
                   value ? value : "");
    }
    else if ( strcmp(key, "run") == 0 )
    {
        if ( value )
            memcpy(run_script, value, strlen(value) + 1);
        else
            printk("warning: run needs commands: run=\"info; stats\"\n");
    }
    else
        return false;
    return true;
}

void app_start(void)
{
    if ( burst_bytes )
        selftest_burst(burst_bytes);

    /* Scripted commands first, then whoever types. */
    shell_start();
    if ( run_script[0] )
        shell_run_script(run_script);
    shell_prompt();
}
