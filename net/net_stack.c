/*
 * net_stack.c: the tiny IPv4 stack (<tinypv/net.h>), pure code: no
 * pages, no grants, no printk; frames in, frames out.
 *
 *   Ethernet  ours or broadcast, else dropped; IPv4 and ARP, else dropped
 *   ARP       a request for our address is answered (and its sender
 *             learned); a reply to us is learned; NET_ARP_ENTRIES
 *             entries, the least recently used one evicted
 *   IPv4      version 4, a header that fits, total length within the
 *             frame, header checksum right, no fragment (dropped and
 *             counted: there is no reassembly), to our address
 *   ICMP      checksum right; an echo request is answered, an echo
 *             reply goes to `ping`
 *   UDP       length within the packet, checksum right (if the sender
 *             computed one), port 7: echoed back
 *
 * Answers are built in place over the request (the payload does not
 * move unless the request carried IP options, which are dropped), with
 * every checksum computed afresh: a bit flipped on its way in would have
 * failed the check on receipt, so nothing wrong is ever echoed.
 *
 * Multi-byte fields are read and written a byte at a time, in network
 * order: a frame may start at any offset of its page, and the host tests
 * run on whatever the host is.
 */
#include <tinypv/net.h>
#include <tinypv/xs_proto.h>
#include <lib/string.h>

#define IP_PROTO_ICMP   1
#define IP_PROTO_UDP    17
#define ICMP_ECHO_REPLY     0
#define ICMP_ECHO_REQUEST   8
#define ARP_REQUEST     1
#define ARP_REPLY       2
#define ARP_LEN         28
#define IP_TTL          64
#define IP_DF           0x4000
#define IP_MF           0x2000
#define IP_OFFSET       0x1fff

static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* --- checksums --------------------------------------------------------------- */

uint32_t net_csum_add(uint32_t sum, const void *data, size_t n)
{
    const uint8_t *p = data;

    /* 16-bit big-endian words; an odd last byte is padded with zero. */
    for ( ; n > 1; p += 2, n -= 2 )
    {
        sum += get16(p);
        if ( sum & 0x80000000u )
            sum = (sum & 0xffff) + (sum >> 16);
    }
    if ( n )
        sum += (uint32_t)p[0] << 8;
    return sum;
}

uint16_t net_csum_fold(uint32_t sum)
{
    while ( sum >> 16 )
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/*
 * A checksum field after one 16-bit word of what it covers changed from
 * old to new, without summing the data again (RFC 1624, equation 3:
 * HC' = ~(~HC + ~m + m')). An echo reply differs from its request in so
 * little that this is all the work its checksum needs.
 */
static uint16_t csum_update(uint16_t hc, uint16_t old, uint16_t new)
{
    return (uint16_t)~net_csum_fold((uint32_t)(uint16_t)~hc +
                                    (uint16_t)~old + new);
}

/* The pseudo header of UDP's checksum. */
static uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint8_t proto,
                           uint16_t len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
           proto + len;
}

/* --- addresses ----------------------------------------------------------------- */

void net_init(struct net_stack *s, const uint8_t mac[ETH_ALEN])
{
    memset(s, 0, sizeof(*s));
    memcpy(s->mac, mac, ETH_ALEN);
}

int net_set_addr(struct net_stack *s, uint32_t ip, unsigned int prefix)
{
    if ( ip && (prefix < 1 || prefix > 32) )
        return -EINVAL;
    s->ip = ip;
    s->prefix = ip ? (uint8_t)prefix : 0;
    memset(s->arp, 0, sizeof(s->arp));     /* learned for the old link */
    return 0;
}

static bool parse_number(const char **p, unsigned int max, unsigned int *out)
{
    unsigned int v = 0, digits = 0;

    while ( **p >= '0' && **p <= '9' && digits < 3 )
    {
        v = v * 10 + (unsigned int)(**p - '0');
        (*p)++;
        digits++;
    }
    if ( digits == 0 || v > max || (**p >= '0' && **p <= '9') )
        return false;
    *out = v;
    return true;
}

