/*
 * cmd_lab.c: the monitor commands of the teaching labs.
 *
 * labcall makes the hypercall that the lab patch adds to Xen and says what
 * came back; on a Xen without the patch that is -ENOSYS, which is reported
 * and is no reason to stop. trace arms the console trace (console/trace.c)
 * and returns at once: the keys it follows are the ones typed next.
 * breakring damages the console ring's out_cons, as a broken backend could
 * (our own out_prod the driver never reads back), so that the next write
 * finds the ring corrupt and the driver falls back to Xen's console, which
 * the lab build of Xen shows in `xl dmesg`.
 * breaktimer binds VIRQ_TIMER a second time, which Xen refuses (a VIRQ is
 * bound once): the timers are then off, and `sleep` must say so instead of
 * waiting for ever (docs/05-time.md).
 */
#include <monitor/lab.h>
#include <monitor/shell.h>
#include <monitor/shell_parse.h>
#include <tinypv/console.h>
#include <tinypv/console_trace.h>
#include <tinypv/clock.h>
#include <tinypv/printk.h>
#include <tinypv/hypercall.h>
#include <lib/string.h>
#include <xen/errno.h>

/* Room for more than Xen takes, so that -E2BIG can be shown too. */
#define LABCALL_TEXT_MAX    (2 * LAB_PRINT_MAX)

/* An address below the kernel that nothing maps: Xen's copy must fail. */
#define LABCALL_BAD_POINTER ((const char *)16)

/* argv[first..] joined by single spaces; false if it does not fit. */
static bool join_words(int argc, char **argv, int first, char *out,
                       size_t size, size_t *len)
{
    size_t used = 0;

    for ( int i = first; i < argc; i++ )
    {
        size_t n = strlen(argv[i]);
        size_t sep = i > first ? 1 : 0;

        if ( used + sep + n + 1 > size )
            return false;
        if ( sep )
            out[used++] = ' ';
        memcpy(out + used, argv[i], n);
        used += n;
    }
    out[used] = '\0';
    *len = used;
    return true;
}

/* What the hypercall's answer means, in words. */
static void report_labcall(long rc)
{
    if ( rc >= 0 )
        printk("labcall: Xen took %ld bytes; `xl dmesg` in dom0 shows them\n",
               rc);
    else if ( rc == -XEN_ENOSYS )
        printk("labcall: -ENOSYS: this Xen has no hypercall %u (lab_print); "
               "it is not the lab build (tools/testbed/boot --xen lab)\n",
               __HYPERVISOR_lab_print);
    else if ( rc == -XEN_E2BIG )
        printk("labcall: -E2BIG: Xen takes at most %u bytes\n", LAB_PRINT_MAX);
    else if ( rc == -XEN_EFAULT )
        printk("labcall: -EFAULT: Xen could not read the text at that "
               "address (and carried on)\n");
    else
        printk("labcall: error %ld\n", rc);
}

void cmd_labcall(int argc, char **argv)
{
    static char text[LABCALL_TEXT_MAX + 1];
    size_t len;

    if ( argc == 2 && strcmp(argv[1], "--bad-pointer") == 0 )
    {
        report_labcall(HYPERVISOR_lab_print(LABCALL_BAD_POINTER, 8));
        return;
    }
    if ( argc == 2 && strcmp(argv[1], "--too-long") == 0 )
    {
        memset(text, 'x', LAB_PRINT_MAX + 1);
        report_labcall(HYPERVISOR_lab_print(text, LAB_PRINT_MAX + 1));
        return;
    }
    if ( argc < 2 || !join_words(argc, argv, 1, text, sizeof(text), &len) )
    {
        printk("usage: labcall TEXT | labcall --bad-pointer | "
               "labcall --too-long (TEXT: at most %u bytes)\n",
               LABCALL_TEXT_MAX);
        return;
    }
    report_labcall(HYPERVISOR_lab_print(text, len));
}

void cmd_trace(int argc, char **argv)
{
    int keys = 1;
    bool line = argc == 2 && strcmp(argv[1], "line") == 0;

    if ( argc > 2 || (argc == 2 && !line &&
                      (shell_parse_int(argv[1], &keys) || keys < 1 ||
                       keys > CONSOLE_TRACE_MAX_KEYS)) )
    {
        printk("usage: trace [KEYS | line]: follow the next KEYS keystrokes "
               "(1-%u, default 1) or the next line\n", CONSOLE_TRACE_MAX_KEYS);
        return;
    }
    if ( !console_trace_arm(line ? CONSOLE_TRACE_MAX_KEYS : (unsigned int)keys,
                            line, shell_redraw) )
    {
        printk("trace: the console ring is not in use; nothing to trace\n");
        return;
    }
    if ( line )
        printk("trace: armed for the next line; type it\n");
    else
        printk("trace: armed for the next %d keystroke(s); type them\n", keys);
}

void cmd_breakring(int argc, char **argv)
{
    printk("breakring: moving out_cons 4 KiB behind out_prod; from now on "
           "output goes to Xen's console (xl dmesg on the lab Xen)\n");
    console_flush();            /* that line reaches xenconsoled intact */
    console_lab_corrupt_ring();
    printk("breakring: this line was written after the ring broke\n");
}

void cmd_breaktimer(int argc, char **argv)
{
    printk("breaktimer: binding VIRQ_TIMER again, which Xen must refuse\n");
    timers_init();
}
