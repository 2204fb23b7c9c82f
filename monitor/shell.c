/*
 * shell.c: the monitor's commands.
 *
 * Input arrives from the console in batches (console_process_input), goes
 * byte by byte through the line editor, and each finished line is split
 * into words and run here. The echo of a whole batch is announced to the
 * backend with one notification at the end, not one per key.
 */
#include <monitor/shell.h>
#include <monitor/shell_parse.h>
#include <monitor/line_editor.h>
#include <tinypv/console.h>
#include <tinypv/events.h>
#include <tinypv/hypervisor.h>
#include <monitor/info.h>
#include <tinypv/suspend.h>
#include <monitor/lab.h>
#include <monitor/mem.h>
#include <monitor/gnttab.h>
#include <monitor/disk.h>
#include <monitor/net.h>
#include <tinypv/xenbus.h>
#include <tinypv/printk.h>
#include <tinypv/shutdown.h>
#include <tinypv/crash.h>
#include <tinypv/platform.h>
#include <tinypv/control.h>
#include <tinypv/clock.h>
#include <lib/calendar.h>
#include <tinypv/xenstore.h>
#include <tinypv/balloon.h>
#include <tinypv/kernel.h>
#include <lib/string.h>
#include <xen/sched.h>

#define PROMPT "tinypv> "
#define CTRL_C 0x03
#define TYPEAHEAD_SIZE 1024

struct command {
    const char *name;
    const char *usage;
    const char *help;
    void (*run)(int argc, char **argv);
};

static const struct command commands[];
static struct line_editor editor;
static void run_line(char *line);

/*
 * Every byte typed goes through one queue, in order. While no command runs
 * the queue is emptied into the line editor at once. While a command runs
 * (sleep, say) the main loop keeps taking console input: it waits in the
 * queue, to be edited after the command, except a ^C, which interrupts the
 * command and is consumed by doing so. (Bytes that were already queued
 * behind the command's own line, as in pasted text, are input for after
 * it, ^C included.)
 *
 * The queue is never overrun: the console asks shell_room() before it
 * takes a batch from the ring, and while the queue is full it leaves the
 * input where it is (xenconsoled then stops reading the pty: backpressure,
 * all the way back to the typist) until process_queue() has made room and
 * called console_input_resume(). A ^C behind a full queue waits as well.
 */
static bool command_running;
static bool interrupt_requested;
static bool line_started;           /* the editor holds a line being typed */
static char queue[TYPEAHEAD_SIZE];
static size_t queue_head, queue_len;
static uint32_t queue_dropped;

/* --- the commands ---------------------------------------------------------- */

static void cmd_help(int argc, char **argv);

static void cmd_info(int argc, char **argv)
{
    arch_print_boot_info();
    info_print_mappings();
}

static void cmd_xen(int argc, char **argv)
{
    info_print_xen_details();
}

static void cmd_echo(int argc, char **argv)
{
    for ( int i = 1; i < argc; i++ )
        printk("%s%s", i > 1 ? " " : "", argv[i]);
    printk("\n");
}

static void print_port_stats(evtchn_port_t port, const char *name,
                             uint64_t count, void *ctx)
{
    printk("  port %u (%s): %llu events\n", port, name,
           (unsigned long long)count);
}

static void print_xenstore_stats(void)
{
    struct xenstore_stats xs;

    xenstore_get_stats(&xs);
    printk("xenstore: %s, %llu requests, %llu replies, %llu errors, "
           "%llu timeouts, %llu watch events (%llu coalesced)\n",
           xs.connected ? "connected" : "not connected",
           (unsigned long long)xs.requests, (unsigned long long)xs.replies,
           (unsigned long long)xs.errors, (unsigned long long)xs.timeouts,
           (unsigned long long)xs.watch_events,
           (unsigned long long)xs.events_coalesced);
}

static void print_suspend_stats(void)
{
    struct suspend_stats ss;

    suspend_get_stats(&ss);
    printk("suspend: %u suspends, %u restored in a new domain, %u resumed "
           "after a checkpoint or cancel, %u refused\n", ss.suspends,
           ss.restored, ss.cancelled, ss.refused);
}