int net_parse_addr(const char *text, uint32_t *ip, unsigned int *prefix)
{
    const char *p = text;
    uint32_t a = 0;
    unsigned int v, pfx = 16;

    if ( !text )
        return -EINVAL;
    for ( unsigned int i = 0; i < 4; i++ )
    {
        if ( i && *p++ != '.' )
            return -EINVAL;
        if ( !parse_number(&p, 255, &v) )
            return -EINVAL;
        a = a << 8 | v;
    }
    if ( *p == '/' )
    {
        p++;
        if ( !parse_number(&p, 32, &pfx) || pfx == 0 )
            return -EINVAL;
    }
    if ( *p != '\0' || a == 0 )
        return -EINVAL;
    *ip = a;
    *prefix = pfx;
    return 0;
}

void net_format_ip(uint32_t ip, char buf[16])
{
    char *p = buf;

    for ( int shift = 24; shift >= 0; shift -= 8 )
    {
        unsigned int v = (ip >> shift) & 0xff;

        if ( v >= 100 )
            *p++ = (char)('0' + v / 100);
        if ( v >= 10 )
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
        if ( shift )
            *p++ = '.';
    }
    *p = '\0';
}

static uint32_t mask_of(unsigned int prefix)
{
    return prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
}

/* Whether dst is another host of our link (no gateway, no broadcast). */
static bool on_link(const struct net_stack *s, uint32_t dst)
{
    uint32_t m = mask_of(s->prefix);

    return s->ip && dst != s->ip && ((dst ^ s->ip) & m) == 0 &&
           (dst & ~m) != 0 && (dst & ~m) != ~m;
}

/* --- the ARP cache ------------------------------------------------------------- */

bool net_arp_lookup(struct net_stack *s, uint32_t ip, uint8_t mac[ETH_ALEN])
{
    for ( unsigned int i = 0; i < NET_ARP_ENTRIES; i++ )
        if ( s->arp[i].ip == ip && ip )
        {
            s->arp[i].used = ++s->tick;
            memcpy(mac, s->arp[i].mac, ETH_ALEN);
            return true;
        }
    return false;
}

static void arp_learn(struct net_stack *s, uint32_t ip, const uint8_t *mac)
{
    struct net_arp_entry *e = NULL;

    for ( unsigned int i = 0; i < NET_ARP_ENTRIES && !e; i++ )
        if ( s->arp[i].ip == ip )
            e = &s->arp[i];
    for ( unsigned int i = 0; i < NET_ARP_ENTRIES && !e; i++ )
        if ( s->arp[i].ip == 0 )
            e = &s->arp[i];
    if ( !e )
    {
        e = &s->arp[0];
        for ( unsigned int i = 1; i < NET_ARP_ENTRIES; i++ )
            if ( (uint32_t)(s->tick - s->arp[i].used) >
                 (uint32_t)(s->tick - e->used) )
                e = &s->arp[i];
    }
    e->ip = ip;
    memcpy(e->mac, mac, ETH_ALEN);
    e->used = ++s->tick;
    s->arp_learned++;
}

/* --- input --------------------------------------------------------------------- */

static enum net_verdict drop(struct net_stack *s, enum net_drop why)
{
    s->drops[why]++;
    return NET_DROPPED;
}

/* The Ethernet header of an answer: back to the sender, from us. */
static void eth_answer(const struct net_stack *s, uint8_t *buf)
{
    memmove(buf, buf + ETH_ALEN, ETH_ALEN);
    memcpy(buf + ETH_ALEN, s->mac, ETH_ALEN);
}

static size_t pad(uint8_t *buf, size_t len)
{
    if ( len < ETH_ZLEN )
    {
        memset(buf + len, 0, ETH_ZLEN - len);
        len = ETH_ZLEN;
    }
    return len;
}

