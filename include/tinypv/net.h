/*
 * net.h: a tiny IPv4 stack, pure code (net/net_stack.c): Ethernet, ARP,
 * IPv4 without fragments, ICMP echo, UDP echo on port 7. Host-tested
 * (tests/host/test_net_stack.c) and fuzzed with raw frames
 * (tests/fuzz/fuzz_net.c). netfront (netfront/) feeds it the frames the
 * backend delivers and sends what it answers. docs/15-netfront.md.
 *
 * Every frame is untrusted: each length is checked before the byte it
 * covers is read, every checksum is checked on receipt (IPv4 header,
 * ICMP, UDP when the sender filled one in) and computed on send. A frame
 * that is not for us or cannot be right is dropped and counted under its
 * reason (enum net_drop); nothing is ever read past the frame's length.
 *
 * The answer to a frame is built in place, in the frame's own buffer
 * (an echo reply is the request with addresses swapped and the type
 * changed), so the driver can send the very page the backend wrote:
 * zero copies from RX to TX.
 *
 * Not done, on purpose: fragments (a fragment is dropped and counted as
 * NET_DROP_FRAGMENT, never reassembled), IP options (skipped, not
 * interpreted), routing (only our own link: no gateway), IPv6, TCP.
 */
#ifndef TINYPV_NET_H
#define TINYPV_NET_H

#include <tinypv/types.h>

#define ETH_ALEN        6
#define ETH_HLEN        14
#define ETH_ZLEN        60          /* shortest frame we send (no FCS) */
#define NET_MTU         1500
#define NET_FRAME_MAX   (ETH_HLEN + NET_MTU)
#define NET_IP_HLEN     20
#define NET_ICMP_HLEN   8
#define NET_UDP_HLEN    8
#define NET_PING_MAX    (NET_MTU - NET_IP_HLEN - NET_ICMP_HLEN)    /* 1472 */
#define NET_ECHO_PORT   7
#define NET_ARP_ENTRIES 8

#define ETH_P_IP        0x0800
#define ETH_P_ARP       0x0806

enum net_drop {
    NET_DROP_SHORT,         /* shorter than an Ethernet header */
    NET_DROP_NOT_US,        /* to another MAC (neither ours nor broadcast) */
    NET_DROP_ETHERTYPE,     /* neither IPv4 nor ARP (IPv6, VLAN, ...) */
    NET_DROP_ARP_BAD,       /* truncated, or not Ethernet/IPv4 ARP */
    NET_DROP_ARP_OTHER,     /* a request for another host's address */
    NET_DROP_NO_ADDR,       /* we have no address yet */
    NET_DROP_IP_BAD,        /* truncated, bad version/IHL/total length */
    NET_DROP_IP_CSUM,       /* IPv4 header checksum wrong */
    NET_DROP_FRAGMENT,      /* MF set or an offset: no reassembly */
    NET_DROP_IP_OTHER,      /* for another address */
    NET_DROP_PROTO,         /* neither ICMP nor UDP */
    NET_DROP_ICMP_BAD,      /* truncated, or a type we do not answer */
    NET_DROP_ICMP_CSUM,     /* ICMP checksum wrong */
    NET_DROP_UDP_BAD,       /* truncated, or a length that does not fit */
    NET_DROP_UDP_CSUM,      /* UDP checksum wrong */
    NET_DROP_UDP_PORT,      /* not port 7 */
    NET_DROP_BACKEND,       /* the backend said error (netfront) */
    NET_DROP_NO_BUFFER,     /* no page to answer with (netfront) */
    NET_DROP_MAX,
};

struct net_arp_entry {
    uint32_t ip;            /* 0: free */
    uint8_t mac[ETH_ALEN];
    uint32_t used;          /* net_stack.tick at the last use (LRU) */
};

/* An echo reply to one of our own pings (net_input's NET_PING_REPLY). */
struct net_ping_reply {
    uint32_t from;
    uint16_t id, seq;
    uint16_t payload;       /* bytes after the ICMP header */
    bool intact;            /* the payload is the pattern we sent */
};

struct net_stack {
    uint8_t mac[ETH_ALEN];
    uint32_t ip;            /* host order; 0: no address */
    uint8_t prefix;         /* 1 .. 32 */
    uint32_t tick;
    struct net_arp_entry arp[NET_ARP_ENTRIES];
    uint64_t drops[NET_DROP_MAX];
    uint64_t arp_replies, arp_learned, echo_replies, udp_echoes,
             ping_replies;
};

enum net_verdict {
    NET_DROPPED,            /* counted in drops[] */
    NET_CONSUMED,           /* taken (an ARP reply learned), nothing to send */
    NET_REPLY,              /* the buffer now holds a frame to send */
    NET_PING_REPLY,         /* an answer to our ping: *ping says which */
};

/* Start with mac; no address (net_set_addr). */
void net_init(struct net_stack *s, const uint8_t mac[ETH_ALEN]);

/* Our address, host order (0 clears it); prefix 1 .. 32. 0 or -EINVAL. */
int net_set_addr(struct net_stack *s, uint32_t ip, unsigned int prefix);

/* "169.254.1.2/16" (prefix optional: 16 then) into ip/prefix. 0 or -EINVAL. */
int net_parse_addr(const char *text, uint32_t *ip, unsigned int *prefix);

/* "a.b.c.d" of a host-order address into buf (16 bytes). */
void net_format_ip(uint32_t ip, char buf[16]);

/*
 * One frame of len bytes in buf (size bytes of room, >= ETH_ZLEN). The
 * verdict; for NET_REPLY *out_len is the answer's length (padded to
 * ETH_ZLEN), built in buf over the frame. ping: filled for NET_PING_REPLY.
 */
enum net_verdict net_input(struct net_stack *s, uint8_t *buf, size_t len,
                           size_t size, size_t *out_len,
                           struct net_ping_reply *ping);

/*
 * An ICMP echo request to dst with payload bytes of net_ping_byte()
 * into buf (size bytes, >= NET_FRAME_MAX). Returns the frame's length;
 * or, if dst's MAC is not known yet, the length of an ARP request for it
 * built instead, with *arp set (send it, then try again); -EINVAL no
 * address, dst not on our link, or payload > NET_PING_MAX.
 */
int net_build_ping(struct net_stack *s, uint32_t dst, uint16_t id,
                   uint16_t seq, size_t payload, uint8_t *buf, size_t size,
                   bool *arp);

/* The byte at offset i of a ping's payload (checked in the reply). */
static inline uint8_t net_ping_byte(uint16_t seq, size_t i)
{
    return (uint8_t)(i * 7 + seq);
}

/* The Internet checksum (RFC 1071) of n bytes, folded, not inverted. */
uint32_t net_csum_add(uint32_t sum, const void *data, size_t n);
uint16_t net_csum_fold(uint32_t sum);

/* The MAC of ip in the cache (true), refreshed; or false. */
bool net_arp_lookup(struct net_stack *s, uint32_t ip, uint8_t mac[ETH_ALEN]);

/* What a drop reason is called, for `net`. */
const char *net_drop_name(enum net_drop d);

#endif /* TINYPV_NET_H */
