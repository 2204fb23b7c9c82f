/*
 * test_netfront.c: netfront's data path (netfront/netfront.c) against a
 * fake netback on the host: the grant table, pages, event channels,
 * timers and the main loop are stubs; kernel_idle() is the backend. It
 * takes our TX frames out of their (read-only) granted pages and hands
 * them to a second stack, the peer, and copies the peer's frames into
 * the RX buffers we posted, as request-rx-copy says. Checked: 64 buffers
 * posted at connect and the ring kept stocked; the peer's pings answered
 * at every size from the page they arrived in (no page lost or leaked);
 * tinypv's ping to the peer (ARP first); hostile answers (an RX id out of
 * range, a frame past its page, a flag not negotiated, a TX status not
 * allowed, rsp_prod past the requests) shut the interface down, said
 * once; a restore with frames in flight (lost, counted; buffers posted
 * again on the new rings); every grant and page given back at the end.
 * The system tests (tests/system/dom0/netfront.sh) prove it against
 * dom0's real netback.
 */
#include "../../netfront/netfront_priv.h"
#include <tinypv/gnttab.h>
#include <tinypv/mm.h>
#include <tinypv/clock.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"
#include "fake_frontend_env.h"

/* --- stubs: timers, the console (grants, pages, ports: fake_frontend_env.c) */

static int printed;
static uint64_t clock_ns;
static struct timer *armed;

void timer_arm(struct timer *t, uint64_t d, timer_fn fn, void *ctx)
{
    t->armed = true;
    t->deadline = d;
    t->fn = fn;
    t->ctx = ctx;
    armed = t;
}
void timer_cancel(struct timer *t)
{
    t->armed = false;
    if ( armed == t )
        armed = NULL;
}
uint64_t monotonic_ns(void) { return clock_ns; }
void control_message_printed(void) { }
int xenbus_switch_state(struct xenbus_device *d, XenbusState s) { return 0; }

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printed++;
}

/* --- the fake netback and the peer behind it -------------------------------- */