static enum net_verdict arp_input(struct net_stack *s, uint8_t *buf,
                                  size_t len, size_t *out_len)
{
    uint8_t *a = buf + ETH_HLEN;
    uint32_t spa, tpa;
    uint16_t oper;

    if ( len < ETH_HLEN + ARP_LEN || get16(a) != 1 ||
         get16(a + 2) != ETH_P_IP || a[4] != ETH_ALEN || a[5] != 4 )
        return drop(s, NET_DROP_ARP_BAD);
    oper = get16(a + 6);
    spa = get32(a + 14);
    tpa = get32(a + 24);
    if ( (oper != ARP_REQUEST && oper != ARP_REPLY) || (a[8] & 1) )
        return drop(s, NET_DROP_ARP_BAD);   /* a multicast sender: no */
    if ( !s->ip )
        return drop(s, NET_DROP_NO_ADDR);
    if ( tpa != s->ip || spa == s->ip )
        return drop(s, NET_DROP_ARP_OTHER);
    if ( spa && on_link(s, spa) )
        arp_learn(s, spa, a + 8);
    if ( oper == ARP_REPLY )
        return NET_CONSUMED;
    /* The answer: to the asker, our MAC for our address. */
    put16(a + 6, ARP_REPLY);
    memcpy(a + 18, a + 8, ETH_ALEN + 4);    /* target = the sender */
    memcpy(a + 8, s->mac, ETH_ALEN);
    put32(a + 14, s->ip);
    eth_answer(s, buf);
    s->arp_replies++;
    *out_len = pad(buf, ETH_HLEN + ARP_LEN);
    return NET_REPLY;
}

/*
 * Make the IP packet at buf + ETH_HLEN (header ihl bytes, then n bytes)
 * an answer to its sender: options dropped (the payload moved up), our
 * address as the source, the header checksum computed. Returns the IP
 * payload's new place.
 */
static uint8_t *ip_answer(const struct net_stack *s, uint8_t *buf,
                          size_t ihl, size_t n, uint8_t proto)
{
    uint8_t *ip = buf + ETH_HLEN;
    uint32_t peer = get32(ip + 12);

    if ( ihl != NET_IP_HLEN )
        memmove(ip + NET_IP_HLEN, ip + ihl, n);
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, (uint16_t)(NET_IP_HLEN + n));
    put16(ip + 6, IP_DF);
    ip[8] = IP_TTL;
    ip[9] = proto;
    put16(ip + 10, 0);
    put32(ip + 12, s->ip);
    put32(ip + 16, peer);
    put16(ip + 10, (uint16_t)~net_csum_fold(net_csum_add(0, ip, NET_IP_HLEN)));
    eth_answer(s, buf);
    return ip + NET_IP_HLEN;
}

static enum net_verdict icmp_input(struct net_stack *s, uint8_t *buf,
                                   size_t ihl, size_t n, size_t *out_len,
                                   struct net_ping_reply *ping)
{
    uint8_t *ip = buf + ETH_HLEN, *icmp = ip + ihl;

    if ( n < NET_ICMP_HLEN )
        return drop(s, NET_DROP_ICMP_BAD);
    if ( net_csum_fold(net_csum_add(0, icmp, n)) != 0xffff )
        return drop(s, NET_DROP_ICMP_CSUM);
    if ( icmp[0] == ICMP_ECHO_REPLY && icmp[1] == 0 )
    {
        uint16_t seq = get16(icmp + 6);

        ping->from = get32(ip + 12);
        ping->id = get16(icmp + 4);
        ping->seq = seq;
        ping->payload = (uint16_t)(n - NET_ICMP_HLEN);
        ping->intact = true;
        for ( size_t i = 0; i < ping->payload; i++ )
            if ( icmp[NET_ICMP_HLEN + i] != net_ping_byte(seq, i) )
                ping->intact = false;
        s->ping_replies++;
        return NET_PING_REPLY;
    }
    if ( icmp[0] != ICMP_ECHO_REQUEST || icmp[1] != 0 )
        return drop(s, NET_DROP_ICMP_BAD);
    icmp = ip_answer(s, buf, ihl, n, IP_PROTO_ICMP);
    /* Only the type changes (8 to 0): the checksum follows that word. */
    {
        uint16_t old = get16(icmp);

        icmp[0] = ICMP_ECHO_REPLY;
        put16(icmp + 2, csum_update(get16(icmp + 2), old, get16(icmp)));
    }
    s->echo_replies++;
    *out_len = pad(buf, ETH_HLEN + NET_IP_HLEN + n);
    return NET_REPLY;
}

