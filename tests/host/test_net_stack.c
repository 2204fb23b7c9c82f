/*
 * test_net_stack.c: the tiny IPv4 stack (net/net_stack.c): checksums
 * against a plain reference, addresses parsed, a ping from one stack
 * answered by another and the answer recognised, UDP echo on port 7, ARP
 * answered and learned (and the cache's eviction), and every malformed
 * frame dropped under its reason: truncated at every length, bad
 * checksums, fragments, other hosts, other ports, other protocols.
 */
#include <tinypv/net.h>
#include <tinypv/xs_proto.h>
#include <stdlib.h>
#include "check.h"

#define IP_A    0xa9fe0102u     /* 169.254.1.2 */
#define IP_B    0xa9fe0001u     /* 169.254.0.1 */

static const uint8_t mac_a[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };

/* The reference: RFC 1071 the slow way. */
static uint16_t ref_csum(const uint8_t *p, size_t n, uint32_t sum)
{
    for ( size_t i = 0; i < n; i++ )
        sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
    while ( sum >> 16 )
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void setup(struct net_stack *a, struct net_stack *b)
{
    net_init(a, mac_a);
    net_init(b, mac_b);
    CHECK_EQ(net_set_addr(a, IP_A, 16), 0);
    CHECK_EQ(net_set_addr(b, IP_B, 16), 0);
}

static void test_csum(void)
{
    uint8_t d[1501];

    for ( size_t i = 0; i < sizeof(d); i++ )
        d[i] = (uint8_t)(rand() & 0xff);
    for ( size_t n = 0; n <= sizeof(d); n += 1 + n / 7 )
        CHECK_EQ((uint16_t)~net_csum_fold(net_csum_add(0, d, n)),
                 ref_csum(d, n, 0));
    memset(d, 0xff, sizeof(d));
    CHECK_EQ((uint16_t)~net_csum_fold(net_csum_add(0, d, sizeof(d))),
             ref_csum(d, sizeof(d), 0));
}

static void test_addr(void)
{
    uint32_t ip = 0;
    unsigned int p = 0;
    char s[16];

    CHECK_EQ(net_parse_addr("169.254.1.2/16", &ip, &p), 0);
    CHECK_EQ(ip, IP_A);
    CHECK_EQ(p, 16);
    CHECK_EQ(net_parse_addr("169.254.0.1", &ip, &p), 0);
    CHECK_EQ(p, 16);
    CHECK_EQ(net_parse_addr("169.254.0.1/32", &ip, &p), 0);
    CHECK_EQ(p, 32);
    CHECK_EQ(net_parse_addr("169.254.0.1/0", &ip, &p), -EINVAL);
    CHECK_EQ(net_parse_addr("169.254.0.1/33", &ip, &p), -EINVAL);
    CHECK_EQ(net_parse_addr("169.254.0.256", &ip, &p), -EINVAL);
    CHECK_EQ(net_parse_addr("169.254.0", &ip, &p), -EINVAL);
    CHECK_EQ(net_parse_addr("169.254.0.1.", &ip, &p), -EINVAL);
    CHECK_EQ(net_parse_addr("0169.254.0.1", &ip, &p), -EINVAL);
    CHECK_EQ(net_parse_addr("0.0.0.0", &ip, &p), -EINVAL);
    CHECK_EQ(net_parse_addr("", &ip, &p), -EINVAL);
    CHECK_EQ(net_parse_addr(NULL, &ip, &p), -EINVAL);
    net_format_ip(IP_A, s);
    CHECK_STR(s, "169.254.1.2");
    net_format_ip(0, s);
    CHECK_STR(s, "0.0.0.0");
    net_format_ip(0xffffffffu, s);
    CHECK_STR(s, "255.255.255.255");
}

/* a pings b: ARP first, then the echo, answered, recognised. */
static void test_ping(void)
{
    struct net_stack a, b;
    static uint8_t buf[NET_FRAME_MAX + 64];
    struct net_ping_reply pr;
    size_t out;
    bool arp;
    int n;

    setup(&a, &b);
    n = net_build_ping(&a, IP_B, 7, 1, 56, buf, sizeof(buf), &arp);
    CHECK(arp);
    CHECK_EQ(n, ETH_ZLEN);
    /* b answers the ARP request and learns a. */
    CHECK_EQ(net_input(&b, buf, (size_t)n, sizeof(buf), &out, &pr), NET_REPLY);
    CHECK_EQ(b.arp_replies, 1);
    CHECK_EQ(out, ETH_ZLEN);
    CHECK(memcmp(buf, mac_a, 6) == 0);
    CHECK_EQ(net_input(&a, buf, out, sizeof(buf), &out, &pr), NET_CONSUMED);
    CHECK_EQ(a.arp_learned, 1);

    for ( size_t size = 0; size <= NET_PING_MAX; size += (size < 64 ? 1 : 97) )
    {
        n = net_build_ping(&a, IP_B, 7, (uint16_t)size, size, buf,
                           sizeof(buf), &arp);
        CHECK(!arp);
        CHECK_EQ(n, size + 42 < ETH_ZLEN ? ETH_ZLEN : size + 42);
        /* The checksums, against the reference. */
        CHECK_EQ(ref_csum(buf + 14, 20, 0), 0);
        CHECK_EQ(ref_csum(buf + 34, 8 + size, 0), 0);
        CHECK_EQ(net_input(&b, buf, (size_t)n, sizeof(buf), &out, &pr),
                 NET_REPLY);
        CHECK_EQ(out, (size_t)n);
        CHECK_EQ(ref_csum(buf + 14, 20, 0), 0);
        CHECK_EQ(ref_csum(buf + 34, 8 + size, 0), 0);
        memset(&pr, 0, sizeof(pr));
        CHECK_EQ(net_input(&a, buf, out, sizeof(buf), &out, &pr),
                 NET_PING_REPLY);
        CHECK_EQ(pr.from, IP_B);
        CHECK_EQ(pr.id, 7);
        CHECK_EQ(pr.seq, (uint16_t)size);
        CHECK_EQ(pr.payload, size);
        CHECK(pr.intact);
    }
    CHECK_EQ(b.echo_replies, a.ping_replies);

    /* Not on our link, no address, too big. */
    CHECK_EQ(net_build_ping(&a, 0x0a000001u, 1, 1, 1, buf, sizeof(buf), &arp),
             -EINVAL);
    CHECK_EQ(net_build_ping(&a, 0xa9feffffu, 1, 1, 1, buf, sizeof(buf), &arp),
             -EINVAL);
    CHECK_EQ(net_build_ping(&a, IP_A, 1, 1, 1, buf, sizeof(buf), &arp),
             -EINVAL);
    CHECK_EQ(net_build_ping(&a, IP_B, 1, 1, NET_PING_MAX + 1, buf,
                            sizeof(buf), &arp), -EINVAL);
    net_set_addr(&a, 0, 0);
    CHECK_EQ(net_build_ping(&a, IP_B, 1, 1, 1, buf, sizeof(buf), &arp),
             -EINVAL);
}

/* A UDP datagram from b (IP_B:port) to a:dport, checksummed or not. */
static size_t udp_frame(uint8_t *buf, uint16_t dport, size_t n, bool csum)
{
    uint8_t *ip = buf + 14, *u = ip + 20;
    uint32_t ps;

    memcpy(buf, mac_a, 6);
    memcpy(buf + 6, mac_b, 6);
    buf[12] = 0x08, buf[13] = 0x00;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)((28 + n) >> 8), ip[3] = (uint8_t)(28 + n);
    ip[8] = 64, ip[9] = 17;
    ip[12] = 0xa9, ip[13] = 0xfe, ip[14] = 0x00, ip[15] = 0x01;
    ip[16] = 0xa9, ip[17] = 0xfe, ip[18] = 0x01, ip[19] = 0x02;
    {
        uint16_t c = ref_csum(ip, 20, 0);
        ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
    }
    u[0] = 0x9c, u[1] = 0x40;
    u[2] = (uint8_t)(dport >> 8), u[3] = (uint8_t)dport;
    u[4] = (uint8_t)((8 + n) >> 8), u[5] = (uint8_t)(8 + n);
    u[6] = u[7] = 0;
    for ( size_t i = 0; i < n; i++ )
        u[8 + i] = (uint8_t)(i * 13 + 5);
    if ( csum )
    {
        uint16_t c;

        ps = 0xa9fe + 0x0001 + 0xa9fe + 0x0102 + 17 + (uint32_t)(8 + n);
        c = ref_csum(u, 8 + n, ps);
        if ( c == 0 )
            c = 0xffff;
        u[6] = (uint8_t)(c >> 8), u[7] = (uint8_t)c;
    }
    return 14 + 28 + n;
}