static void print_balloon_stats(void)
{
    struct balloon_stats b;

    balloon_get_stats(&b);
    printk("balloon: %llu pages given back, %llu reclaimed; %llu "
           "decrease_reservation, %llu populate_physmap, %llu mmu_update, "
           "%llu multicalls; %llu errors; %llu targets taken, %llu refused\n",
           (unsigned long long)b.given, (unsigned long long)b.reclaimed,
           (unsigned long long)b.decrease_calls,
           (unsigned long long)b.populate_calls,
           (unsigned long long)b.mmu_update_calls,
           (unsigned long long)b.va_multicalls,
           (unsigned long long)b.errors, (unsigned long long)b.targets,
           (unsigned long long)b.refused);
}

static void cmd_stats(int argc, char **argv)
{
    struct console_stats st;

    console_get_stats(&st);
    printk("console output: %llu bytes, %llu notifications, %llu waits on a "
           "full ring, %u stalls, %llu bytes dropped\n",
           (unsigned long long)st.out.bytes,
           (unsigned long long)st.out.notifications,
           (unsigned long long)st.out.full_waits, st.out.stalls,
           (unsigned long long)st.out.dropped);
    printk("console input: %llu bytes, %llu notifications\n",
           (unsigned long long)st.in.bytes,
           (unsigned long long)st.in.notifications);
    printk("corrupt rings reported: %u%s\n", st.corrupt_reports,
           st.ring_in_use ? "" : " (output is on Xen's debug console)");
    print_xenstore_stats();
    print_suspend_stats();
    print_balloon_stats();
    printk("events: %llu upcalls\n", (unsigned long long)upcall_count());
    evtchn_for_each_bound(print_port_stats, NULL);
    arch_print_mm_stats();
}

/* `walk ADDR`: the page tables' translation of one address, per level. */
static void cmd_walk(int argc, char **argv)
{
    uint32_t va;

    if ( argc != 2 || shell_parse_address(argv[1], &va) )
    {
        printk("usage: walk ADDR: a virtual address, 0x hex (0xc0001000) or "
               "decimal, below 2^32\n");
        return;
    }
    arch_print_walk(va);
}

static void print_port_state(evtchn_port_t port, const char *name,
                             uint64_t count, void *ctx)
{
    printk("  %4u  %-10s %10llu  %-7s  %-6s  %llu\n", port, name,
           (unsigned long long)count, evtchn_is_pending(port) ? "yes" : "no",
           evtchn_is_masked(port) ? "yes" : "no",
           (unsigned long long)evtchn_hold_count(port));
}

/* The dispatcher counts a listening port's events; nothing else to do. */
static void listen_event(evtchn_port_t port, void *ctx)
{
}

/*
 * `evtchn listen DOMID [N]`: N ports (1 to 32) that domain DOMID may bind
 * to and send on (a test peer, say: tests/system/dom0/evflood.c floods
 * them).
 */
#define LISTEN_MAX 32

static void evtchn_listen(int argc, char **argv)
{
    evtchn_port_t port;
    int domid, n = 1;
    long rc;

    if ( shell_parse_int(argv[2], &domid) || domid < 0 ||
         domid >= (int)DOMID_FIRST_RESERVED ||
         (argc == 4 && (shell_parse_int(argv[3], &n) || n < 1 ||
                        n > LISTEN_MAX)) )
    {
        printk("usage: evtchn listen DOMID [N]: N from 1 to %u\n",
               LISTEN_MAX);
        return;
    }
    while ( n-- > 0 )
    {
        rc = evtchn_alloc_unbound((domid_t)domid, &port);
        if ( rc )
        {
            printk("evtchn: EVTCHNOP_alloc_unbound failed (error %ld)\n", rc);
            return;
        }
        if ( evtchn_bind_handler(port, listen_event, NULL, "listen") )
        {
            printk("evtchn: port %u is out of range or taken\n", port);
            return;
        }
        printk("evtchn: port %u listens to domain %d\n", port, domid);
    }
}