static enum net_verdict udp_input(struct net_stack *s, uint8_t *buf,
                                  size_t ihl, size_t n, size_t *out_len)
{
    uint8_t *ip = buf + ETH_HLEN, *udp = ip + ihl;
    uint32_t src = get32(ip + 12), dst = get32(ip + 16);
    uint16_t ulen, sum;

    if ( n < NET_UDP_HLEN )
        return drop(s, NET_DROP_UDP_BAD);
    ulen = get16(udp + 4);
    if ( ulen < NET_UDP_HLEN || ulen > n )
        return drop(s, NET_DROP_UDP_BAD);
    /* 0: the sender computed none (allowed in IPv4). */
    if ( get16(udp + 6) != 0 &&
         net_csum_fold(net_csum_add(pseudo_sum(src, dst, IP_PROTO_UDP, ulen),
                                    udp, ulen)) != 0xffff )
        return drop(s, NET_DROP_UDP_CSUM);
    if ( get16(udp + 2) != NET_ECHO_PORT )
        return drop(s, NET_DROP_UDP_PORT);
    udp = ip_answer(s, buf, ihl, ulen, IP_PROTO_UDP);
    {
        uint16_t sport = get16(udp);

        put16(udp, get16(udp + 2));
        put16(udp + 2, sport);
    }
    /*
     * Addresses and ports swapped, nothing else changed: the one's
     * complement sum does not depend on the order of its words, so a
     * sender's checksum is right for the answer as it stands. Only a
     * datagram that came without one (0) gets one computed.
     */
    if ( get16(udp + 6) == 0 )
    {
        sum = (uint16_t)~net_csum_fold(net_csum_add(
                  pseudo_sum(s->ip, src, IP_PROTO_UDP, ulen), udp, ulen));
        put16(udp + 6, sum ? sum : 0xffff);     /* 0 would mean "none" */
    }
    s->udp_echoes++;
    *out_len = pad(buf, ETH_HLEN + NET_IP_HLEN + ulen);
    return NET_REPLY;
}

static enum net_verdict ip_input(struct net_stack *s, uint8_t *buf,
                                 size_t len, size_t *out_len,
                                 struct net_ping_reply *ping)
{
    uint8_t *ip = buf + ETH_HLEN;
    size_t avail = len - ETH_HLEN, ihl, total;
    uint16_t frag;

    if ( avail < NET_IP_HLEN || (ip[0] >> 4) != 4 )
        return drop(s, NET_DROP_IP_BAD);
    ihl = (size_t)(ip[0] & 0xf) * 4;
    total = get16(ip + 2);
    /* Bytes past total are the link's padding, not the packet's. */
    if ( ihl < NET_IP_HLEN || ihl > avail || total < ihl || total > avail )
        return drop(s, NET_DROP_IP_BAD);
    if ( net_csum_fold(net_csum_add(0, ip, ihl)) != 0xffff )
        return drop(s, NET_DROP_IP_CSUM);
    frag = get16(ip + 6);
    if ( (frag & IP_MF) || (frag & IP_OFFSET) )
        return drop(s, NET_DROP_FRAGMENT);
    if ( !s->ip )
        return drop(s, NET_DROP_NO_ADDR);
    if ( get32(ip + 16) != s->ip )
        return drop(s, NET_DROP_IP_OTHER);
    switch ( ip[9] )
    {
    case IP_PROTO_ICMP:
        return icmp_input(s, buf, ihl, total - ihl, out_len, ping);
    case IP_PROTO_UDP:
        return udp_input(s, buf, ihl, total - ihl, out_len);
    default:
        return drop(s, NET_DROP_PROTO);
    }
}

enum net_verdict net_input(struct net_stack *s, uint8_t *buf, size_t len,
                           size_t size, size_t *out_len,
                           struct net_ping_reply *ping)
{
    uint16_t type;

    *out_len = 0;
    if ( len < ETH_HLEN || len > size || size < ETH_ZLEN )
        return drop(s, NET_DROP_SHORT);
    if ( memcmp(buf, s->mac, ETH_ALEN) != 0 &&
         memcmp(buf, broadcast, ETH_ALEN) != 0 )
        return drop(s, NET_DROP_NOT_US);
    type = get16(buf + 12);
    if ( type == ETH_P_ARP )
        return arp_input(s, buf, len, out_len);
    if ( type == ETH_P_IP )
        return ip_input(s, buf, len, out_len, ping);
    return drop(s, NET_DROP_ETHERTYPE);
}

