/*
 * fuzz_net.c: the tiny IPv4 stack (net/net_stack.c) against raw frames
 * from a hostile link.
 *
 * Input: u8 setup (bit 0: we have an address, 169.254.1.2; bits 1-5:
 * its prefix - 1), then frames: u16 length (% (NET_FRAME_MAX + 64)),
 * that many bytes. Each frame sits in a buffer of exactly its length
 * (ETH_ZLEN at least, as the API asks), so AddressSanitizer sees any
 * read past it.
 *
 * After every frame: the verdicts and drop counters add up to the
 * frames given; an answer fits its buffer, is at least ETH_ZLEN long,
 * comes from our MAC and address, and carries right checksums (IPv4
 * header, ICMP, UDP) which a second stack accepts: it answers an ARP
 * answer, and nothing we send is dropped by a peer for a bad checksum.
 * An answer never comes without an address.
 */
#include <tinypv/net.h>
#include "fuzz.h"

#define OUR_IP  0xa9fe0102u
#define PEER_IP 0xa9fe0001u

static const uint8_t our_mac[ETH_ALEN] = { 0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 };

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void check_answer(const struct net_stack *s, const uint8_t *f,
                         size_t len, size_t size)
{
    FUZZ_ASSERT(len >= ETH_ZLEN && len <= size);
    FUZZ_ASSERT(memcmp(f + ETH_ALEN, our_mac, ETH_ALEN) == 0);
    FUZZ_ASSERT(s->ip != 0);
    if ( be16(f + 12) == ETH_P_IP )
    {
        const uint8_t *ip = f + ETH_HLEN;
        size_t total = be16(ip + 2);
        uint32_t src = (uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 |
                       (uint32_t)ip[14] << 8 | ip[15];

        FUZZ_ASSERT(ip[0] == 0x45);
        FUZZ_ASSERT(ETH_HLEN + total <= len);
        FUZZ_ASSERT(src == s->ip);
        FUZZ_ASSERT(net_csum_fold(net_csum_add(0, ip, NET_IP_HLEN)) == 0xffff);
        if ( ip[9] == 1 )
            FUZZ_ASSERT(net_csum_fold(net_csum_add(0, ip + NET_IP_HLEN,
                                                   total - NET_IP_HLEN)) == 0xffff);
    }
    else
        FUZZ_ASSERT(be16(f + 12) == ETH_P_ARP);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size };
    struct net_stack s, peer;
    uint8_t setup = fuzz_u8(&in), peer_mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
    uint64_t frames = 0, consumed = 0, replies = 0, pings = 0;

    net_init(&s, our_mac);
    net_init(&peer, peer_mac);
    net_set_addr(&peer, PEER_IP, 16);
    if ( setup & 1 )
        FUZZ_ASSERT(net_set_addr(&s, OUR_IP, ((setup >> 1) & 31) + 1) == 0);
    while ( !fuzz_empty(&in) )
    {
        size_t len = fuzz_u16(&in) % (NET_FRAME_MAX + 64), room, out = 0;
        struct net_ping_reply pr;
        enum net_verdict v;
        uint64_t dropped = 0;
        uint8_t *f;

        room = len < ETH_ZLEN ? ETH_ZLEN : len;
        f = malloc(room);
        memset(f, 0, room);
        for ( size_t i = 0; i < len; i++ )
            f[i] = fuzz_u8(&in);
        v = net_input(&s, f, len, room, &out, &pr);
        frames++;
        switch ( v )
        {
        case NET_DROPPED:
            break;
        case NET_CONSUMED:
            consumed++;
            break;
        case NET_REPLY:
            replies++;
            check_answer(&s, f, out, room);
            {
                /* The peer, given our answer, finds nothing wrong with its
                 * checksums (whatever else it thinks of it). */
                size_t o2;
                uint8_t *g = malloc(NET_FRAME_MAX + 64);

                memcpy(g, f, out);
                memcpy(g, peer_mac, ETH_ALEN);
                net_input(&peer, g, out, NET_FRAME_MAX + 64, &o2, &pr);
                FUZZ_ASSERT(peer.drops[NET_DROP_IP_CSUM] == 0);
                FUZZ_ASSERT(peer.drops[NET_DROP_ICMP_CSUM] == 0);
                FUZZ_ASSERT(peer.drops[NET_DROP_UDP_CSUM] == 0);
                free(g);
            }
            break;
        case NET_PING_REPLY:
            pings++;
            FUZZ_ASSERT(pr.payload <= NET_PING_MAX);
            break;
        default:
            FUZZ_ASSERT(!"unknown verdict");
        }
        free(f);
        for ( unsigned int d = 0; d < NET_DROP_MAX; d++ )
            dropped += s.drops[d];
        FUZZ_ASSERT(dropped + consumed + replies + pings == frames);
        FUZZ_ASSERT(s.arp_replies + s.echo_replies + s.udp_echoes == replies);
        FUZZ_ASSERT(s.ping_replies == pings);
        FUZZ_ASSERT(s.drops[NET_DROP_BACKEND] == 0);
    }
    return 0;
}