static void cmd_evtchn(int argc, char **argv)
{
    if ( (argc == 3 || argc == 4) && strcmp(argv[1], "listen") == 0 )
    {
        evtchn_listen(argc, argv);
        return;
    }
    if ( argc != 1 )
    {
        printk("usage: evtchn [listen DOMID [N]]\n");
        return;
    }
    printk("  port  name           events  pending  masked  held\n");
    evtchn_for_each_bound(print_port_state, NULL);
}

static void cmd_uptime(int argc, char **argv)
{
    uint32_t ns;
    uint64_t s = div_u64_rem(uptime_ns(), (uint32_t)NSEC_PER_SEC, &ns);

    printk("up %llu.%09u s\n", (unsigned long long)s, ns);
}

static void cmd_date(int argc, char **argv)
{
    uint64_t sec;
    uint32_t nsec;
    struct utc_time t;

    wallclock_now(&sec, &nsec);
    unix_to_utc(sec, &t);
    printk("%04u-%02u-%02uT%02u:%02u:%02u.%03uZ\n", t.year, t.month, t.day,
           t.hour, t.minute, t.second, nsec / 1000000);
}

/* The timer callback only has to exist: waking the loop is the point. */
static void sleep_done(struct timer *t, void *ctx)
{
    *(bool *)ctx = true;
}

static void cmd_sleep(int argc, char **argv)
{
    uint64_t ns;
    struct timer timer = { .armed = false };
    bool done = false;

    if ( argc != 2 || shell_parse_duration(argv[1], &ns) )
    {
        printk("usage: sleep SECONDS: a number such as 2 or 0.5, at most %u\n",
               SHELL_DURATION_MAX_S);
        return;
    }
    /* Nothing would ever end the wait: say so instead of hanging. */
    if ( !timers_available() )
    {
        printk("sleep: no timer (VIRQ_TIMER could not be bound); not "
               "sleeping\n");
        return;
    }
    timer_arm(&timer, monotonic_ns() + ns, sleep_done, &done);
    while ( !done && !interrupt_requested )
        kernel_idle();
    timer_cancel(&timer);
    if ( !done )
        printk("sleep: interrupted\n");
}

/* --- xenstore -------------------------------------------------------------- */

static void xs_report(const char *op, const char *path, int rc)
{
    printk("xs %s %s: %s\n", op, path, xs_strerror(rc));
}

static void xs_do_read(const char *path)
{
    static char value[XENSTORE_PAYLOAD_MAX + 1];
    int rc = xs_read(path, value, sizeof(value));

    if ( rc < 0 )
        xs_report("read", path, rc);
    else
        printk("%s\n", value);
}

static void xs_do_ls(const char *path)
{
    static char names[XENSTORE_PAYLOAD_MAX + 1];
    int rc = xs_directory(path, names, sizeof(names));

    if ( rc < 0 )
    {
        xs_report("ls", path, rc);
        return;
    }
    for ( const char *name = names; *name; name += strlen(name) + 1 )
        printk("%s\n", name);
}

/* xenbus: the bus's devices (xenbus/xenbus.c prints them). */
static void cmd_xenbus(int argc, char **argv)
{
    xenbus_show();
}

static void cmd_xs(int argc, char **argv)
{
    const char *op = argc > 1 ? argv[1] : "";
    int rc;

    if ( argc == 3 && strcmp(op, "read") == 0 )
        xs_do_read(argv[2]);
    else if ( argc == 3 && strcmp(op, "ls") == 0 )
        xs_do_ls(argv[2]);
    else if ( argc == 3 && strcmp(op, "rm") == 0 )
    {
        if ( (rc = xs_rm(argv[2])) < 0 )
            xs_report("rm", argv[2], rc);
    }
    else if ( argc == 4 && strcmp(op, "write") == 0 )
    {
        if ( (rc = xs_write(argv[2], argv[3])) < 0 )
            xs_report("write", argv[2], rc);
    }
    else
        printk("usage: xs read PATH | xs write PATH VALUE | xs ls PATH | "
               "xs rm PATH\n       (a PATH without a leading / is under "
               "/local/domain/%d)\n", xs_domid());
}

static void cmd_clear(int argc, char **argv)
{
    printk("\033[H\033[2J");
}