/* --- output -------------------------------------------------------------------- */

static size_t arp_request(const struct net_stack *s, uint32_t dst,
                          uint8_t *buf)
{
    uint8_t *a = buf + ETH_HLEN;

    memcpy(buf, broadcast, ETH_ALEN);
    memcpy(buf + ETH_ALEN, s->mac, ETH_ALEN);
    put16(buf + 12, ETH_P_ARP);
    put16(a, 1);
    put16(a + 2, ETH_P_IP);
    a[4] = ETH_ALEN;
    a[5] = 4;
    put16(a + 6, ARP_REQUEST);
    memcpy(a + 8, s->mac, ETH_ALEN);
    put32(a + 14, s->ip);
    memset(a + 18, 0, ETH_ALEN);
    put32(a + 24, dst);
    return pad(buf, ETH_HLEN + ARP_LEN);
}

int net_build_ping(struct net_stack *s, uint32_t dst, uint16_t id,
                   uint16_t seq, size_t payload, uint8_t *buf, size_t size,
                   bool *arp)
{
    uint8_t mac[ETH_ALEN];
    uint8_t *ip = buf + ETH_HLEN, *icmp = ip + NET_IP_HLEN;
    size_t n = NET_ICMP_HLEN + payload;

    *arp = false;
    if ( !on_link(s, dst) || payload > NET_PING_MAX || size < NET_FRAME_MAX )
        return -EINVAL;
    if ( !net_arp_lookup(s, dst, mac) )
    {
        *arp = true;
        return (int)arp_request(s, dst, buf);
    }
    memcpy(buf, mac, ETH_ALEN);
    memcpy(buf + ETH_ALEN, s->mac, ETH_ALEN);
    put16(buf + 12, ETH_P_IP);
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, (uint16_t)(NET_IP_HLEN + n));
    put16(ip + 4, seq);
    put16(ip + 6, IP_DF);
    ip[8] = IP_TTL;
    ip[9] = IP_PROTO_ICMP;
    put16(ip + 10, 0);
    put32(ip + 12, s->ip);
    put32(ip + 16, dst);
    put16(ip + 10, (uint16_t)~net_csum_fold(net_csum_add(0, ip, NET_IP_HLEN)));
    icmp[0] = ICMP_ECHO_REQUEST;
    icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, id);
    put16(icmp + 6, seq);
    for ( size_t i = 0; i < payload; i++ )
        icmp[NET_ICMP_HLEN + i] = net_ping_byte(seq, i);
    put16(icmp + 2, (uint16_t)~net_csum_fold(net_csum_add(0, icmp, n)));
    return (int)pad(buf, ETH_HLEN + NET_IP_HLEN + n);
}

const char *net_drop_name(enum net_drop d)
{
    static const char *const names[NET_DROP_MAX] = {
        [NET_DROP_SHORT] = "short frame",
        [NET_DROP_NOT_US] = "not our MAC",
        [NET_DROP_ETHERTYPE] = "not IPv4 or ARP",
        [NET_DROP_ARP_BAD] = "bad ARP",
        [NET_DROP_ARP_OTHER] = "ARP for another host",
        [NET_DROP_NO_ADDR] = "no address yet",
        [NET_DROP_IP_BAD] = "bad IPv4 header or length",
        [NET_DROP_IP_CSUM] = "bad IPv4 checksum",
        [NET_DROP_FRAGMENT] = "fragment (no reassembly)",
        [NET_DROP_IP_OTHER] = "not our address",
        [NET_DROP_PROTO] = "not ICMP or UDP",
        [NET_DROP_ICMP_BAD] = "bad or unanswered ICMP",
        [NET_DROP_ICMP_CSUM] = "bad ICMP checksum",
        [NET_DROP_UDP_BAD] = "bad UDP length",
        [NET_DROP_UDP_CSUM] = "bad UDP checksum",
        [NET_DROP_UDP_PORT] = "UDP not to port 7",
        [NET_DROP_BACKEND] = "backend error",
        [NET_DROP_NO_BUFFER] = "no buffer to answer",
    };

    return (unsigned int)d < NET_DROP_MAX ? names[d] : "?";
}