static const uint8_t our_mac[6] = { 0x00, 0x16, 0x3e, 0x7e, 0x00, 0x01 };
static const uint8_t peer_mac[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
#define OUR_IP  0xa9fe0102u
#define PEER_IP 0xa9fe0001u

static struct netfront *cur;
static struct xenbus_device dev;
static struct net_stack peer;
static uint32_t be_tx_cons, be_rx_cons, be_rx_prod;
static int hostile;         /* which misbehaviour, once */
static unsigned int peer_got, peer_intact, hold_tx;

/* The backend copies a frame into the next posted RX buffer. */
static bool deliver(const uint8_t *f, size_t len)
{
    netif_rx_sring_t *s = cur->rx_sring;
    netif_rx_request_t r;
    netif_rx_response_t *rsp;
    uint8_t *pg;

    if ( be_rx_cons == s->req_prod )
        return false;           /* no buffer: netback would drop it */
    r = s->ring[be_rx_cons % 256].req;
    be_rx_cons++;
    pg = fake_grants[r.gref];
    CHECK(pg != NULL && !fake_grant_ro[r.gref]);
    if ( !pg )
        abort();
    memcpy(pg, f, len);
    rsp = &s->ring[be_rx_prod % 256].rsp;
    rsp->id = r.id;
    rsp->offset = 0;
    rsp->flags = NETRXF_data_validated;
    rsp->status = (int16_t)len;
    switch ( hostile )
    {
    case 1: rsp->id = 200; break;
    case 2: rsp->offset = 4000; rsp->status = 200; break;
    case 3: rsp->flags = NETRXF_more_data; break;
    }
    be_rx_prod++;
    s->rsp_prod = hostile == 4 ? be_rx_prod + 70 : be_rx_prod;
    return true;
}

/* The backend takes our frames, answers OKAY, gives them to the peer. */
static void serve_tx(void)
{
    netif_tx_sring_t *s = cur->tx_sring;
    static uint8_t f[NET_FRAME_MAX + 64];

    while ( be_tx_cons != s->req_prod )
    {
        netif_tx_request_t r = s->ring[be_tx_cons % 256].req;
        netif_tx_response_t *rsp = &s->ring[be_tx_cons % 256].rsp;
        struct net_ping_reply pr;
        size_t out;

        CHECK(fake_grants[r.gref] != NULL && fake_grant_ro[r.gref]);
        CHECK(r.offset + r.size <= 4096 && r.size >= ETH_ZLEN);
        memcpy(f, (uint8_t *)fake_grants[r.gref] + r.offset, r.size);
        rsp->id = r.id;
        rsp->status = hostile == 5 ? 3 : NETIF_RSP_OKAY;
        be_tx_cons++;
        s->rsp_prod = be_tx_cons;
        switch ( net_input(&peer, f, r.size, sizeof(f), &out, &pr) )
        {
        case NET_PING_REPLY:
            peer_got++;
            peer_intact += pr.intact;
            break;
        case NET_REPLY:
            deliver(f, out);
            break;
        default:
            break;
        }
    }
}

void kernel_idle(void)
{
    clock_ns += 1000;
    if ( hold_tx )
        hold_tx--;
    else
        serve_tx();
    fake_kick(cur->port);
    if ( netfront_pending() )
        netfront_process();
    /* Time passes: a deadline that has come fires. */
    if ( armed && armed->armed && clock_ns >= armed->deadline )
    {
        struct timer *t = armed;

        armed = NULL;
        t->armed = false;
        t->fn(t, t->ctx);
    }
}

static void connect(void)
{
    cur = netfront_alloc("0");
    CHECK(cur != NULL);
    CHECK_STR(cur->name, "vif0");
    cur->dev = &dev;
    net_init(&cur->stack, our_mac);
    be_tx_cons = be_rx_cons = be_rx_prod = 0;
    CHECK_EQ(netfront_rings_setup(cur, 0), 0);
    CHECK_EQ(cur->book.rx.out, NETIF_RX_SLOTS);
    cur->state = NF_CONNECTING;
    netfront_connected(cur);
    netfront_take_addr(cur, OUR_IP, 16, "test");
    kernel_idle();
}

static void test_pinged(void)
{
    static uint8_t f[NET_FRAME_MAX];
    bool arp;
    int n, baseline_refs, baseline_pages;

    net_init(&peer, peer_mac);
    net_set_addr(&peer, PEER_IP, 16);
    connect();
    CHECK_EQ(fake_nrefs, 2 + NETIF_RX_SLOTS);
    /* ARP first, then pings at every size; each answered once. */
    n = net_build_ping(&peer, OUR_IP, 1, 0, 56, f, sizeof(f), &arp);
    CHECK(arp);
    CHECK(deliver(f, (size_t)n));
    kernel_idle();
    kernel_idle();
    CHECK_EQ(cur->stack.arp_replies, 1);
    CHECK_EQ(peer.arp_learned, 1);
    baseline_refs = fake_nrefs;
    baseline_pages = fake_pages_out;
    for ( unsigned int size = 0; size <= NET_PING_MAX; size++ )
    {
        n = net_build_ping(&peer, OUR_IP, 1, (uint16_t)size, size, f,
                           sizeof(f), &arp);
        CHECK(!arp && n > 0);
        CHECK(deliver(f, (size_t)n));
        kernel_idle();
        kernel_idle();
    }
    CHECK_EQ(peer_got, NET_PING_MAX + 1);
    CHECK_EQ(peer_intact, NET_PING_MAX + 1);
    CHECK_EQ(cur->stack.echo_replies, NET_PING_MAX + 1);
    /* The ring stays stocked; grants and pages come back to where they were. */
    CHECK_EQ(cur->book.rx.out, NETIF_RX_SLOTS);
    CHECK_EQ(cur->book.tx.out, 0);
    CHECK_EQ(fake_nrefs, baseline_refs);
    CHECK(fake_pages_out <= baseline_pages + 1);
    CHECK_EQ(cur->book.tx_frames, NET_PING_MAX + 2);

    /* A burst: 64 pings delivered before the backend takes any answer;
     * at most NETIF_TX_SLOTS answers can be out, the rest are counted. */
    hold_tx = 1;
    for ( unsigned int i = 0; i < NETIF_RX_SLOTS; i++ )
    {
        n = net_build_ping(&peer, OUR_IP, 2, (uint16_t)i, 100, f, sizeof(f), &arp);
        CHECK(deliver(f, (size_t)n));
    }
    kernel_idle();
    CHECK_EQ(cur->book.tx.out, NETIF_TX_SLOTS);
    CHECK_EQ(cur->stack.drops[NET_DROP_NO_BUFFER], NETIF_RX_SLOTS - NETIF_TX_SLOTS);
    kernel_idle();
    kernel_idle();
    CHECK_EQ(cur->book.tx.out, 0);
    CHECK_EQ(cur->book.rx.out, NETIF_RX_SLOTS);
    CHECK_EQ(fake_nrefs, baseline_refs);

    /* Frames that are not for us: dropped and counted, buffers reposted. */
    memset(f, 0xee, 100);
    CHECK(deliver(f, 100));
    kernel_idle();
    CHECK_EQ(cur->stack.drops[NET_DROP_NOT_US], 1);
    CHECK_EQ(cur->book.rx.out, NETIF_RX_SLOTS);
}

static void test_ping_out(void)
{
    uint64_t rtt = 0;

    /* tinypv pings the peer: ARP (the cache was reset by take_addr). */
    netfront_take_addr(cur, OUR_IP, 16, "test");
    CHECK_EQ(netfront_ping(cur, PEER_IP, 1, 56, 1000, &rtt, NULL), 0);
    CHECK_EQ(peer.arp_replies, 1);
    CHECK_EQ(peer.echo_replies, 1);
    CHECK_EQ(netfront_ping(cur, PEER_IP, 2, 1472, 1000, &rtt, NULL), 0);
    CHECK_EQ(netfront_ping(cur, PEER_IP, 3, 0, 1000, &rtt, NULL), 0);
    CHECK_EQ(peer.echo_replies, 3);
    CHECK_EQ(netfront_ping(cur, 0x0a000001u, 4, 0, 1000, &rtt, NULL), -EINVAL);
}

static void test_restore_and_free(void)
{
    static uint8_t f[NET_FRAME_MAX];
    bool arp;
    int n;

    /* A frame in flight when the domain is saved: lost, counted. */
    hold_tx = 3;
    n = net_build_ping(&peer, OUR_IP, 1, 9, 20, f, sizeof(f), &arp);
    CHECK(deliver(f, (size_t)n));
    fake_kick(cur->port);
    netfront_process();
    CHECK_EQ(cur->book.tx.out, 1);
    netfront_away(cur);
    CHECK_EQ(cur->state, NF_AWAY);
    CHECK_EQ(cur->tx_lost, 1);
    CHECK_EQ(fake_nrefs, 0);
    hold_tx = 0;
    /* The same device probed again: new rings, buffers posted again. */
    CHECK(netfront_alloc("0") == cur);
    cur->dev = &dev;
    be_tx_cons = be_rx_cons = be_rx_prod = 0;
    CHECK_EQ(netfront_rings_setup(cur, 0), 0);
    netfront_connected(cur);
    CHECK_EQ(cur->book.rx.out, NETIF_RX_SLOTS);
    n = net_build_ping(&peer, OUR_IP, 1, 10, 20, f, sizeof(f), &arp);
    CHECK(deliver(f, (size_t)n));
    kernel_idle();
    kernel_idle();
    CHECK_EQ(cur->stack.echo_replies, NET_PING_MAX + 1 + NETIF_RX_SLOTS + 2);
    netfront_free(cur);
    CHECK_EQ(fake_nrefs, 0);
    CHECK_EQ(fake_pages_out, 0);
}

static void test_hostile(void)
{
    static uint8_t f[NET_FRAME_MAX];
    bool arp;
    int n;

    for ( hostile = 1; hostile <= 5; hostile++ )
    {
        int before = printed;

        connect();
        n = net_build_ping(&peer, OUR_IP, 1, 1, 20, f, sizeof(f), &arp);
        CHECK(deliver(f, (size_t)n));
        kernel_idle();
        kernel_idle();
        CHECK_EQ(cur->state, NF_BROKEN);
        CHECK(strstr(cur->why, hostile == 4 ? "past the" :
                     hostile == 5 ? "unknown status" : "on RX") != NULL);
        /* Said once, whatever comes next. */
        CHECK(deliver(f, (size_t)n));
        kernel_idle();
        CHECK_EQ(printed, before + 2);      /* the address, the shutdown */
        netfront_free(cur);
        CHECK_EQ(fake_nrefs, 0);
        CHECK_EQ(fake_pages_out, 0);
    }
    hostile = 0;
}

int main(void)
{
    test_pinged();
    test_ping_out();
    test_restore_and_free();
    test_hostile();
    return check_summary("netfront");
}