static void cmd_poweroff(int argc, char **argv)
{
    int reason = SHUTDOWN_poweroff;

    if ( argc > 2 || (argc == 2 && (shell_parse_int(argv[1], &reason) ||
                                    reason < 0 || reason > SHUTDOWN_watchdog ||
                                    reason == SHUTDOWN_suspend)) )
    {
        printk("usage: poweroff [CODE]: CODE is Xen's shutdown reason, "
               "0 poweroff, 1 reboot, 3 crash or 4 watchdog\n");
        return;
    }
    printk("tinypv: shutting down (reason: %s)\n",
           shutdown_reason_name((unsigned int)reason));
    shutdown((unsigned int)reason);
}

static void cmd_reboot(int argc, char **argv)
{
    printk("tinypv: rebooting\n");
    reboot();
}

static void cmd_crash(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "pagefault";

    if ( argc > 2 || !trigger_fault(kind) )
        printk("usage: crash [KIND]: KIND is one of %s%s\n", fault_kinds,
               arch_fault_kinds);
}

static const struct command commands[] = {
    { "help",     "",          "list the commands",                cmd_help },
    { "info",     "",          "boot data from Xen, and what tinypv mapped", cmd_info },
    { "xen",      "",          "Xen's version, capabilities and build", cmd_xen },
    { "echo",     "[WORDS]",   "print the words",                  cmd_echo },
    { "stats",    "",          "console, event, ring and mmu counters", cmd_stats },
    { "walk",     "ADDR",      "how the page tables translate ADDR, level by level", cmd_walk },
    { "evtchn",   "[listen]",  "event channels in use; listen DOMID [N]: ports DOMID may send on", cmd_evtchn },
    { "uptime",   "",          "time since tinypv started",        cmd_uptime },
    { "date",     "",          "the time now (UTC, ISO 8601)",     cmd_date },
    { "sleep",    "SECONDS",   "wait (fractions allowed; ^C interrupts)", cmd_sleep },
    { "xs",       "OP PATH", "xenstore: read, write, ls, rm",    cmd_xs },
    { "clear",    "",          "clear the screen",                 cmd_clear },
    { "poweroff", "[CODE]",    "shut down (CODE: Xen shutdown reason, 0)", cmd_poweroff },
    { "reboot",   "",          "ask the toolstack for a reboot",   cmd_reboot },
    { "mem",      "",          "pages: free, used, taken by whom, given back; Xen's view", cmd_mem },
    { "memtest",  "",          "write and check every free page; MiB/s", cmd_memtest },
    { "gnttab",   "[grant|end|release]", "grant table; grant DOMID [ro]: a test page; end/release REF", cmd_gnttab },
    { "xenbus",   "",          "devices: frontend and backend states, backend, driver's view", cmd_xenbus },
    { "disk",     "[OP DEV ...]", "disks; read DEV SECTOR [N], write DEV SECTOR TEXT, cksum DEV [N], bench DEV", cmd_disk },
    { "net",      "",          "network interfaces: MAC, address, frames and bytes each way, drops and why", cmd_net },
    { "ping",     "ADDR [COUNT] [SIZE]", "ICMP echo requests to ADDR (COUNT 4, SIZE 56 bytes): times", cmd_ping },
    { "crash",    "[KIND]",    "fault on purpose to show the crash path", cmd_crash },
    { "labcall",  "TEXT",      "lab: Xen prints TEXT in its log (-ENOSYS without the lab patch)", cmd_labcall },
    { "trace",    "[N|line]",  "lab: show how the next N keys travel through the console", cmd_trace },
    { "breakring", "",         "lab: corrupt the console ring; output falls back to Xen's console", cmd_breakring },
    { "breaktimer", "",        "lab: bind VIRQ_TIMER again; Xen refuses, and timers are off", cmd_breaktimer },
    { NULL, NULL, NULL, NULL },
};

static void cmd_help(int argc, char **argv)
{
    for ( const struct command *c = commands; c->name; c++ )
        printk("  %-8s %-8s  %s\n", c->name, c->usage, c->help);
}

/* --- running lines --------------------------------------------------------- */

