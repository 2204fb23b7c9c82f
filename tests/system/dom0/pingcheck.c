/*
 * pingcheck.c: a dom0 program for the netfront group (dom0/netfront.sh):
 * ICMP echo requests whose replies are compared byte for byte.
 *
 *     pingcheck ADDR COUNT SIZE [SIZE...]
 *
 * busybox's ping counts a reply without looking at what it carries, and
 * a guest that mangled the payload and then computed a fresh checksum
 * over the mangled bytes would pass it. pingcheck sends COUNT requests at
 * each SIZE (payload bytes, 0 to 1472), one at a time, each payload
 * different (the sequence number stirred into a pattern), and checks each
 * reply: type 0, code 0, our identifier and sequence, an ICMP checksum
 * that holds, and a payload equal to what was sent. One line per size,
 *
 *     pingcheck: size S: N sent, N intact, N changed, N lost
 *
 * and a last line with the totals and the median round trip. Exit 0 when
 * every reply came back intact.
 *
 * A raw socket (dom0's root) sees every ICMP message for this host, so
 * replies to another ping running at the same time are skipped by their
 * identifier. Link-local only: ADDR must be in 169.254.0.0/16.
 */
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE    1472
#define MAX_COUNT   10000
#define WAIT_MS     1000        /* a reply later than this is lost */
#define HDR         8           /* ICMP echo header */

enum verdict { INTACT, CHANGED, LOST };

static int sock;
static uint16_t ident;

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The Internet checksum (RFC 1071) of N bytes. */
static uint16_t inet_sum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;

    for ( size_t i = 0; i + 1 < n; i += 2 )
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if ( n & 1 )
        sum += (uint32_t)(p[n - 1] << 8);
    while ( sum >> 16 )
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Request SEQ of SIZE payload bytes into MSG; its length. */
static size_t make_request(uint8_t *msg, uint16_t seq, size_t size)
{
    uint16_t sum;

    memset(msg, 0, HDR);
    msg[0] = 8;                                 /* echo request */
    msg[4] = (uint8_t)(ident >> 8);
    msg[5] = (uint8_t)ident;
    msg[6] = (uint8_t)(seq >> 8);
    msg[7] = (uint8_t)seq;
    for ( size_t i = 0; i < size; i++ )
        msg[HDR + i] = (uint8_t)(i * 7 + seq * 13 + (i >> 8));
    sum = inet_sum(msg, HDR + size);
    msg[2] = (uint8_t)(sum >> 8);
    msg[3] = (uint8_t)sum;
    return HDR + size;
}

/*
 * Wait until DEADLINE for the reply to REQ (LEN bytes): INTACT, CHANGED
 * (ours by identifier and sequence, but something in it differs) or LOST.
 */
static enum verdict await_reply(const uint8_t *req, size_t len, uint64_t deadline)
{
    uint8_t pkt[60 + HDR + MAX_SIZE + 64];

    for ( ;; )
    {
        struct pollfd p = { .fd = sock, .events = POLLIN };
        uint64_t t = now_us();
        const uint8_t *icmp;
        ssize_t r;
        size_t ihl;

        if ( t >= deadline )
            return LOST;
        if ( poll(&p, 1, (int)((deadline - t + 999) / 1000)) <= 0 )
            continue;
        r = recv(sock, pkt, sizeof(pkt), 0);
        if ( r < (ssize_t)sizeof(struct iphdr) )
            continue;
        ihl = (size_t)(pkt[0] & 0xf) * 4;
        if ( ihl < 20 || (size_t)r < ihl + HDR )
            continue;
        icmp = pkt + ihl;
        /* Not ours: another ping's reply, or something else entirely. */
        if ( icmp[0] != 0 || memcmp(icmp + 4, req + 4, 4) != 0 )
            continue;
        if ( icmp[1] != 0 || (size_t)r - ihl != len ||
             inet_sum(icmp, len) != 0 ||
             memcmp(icmp + HDR, req + HDR, len - HDR) != 0 )
            return CHANGED;
        return INTACT;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    struct sockaddr_in to = { .sin_family = AF_INET };
    static uint8_t req[HDR + MAX_SIZE];
    uint64_t *rtt;
    unsigned long count, all[3] = { 0, 0, 0 }, n_rtt = 0;
    uint16_t seq = 0;

    if ( argc < 4 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 ||
         (ntohl(to.sin_addr.s_addr) >> 16) != 0xa9fe ||
         (count = strtoul(argv[2], NULL, 0)) == 0 || count > MAX_COUNT ||
         argc - 3 > 64 )
    {
        fprintf(stderr, "usage: pingcheck 169.254.X.Y COUNT(1-%d) SIZE... (at most 64 sizes)\n",
                MAX_COUNT);
        return 2;
    }
    rtt = calloc(count * (unsigned long)(argc - 3), sizeof(*rtt));
    if ( !rtt )
    {
        perror("pingcheck: calloc");
        return 2;
    }
    sock = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if ( sock < 0 )
    {
        perror("pingcheck: raw ICMP socket (root only)");
        return 2;
    }
    ident = (uint16_t)getpid();
    for ( int a = 3; a < argc; a++ )
    {
        unsigned long size = strtoul(argv[a], NULL, 0), got[3] = { 0, 0, 0 };

        if ( size > MAX_SIZE )
        {
            fprintf(stderr, "pingcheck: size %lu: at most %d\n", size, MAX_SIZE);
            return 2;
        }
        for ( unsigned long i = 0; i < count; i++ )
        {
            size_t len = make_request(req, ++seq, size);
            uint64_t t0 = now_us();
            enum verdict v;

            if ( sendto(sock, req, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 )
            {
                perror("pingcheck: sendto");
                v = LOST;
            }
            else
                v = await_reply(req, len, t0 + WAIT_MS * 1000);
            if ( v == INTACT )
                rtt[n_rtt++] = now_us() - t0;
            got[v]++;
            all[v]++;
        }
        printf("pingcheck: size %lu: %lu sent, %lu intact, %lu changed, %lu lost\n",
               size, count, got[INTACT], got[CHANGED], got[LOST]);
    }
    qsort(rtt, n_rtt, sizeof(rtt[0]), cmp_u64);
    printf("pingcheck: all: %lu sent, %lu intact, %lu changed, %lu lost, median %llu us\n",
           all[0] + all[1] + all[2], all[INTACT], all[CHANGED], all[LOST],
           n_rtt ? (unsigned long long)rtt[n_rtt / 2] : 0ULL);
    free(rtt);
    return all[CHANGED] || all[LOST] ? 1 : 0;
}
