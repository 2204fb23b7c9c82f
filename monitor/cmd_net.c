/*
 * cmd_net.c: the monitor's `net` and `ping` commands, over netfront
 * (<tinypv/netfront.h>).
 *
 *   net                        every interface: state, MAC, address (and
 *                              where it came from), backend, frames and
 *                              bytes each way, what the stack answered,
 *                              and every drop by its reason
 *   ping ADDR [COUNT [SIZE]]   COUNT (4) echo requests of SIZE (56,
 *                              at most 1472) bytes, one a second; a line
 *                              per answer with its round trip, then
 *                              the loss and min/avg/max
 *
 * ping waits in the main loop (kernel_idle), so frames and the toolstack
 * are served meanwhile; ^C stops it.
 */
#include <monitor/net.h>
#include <monitor/shell.h>
#include <monitor/shell_parse.h>
#include <tinypv/netfront.h>
#include <tinypv/xs_proto.h>
#include <tinypv/kernel.h>
#include <tinypv/clock.h>
#include <tinypv/printk.h>
#include <lib/div64.h>
#include <lib/string.h>

#define PING_TIMEOUT_MS     1000
#define PING_INTERVAL_MS    1000
#define PING_COUNT_MAX      10000

static void print_addr(const struct netfront_info *in)
{
    char s[16];

    if ( !in->ip )
    {
        printk("no address (ip=ADDR/PREFIX on the command line, or ip= in "
               "the vif's config)");
        return;
    }
    net_format_ip(in->ip, s);
    printk("%s/%u (%s)", s, in->prefix, in->addr_from ? in->addr_from : "?");
}

static void list_one(struct netfront *nf, void *ctx)
{
    struct netfront_info in;
    const struct net_stack *s;
    uint64_t drops = 0;

    netfront_get_info(nf, &in);
    s = in.stack;
    (*(unsigned int *)ctx)++;
    printk("%s: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, ", in.name, in.state,
           in.mac[0], in.mac[1], in.mac[2], in.mac[3], in.mac[4], in.mac[5]);
    print_addr(&in);
    printk("\n  backend %s\n", in.backend ? in.backend : "(none)");
    printk("  rx %llu frames %llu bytes; tx %llu frames %llu bytes; tx errors "
           "%llu, lost %llu; %llu RX buffers posted; notifications %llu\n",
           (unsigned long long)in.rx_frames, (unsigned long long)in.rx_bytes,
           (unsigned long long)in.tx_frames, (unsigned long long)in.tx_bytes,
           (unsigned long long)in.tx_errors, (unsigned long long)in.tx_lost,
           (unsigned long long)in.rx_posted,
           (unsigned long long)in.notifications);
    printk("  answered: ARP %llu, echo %llu, UDP %llu; ping replies %llu; "
           "ARP learned %llu\n", (unsigned long long)s->arp_replies,
           (unsigned long long)s->echo_replies,
           (unsigned long long)s->udp_echoes,
           (unsigned long long)s->ping_replies,
           (unsigned long long)s->arp_learned);
    for ( unsigned int d = 0; d < NET_DROP_MAX; d++ )
        drops += s->drops[d];
    printk("  drops: %llu", (unsigned long long)drops);
    for ( unsigned int d = 0, first = 1; d < NET_DROP_MAX; d++ )
    {
        if ( !s->drops[d] )
            continue;
        printk("%s%s %llu", first ? " (" : ", ",
               net_drop_name((enum net_drop)d),
               (unsigned long long)s->drops[d]);
        first = 0;
    }
    printk("%s\n", drops ? ")" : "");
    if ( in.why )
        printk("  %s\n", in.why);
}

void cmd_net(int argc, char **argv)
{
    unsigned int n = 0;

    if ( argc > 1 )
    {
        printk("usage: net\n");
        return;
    }
    netfront_for_each(list_one, &n);
    printk("net: %u interface%s\n", n, n == 1 ? "" : "s");
}

/* "12.345" milliseconds from nanoseconds. */
static void print_ms(uint64_t ns)
{
    uint32_t rem;
    uint64_t us = div_u64_rem(ns, 1000, &rem);
    uint64_t ms = div_u64_rem(us, 1000, &rem);

    printk("%llu.%03u", (unsigned long long)ms, rem);
}

static void wake(struct timer *t, void *ctx)
{
    *(bool *)ctx = true;
}

/* Wait in the main loop until deadline (or ^C): the next ping's time. */
static void wait_until(uint64_t deadline)
{
    struct timer t = { .armed = false };
    bool done = false;

    if ( monotonic_ns() >= deadline )
        return;
    timer_arm(&t, deadline, wake, &done);
    while ( !done && !shell_interrupted() )
        kernel_idle();
    timer_cancel(&t);
}

void cmd_ping(int argc, char **argv)
{
    uint32_t dst;
    unsigned int prefix;
    int count = 4, size = 56;
    unsigned int sent = 0, got = 0;
    uint64_t min = ~0ULL, max = 0, sum = 0;
    struct netfront *nf = netfront_default();
    char s[16];

    if ( argc < 2 || argc > 4 || net_parse_addr(argv[1], &dst, &prefix) ||
         (argc > 2 && (shell_parse_int(argv[2], &count) || count < 1 ||
                       count > PING_COUNT_MAX)) ||
         (argc > 3 && (shell_parse_int(argv[3], &size) || size < 0 ||
                       size > NET_PING_MAX)) )
    {
        printk("usage: ping ADDR [COUNT [SIZE]]: COUNT 1..%u, SIZE 0..%u\n",
               PING_COUNT_MAX, NET_PING_MAX);
        return;
    }
    if ( !nf )
    {
        printk("ping: no network interface (`net`)\n");
        return;
    }
    net_format_ip(dst, s);
    for ( int seq = 1; seq <= count && !shell_interrupted(); seq++ )
    {
        uint64_t start = monotonic_ns(), rtt = 0;
        int rc = netfront_ping(nf, dst, (uint16_t)seq, (size_t)size,
                               PING_TIMEOUT_MS, &rtt, shell_interrupted);

        if ( rc == -EINTR )
            break;
        sent++;
        if ( rc == 0 )
        {
            got++;
            sum += rtt;
            min = rtt < min ? rtt : min;
            max = rtt > max ? rtt : max;
            printk("%d bytes from %s: seq=%d time=", size + 8, s, seq);
            print_ms(rtt);
            printk(" ms\n");
        }
        else if ( rc == -ETIMEDOUT )
            printk("seq=%d: no answer within %u ms\n", seq, PING_TIMEOUT_MS);
        else if ( rc == -EIO )
            printk("seq=%d: an answer with its payload changed\n", seq);
        else
        {
            printk("ping: %s: %s\n", s, rc == -ENODEV ? "the interface is "
                   "not connected" : rc == -EINVAL ? "not on our link (or "
                   "no address of ours)" : xs_strerror(rc));
            return;
        }
        if ( seq < count )
            wait_until(start + (uint64_t)PING_INTERVAL_MS * NSEC_PER_MSEC);
    }
    printk("ping: %s: %u sent, %u received, %u%% loss", s, sent, got,
           sent ? (sent - got) * 100 / sent : 0);
    if ( got )
    {
        uint32_t rem;

        printk("; min/avg/max ");
        print_ms(min);
        printk("/");
        print_ms(div_u64_rem(sum, got, &rem));
        printk("/");
        print_ms(max);
        printk(" ms");
    }
    printk("\n");
}