void shell_execute(char *line)
{
    char *argv[SHELL_MAX_ARGS + 1];
    int argc;
    enum shell_split_status status = shell_split(line, &argc, argv,
                                                 SHELL_MAX_ARGS);

    if ( status != SPLIT_OK )
    {
        printk("error: %s\n", shell_split_error(status));
        return;
    }
    if ( argc == 0 )
        return;
    for ( const struct command *c = commands; c->name; c++ )
    {
        if ( strcmp(argv[0], c->name) == 0 )
        {
            c->run(argc, argv);
            return;
        }
    }
    printk("unknown command '%s' (try 'help')\n", argv[0]);
}

void shell_run_script(const char *script)
{
    static char copy[1024];
    char *cursor = copy, *command;
    size_t len = strnlen(script, sizeof(copy));

    if ( len == sizeof(copy) )
    {
        printk("run: script longer than %u bytes, not run\n",
               (unsigned int)sizeof(copy) - 1);
        return;
    }
    memcpy(copy, script, len + 1);
    while ( (command = shell_next_command(&cursor)) != NULL )
    {
        printk(PROMPT "%s\n", command);
        run_line(command);
    }
}

/* --- interactive input ------------------------------------------------------ */

static void editor_echo(void *ctx, const char *s, size_t n)
{
    console_put(s, n);
}

bool shell_interrupted(void)
{
    return interrupt_requested;
}

static void run_line(char *line)
{
    command_running = true;
    interrupt_requested = false;
    shell_execute(line);
    command_running = false;
}

/* Feed one byte to the line editor; run the line if it completes. */
static void edit_byte(uint8_t c)
{
    enum line_status status = line_editor_feed(&editor, c);

    line_started = status == LINE_EDITING;
    switch ( status )
    {
    case LINE_READY:
        run_line(editor.line);
        console_put(PROMPT, sizeof(PROMPT) - 1);
        break;
    case LINE_CANCELLED:
        console_put(PROMPT, sizeof(PROMPT) - 1);
        break;
    case LINE_TOO_LONG:
        printk("error: line longer than %u bytes, ignored\n", LINE_EDITOR_MAX);
        console_put(PROMPT, sizeof(PROMPT) - 1);
        break;
    case LINE_EDITING:
        break;
    }
}

static void queue_push(char c)
{
    if ( queue_len == sizeof(queue) )
    {
        queue_dropped++;
        return;
    }
    queue[(queue_head + queue_len) % sizeof(queue)] = c;
    queue_len++;
}

static char queue_pop(void)
{
    char c = queue[queue_head];

    queue_head = (queue_head + 1) % sizeof(queue);
    queue_len--;
    return c;
}

/* Room left in the queue: the console never hands us more. */
static size_t shell_room(void *ctx)
{
    return sizeof(queue) - queue_len;
}

/* Edit what is queued, unless a command is running (it will come back). */
static void process_queue(void)
{
    while ( queue_len && !command_running )
        edit_byte((uint8_t)queue_pop());
    if ( queue_len < sizeof(queue) )
        console_input_resume();     /* input held back in the ring: go on */
    if ( queue_dropped && !command_running )
    {
        printk("\nshell: %u typed bytes dropped: typeahead buffer full\n",
               queue_dropped);
        queue_dropped = 0;
        console_put(PROMPT, sizeof(PROMPT) - 1);
    }
}

static void shell_input(void *ctx, const char *buf, size_t n)
{
    for ( size_t i = 0; i < n; i++ )
    {
        if ( command_running && buf[i] == CTRL_C )
            interrupt_requested = true;
        else
            queue_push(buf[i]);
    }
    process_queue();
    console_kick();
}

void shell_start(void)
{
    line_editor_init(&editor, editor_echo, NULL);
    console_set_input_handler(shell_input, NULL);
    console_set_input_room(shell_room);
    control_set_message_hook(shell_redraw);
}

void shell_redraw(void)
{
    if ( command_running )
        return;                 /* the command's own output continues */
    console_put(PROMPT, sizeof(PROMPT) - 1);
    if ( line_started )
        console_put(editor.line, editor.len);
    console_kick();
}

void shell_prompt(void)
{
    console_put(PROMPT, sizeof(PROMPT) - 1);
    process_queue();            /* typed while the boot script ran */
    console_kick();
}