static void test_udp(void)
{
    struct net_stack a, b;
    static uint8_t buf[NET_FRAME_MAX + 64];
    struct net_ping_reply pr;
    size_t out, len;

    setup(&a, &b);
    for ( size_t n = 0; n <= 1472; n += (n < 40 ? 1 : 71) )
    {
        len = udp_frame(buf, 7, n, n & 1);
        CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_REPLY);
        CHECK_EQ(out, len < ETH_ZLEN ? ETH_ZLEN : len);
        CHECK(memcmp(buf, mac_b, 6) == 0 && memcmp(buf + 6, mac_a, 6) == 0);
        CHECK_EQ(ref_csum(buf + 14, 20, 0), 0);
        CHECK(buf + 26 && buf[26] == 0xa9 && buf[29] == 0x02);   /* from a */
        CHECK(buf[30] == 0xa9 && buf[33] == 0x01);               /* to b */
        CHECK(buf[34] == 0 && buf[35] == 7 && buf[36] == 0x9c && buf[37] == 0x40);
        CHECK_EQ(ref_csum(buf + 34, 8 + n, 0xa9fe + 0x0102 + 0xa9fe + 0x0001 +
                          17 + (uint32_t)(8 + n)), 0);
        for ( size_t i = 0; i < n; i++ )
            if ( buf[42 + i] != (uint8_t)(i * 13 + 5) )
            {
                CHECK(!"payload changed");
                break;
            }
    }
    CHECK_EQ(a.udp_echoes, 1 + 40 + (1472 - 40) / 71);

    len = udp_frame(buf, 9, 10, true);
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_UDP_PORT], 1);
    len = udp_frame(buf, 7, 10, true);
    buf[45] ^= 1;
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_UDP_CSUM], 1);
    len = udp_frame(buf, 7, 10, false);
    buf[39] = 200;                          /* UDP length past the packet */
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_UDP_BAD], 1);
    len = udp_frame(buf, 7, 10, false);
    buf[39] = 7;                            /* shorter than its header */
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_UDP_BAD], 2);
}

