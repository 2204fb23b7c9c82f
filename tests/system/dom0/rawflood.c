/*
 * rawflood.c: a dom0 program for the netfront group (dom0/netfront.sh):
 * a flood of malformed frames onto a guest's vif, through a raw packet
 * socket, to show that tinypv drops and counts them and never crashes.
 *
 *     rawflood IFACE GUEST-MAC GUEST-IP ROUNDS
 *
 * Each round sends one frame of each kind (link-local addresses only):
 *   eth-only     an Ethernet header saying IPv4, and nothing after it
 *   ip-csum      an IPv4 header whose checksum is wrong
 *   ip-total     an IPv4 total length past the frame
 *   ip-ihl       IHL 15 in a 34-byte frame
 *   fragment     a UDP datagram's first fragment (MF set)
 *   icmp-csum    an echo request whose ICMP checksum is wrong
 *   udp-csum     a datagram to port 7 whose UDP checksum is wrong
 *   udp-len      a UDP length past the IP payload
 *   arp-other    an ARP request for another host (169.254.9.9)
 *   other-mac    a good echo request to another MAC
 *   ipv6         an IPv6 ethertype
 *   garbage      random bytes after our Ethernet header
 * Prints how many frames went out (some may be refused by the socket or
 * dropped by netback when the guest's ring is full: that is fine; none
 * may hurt the guest). Exit 0 if the socket worked.
 */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define KINDS 12

static uint8_t guest_mac[6], src_mac[6] = { 0x02, 0x54, 0x50, 0x00, 0x00, 0x01 };
static uint32_t guest_ip, src_ip = 0xa9fe0001u;     /* 169.254.0.1 */

static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
    for ( size_t i = 0; i < n; i++ )
        sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
    while ( sum >> 16 )
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static size_t eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src_mac, 6);
    put16(f + 12, type);
    return 14;
}

/* An IPv4 header for n payload bytes of proto, checksummed. */
static void ip(uint8_t *h, uint8_t proto, size_t n, uint16_t frag)
{
    memset(h, 0, 20);
    h[0] = 0x45;
    put16(h + 2, (uint16_t)(20 + n));
    put16(h + 4, 0x1234);
    put16(h + 6, frag);
    h[8] = 64;
    h[9] = proto;
    put32(h + 12, src_ip);
    put32(h + 16, guest_ip);
    put16(h + 10, csum(h, 20, 0));
}

static size_t echo(uint8_t *f, const uint8_t *dst, bool bad)
{
    size_t n = 8 + 32;
    uint8_t *i = f + 34;

    eth(f, dst, 0x0800);
    ip(f + 14, 1, n, 0x4000);
    memset(i, 0, n);
    i[0] = 8;
    put16(i + 4, 0x7777);
    for ( size_t k = 8; k < n; k++ )
        i[k] = (uint8_t)k;
    put16(i + 2, (uint16_t)(csum(i, n, 0) ^ (bad ? 0x0101 : 0)));
    return 14 + 20 + n;
}

static size_t udp(uint8_t *f, bool bad_sum, bool bad_len, uint16_t frag)
{
    size_t n = 8 + 40;
    uint8_t *u = f + 34;
    uint32_t ps;

    eth(f, guest_mac, 0x0800);
    ip(f + 14, 17, n, frag);
    put16(u, 40000);
    put16(u + 2, 7);
    put16(u + 4, (uint16_t)(bad_len ? n + 100 : n));
    put16(u + 6, 0);
    for ( size_t k = 8; k < n; k++ )
        u[k] = (uint8_t)(k * 3);
    ps = (src_ip >> 16) + (src_ip & 0xffff) + (guest_ip >> 16) +
         (guest_ip & 0xffff) + 17 + (uint32_t)n;
    put16(u + 6, (uint16_t)(csum(u, n, ps) ^ (bad_sum ? 0x0f0f : 0)));
    return 14 + 20 + n;
}

static size_t frame(int kind, uint8_t *f)
{
    static const uint8_t other[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    size_t n;

    memset(f, 0, 1514);
    switch ( kind )
    {
    case 0:                                     /* eth-only */
        return eth(f, guest_mac, 0x0800);
    case 1:                                     /* ip-csum */
        n = echo(f, guest_mac, false);
        f[24] ^= 0x55;
        return n;
    case 2:                                     /* ip-total */
        n = echo(f, guest_mac, false);
        put16(f + 16, 1400);
        put16(f + 24, 0);
        put16(f + 24, csum(f + 14, 20, 0));
        return n;
    case 3:                                     /* ip-ihl */
        echo(f, guest_mac, false);
        f[14] = 0x4f;
        return 34;
    case 4:                                     /* fragment */
        return udp(f, false, false, 0x2000);
    case 5:                                     /* icmp-csum */
        return echo(f, guest_mac, true);
    case 6:                                     /* udp-csum */
        return udp(f, true, false, 0x4000);
    case 7:                                     /* udp-len */
        return udp(f, false, true, 0x4000);
    case 8:                                     /* arp-other */
        eth(f, bcast, 0x0806);
        put16(f + 14, 1);
        put16(f + 16, 0x0800);
        f[18] = 6;
        f[19] = 4;
        put16(f + 20, 1);
        memcpy(f + 22, src_mac, 6);
        put32(f + 28, src_ip);
        put32(f + 38, 0xa9fe0909u);             /* 169.254.9.9 */
        return 42;
    case 9:                                     /* other-mac */
        return echo(f, other, false);
    case 10:                                    /* ipv6 */
        eth(f, guest_mac, 0x86dd);
        return 14 + 40;
    default:                                    /* garbage */
        n = 14 + (size_t)(rand() % 1500);
        eth(f, guest_mac, (uint16_t)(rand() & 1 ? 0x0800 : 0x0806));
        for ( size_t k = 14; k < n; k++ )
            f[k] = (uint8_t)rand();
        return n;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_ll to = { .sll_family = AF_PACKET };
    unsigned long sent = 0, refused = 0, rounds;
    struct in_addr a;
    uint8_t f[1514];
    int s;

    if ( argc != 5 ||
         sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &guest_mac[0],
                &guest_mac[1], &guest_mac[2], &guest_mac[3], &guest_mac[4],
                &guest_mac[5]) != 6 ||
         inet_pton(AF_INET, argv[3], &a) != 1 ||
         (ntohl(a.s_addr) >> 16) != 0xa9fe )
    {
        fprintf(stderr, "usage: rawflood IFACE GUEST-MAC 169.254.X.Y ROUNDS\n");
        return 2;
    }
    guest_ip = ntohl(a.s_addr);
    rounds = strtoul(argv[4], NULL, 0);
    s = socket(AF_PACKET, SOCK_RAW, 0);
    to.sll_ifindex = (int)if_nametoindex(argv[1]);
    to.sll_halen = 6;
    if ( s < 0 || to.sll_ifindex == 0 )
    {
        perror(argv[1]);
        return 2;
    }
    srand(19);
    for ( unsigned long r = 0; r < rounds; r++ )
        for ( int k = 0; k < KINDS; k++ )
        {
            size_t n = frame(k, f);

            memcpy(to.sll_addr, f, 6);
            if ( sendto(s, f, n, 0, (struct sockaddr *)&to, sizeof(to)) < 0 )
                refused++;
            else
                sent++;
            /* Let netback and the guest keep up now and then. */
            if ( (sent & 63) == 0 )
                usleep(2000);
        }
    printf("rawflood: %lu rounds, %lu frames sent, %lu refused by the socket\n",
           rounds, sent, refused);
    return 0;
}