static void recsum_ip(uint8_t *buf)
{
    uint16_t c;

    buf[24] = buf[25] = 0;
    c = ref_csum(buf + 14, (size_t)(buf[14] & 0xf) * 4, 0);
    buf[24] = (uint8_t)(c >> 8), buf[25] = (uint8_t)c;
}

static void test_malformed(void)
{
    struct net_stack a, b;
    static uint8_t good[NET_FRAME_MAX], buf[NET_FRAME_MAX + 64];
    struct net_ping_reply pr;
    size_t out, len;
    uint64_t total;
    bool arp;

    setup(&a, &b);
    len = udp_frame(good, 7, 100, true);

    /* Every truncation is dropped, never answered. */
    for ( size_t n = 0; n < len; n++ )
    {
        uint8_t *t = malloc(n < ETH_ZLEN ? ETH_ZLEN : n);

        memcpy(t, good, n);
        CHECK(net_input(&a, t, n, n < ETH_ZLEN ? ETH_ZLEN : n, &out, &pr) ==
              NET_DROPPED);
        free(t);
    }
    total = 0;
    for ( unsigned int d = 0; d < NET_DROP_MAX; d++ )
        total += a.drops[d];
    CHECK_EQ(total, len);
    /* Size smaller than a minimum frame: refused whatever len says. */
    CHECK_EQ(net_input(&a, buf, 20, 40, &out, &pr), NET_DROPPED);
    CHECK_EQ(net_input(&a, buf, 100, 60, &out, &pr), NET_DROPPED);

    memset(a.drops, 0, sizeof(a.drops));
    memcpy(buf, good, len);
    buf[0] = 0x02;
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_NOT_US], 1);
    memcpy(buf, good, len);
    buf[12] = 0x86, buf[13] = 0xdd;
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_ETHERTYPE], 1);
    memcpy(buf, good, len);
    buf[24] ^= 0x10;
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_IP_CSUM], 1);
    memcpy(buf, good, len);
    buf[14] = 0x65;                                     /* version 6 */
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    memcpy(buf, good, len);
    buf[14] = 0x44;                                     /* IHL 4 */
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    memcpy(buf, good, len);
    buf[16] = 0x10;                                     /* total > frame */
    recsum_ip(buf);
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_IP_BAD], 3);
    memcpy(buf, good, len);
    buf[20] = 0x20;                                     /* MF */
    recsum_ip(buf);
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    memcpy(buf, good, len);
    buf[21] = 0x01;                                     /* an offset */
    recsum_ip(buf);
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_FRAGMENT], 2);
    memcpy(buf, good, len);
    buf[33] = 0x03;                                     /* another host */
    recsum_ip(buf);
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_IP_OTHER], 1);
    memcpy(buf, good, len);
    buf[23] = 6;                                        /* TCP */
    recsum_ip(buf);
    CHECK_EQ(net_input(&a, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_PROTO], 1);

    /* IP options are dropped from the answer; the payload survives. */
    memcpy(buf, good, 34);
    buf[14] = 0x46;
    buf[16] = 0, buf[17] = (uint8_t)(len - 14 + 4);
    buf[34] = 1, buf[35] = 1, buf[36] = 1, buf[37] = 0;     /* NOP NOP NOP END */
    memcpy(buf + 38, good + 34, len - 34);
    recsum_ip(buf);
    CHECK_EQ(net_input(&a, buf, len + 4, sizeof(buf), &out, &pr), NET_REPLY);
    CHECK_EQ(out, len);
    CHECK_EQ(buf[14], 0x45);
    CHECK_EQ(ref_csum(buf + 14, 20, 0), 0);
    CHECK(memcmp(buf + 42, good + 42, len - 42) == 0);

    /* ICMP: bad checksum, a type we do not answer, truncated header. */
    memset(b.drops, 0, sizeof(b.drops));
    net_build_ping(&a, IP_B, 1, 1, 8, buf, sizeof(buf), &arp);
    CHECK(arp);                          /* a has not met b yet */
    net_input(&b, buf, ETH_ZLEN, sizeof(buf), &out, &pr);
    net_input(&a, buf, out, sizeof(buf), &out, &pr);
    len = (size_t)net_build_ping(&a, IP_B, 1, 1, 8, buf, sizeof(buf), &arp);
    CHECK(!arp);
    buf[45] ^= 0xff;
    CHECK_EQ(net_input(&b, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(b.drops[NET_DROP_ICMP_CSUM], 1);
    len = (size_t)net_build_ping(&a, IP_B, 1, 1, 8, buf, sizeof(buf), &arp);
    buf[34] = 13;                        /* a timestamp request */
    buf[36] = buf[37] = 0;
    {
        uint16_t c = ref_csum(buf + 34, 16, 0);
        buf[36] = (uint8_t)(c >> 8), buf[37] = (uint8_t)c;
    }
    CHECK_EQ(net_input(&b, buf, len, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(b.drops[NET_DROP_ICMP_BAD], 1);

    /* A changed payload in a reply is seen. */
    len = (size_t)net_build_ping(&a, IP_B, 1, 5, 64, buf, sizeof(buf), &arp);
    CHECK_EQ(net_input(&b, buf, len, sizeof(buf), &out, &pr), NET_REPLY);
    {                                    /* the checksum cannot see a swap */
        uint8_t t = buf[50];
        buf[50] = buf[52], buf[52] = t;
    }
    CHECK_EQ(net_input(&a, buf, out, sizeof(buf), &out, &pr), NET_PING_REPLY);
    CHECK(!pr.intact);
}

static void test_arp(void)
{
    struct net_stack a, b;
    static uint8_t buf[NET_FRAME_MAX];
    struct net_ping_reply pr;
    uint8_t mac[6];
    size_t out;
    bool arp;

    setup(&a, &b);
    /* b asks for another host: a stays quiet. */
    net_build_ping(&b, IP_A + 1, 1, 1, 0, buf, sizeof(buf), &arp);
    CHECK(arp);
    CHECK_EQ(net_input(&a, buf, ETH_ZLEN, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_ARP_OTHER], 1);
    /* Truncated, wrong hardware type. */
    net_build_ping(&b, IP_A, 1, 1, 0, buf, sizeof(buf), &arp);
    CHECK_EQ(net_input(&a, buf, 41, sizeof(buf), &out, &pr), NET_DROPPED);
    buf[15] = 6;
    CHECK_EQ(net_input(&a, buf, ETH_ZLEN, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_ARP_BAD], 2);
    /* Without an address nothing is answered. */
    net_set_addr(&a, 0, 0);
    net_build_ping(&b, IP_A, 1, 1, 0, buf, sizeof(buf), &arp);
    CHECK_EQ(net_input(&a, buf, ETH_ZLEN, sizeof(buf), &out, &pr), NET_DROPPED);
    CHECK_EQ(a.drops[NET_DROP_NO_ADDR], 1);

    /* The cache: NET_ARP_ENTRIES hosts, then the least recently used goes. */
    net_set_addr(&a, IP_A, 16);
    for ( unsigned int i = 0; i <= NET_ARP_ENTRIES; i++ )
    {
        struct net_stack h;
        uint8_t hm[6] = { 0x02, 0, 0, 0, 0, (uint8_t)i };

        net_init(&h, hm);
        net_set_addr(&h, IP_B + i, 16);
        net_build_ping(&h, IP_A, 1, 1, 0, buf, sizeof(buf), &arp);
        CHECK_EQ(net_input(&a, buf, ETH_ZLEN, sizeof(buf), &out, &pr),
                 NET_REPLY);
        if ( i == NET_ARP_ENTRIES - 1 )
            CHECK(net_arp_lookup(&a, IP_B, mac));   /* 0 used: 1 is LRU */
    }
    CHECK(net_arp_lookup(&a, IP_B, mac));
    CHECK_EQ(mac[5], 0);
    CHECK(!net_arp_lookup(&a, IP_B + 1, mac));
    CHECK(net_arp_lookup(&a, IP_B + NET_ARP_ENTRIES, mac));
    CHECK_EQ(mac[5], NET_ARP_ENTRIES);
    CHECK(!net_arp_lookup(&a, 0, mac));
}

static void test_names(void)
{
    for ( unsigned int d = 0; d < NET_DROP_MAX; d++ )
        CHECK(net_drop_name((enum net_drop)d) != NULL &&
              strcmp(net_drop_name((enum net_drop)d), "?") != 0);
    CHECK_STR(net_drop_name(NET_DROP_MAX), "?");
}

int main(void)
{
    test_csum();
    test_addr();
    test_ping();
    test_udp();
    test_malformed();
    test_arp();
    test_names();
    return check_summary("net_stack");
}
