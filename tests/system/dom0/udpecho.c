/*
 * udpecho.c: a dom0 program for the netfront group (dom0/netfront.sh):
 * stream BYTES bytes to ADDR's UDP echo port and take them back.
 *
 *     udpecho ADDR PORT BYTES SENT-FILE ECHOED-FILE
 *
 * The stream goes in datagrams of CHUNK bytes, each carrying its offset
 * first; at most WINDOW datagrams are unanswered at a time, and one not
 * echoed within RETRY_MS is sent again (counted: the guest or the link
 * lost it). The bytes sent go to SENT-FILE, the bytes echoed, placed by
 * their offset, to ECHOED-FILE: the test compares their cksums. Prints
 * one line: bytes, datagrams, resent, bad (echoes that were not a
 * datagram we sent), milliseconds. Exit 0 when every byte came back.
 *
 * Link-local only: ADDR must be in 169.254.0.0/16.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK       1024
#define WINDOW      8
#define RETRY_MS    300
#define GIVE_UP_S   120

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int write_file(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");

    if ( !f || fwrite(b, 1, n, f) != n || fclose(f) != 0 )
    {
        perror(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_in to = { .sin_family = AF_INET };
    uint8_t *sent, *echoed, *got, *inflight, pkt[4 + CHUNK];
    uint64_t *sent_at, start, resent = 0, bad = 0;
    size_t bytes, n, done = 0, next = 0;
    int s;

    if ( argc != 6 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 ||
         (ntohl(to.sin_addr.s_addr) >> 16) != 0xa9fe )
    {
        fprintf(stderr, "usage: udpecho 169.254.X.Y PORT BYTES SENT ECHOED\n");
        return 2;
    }
    to.sin_port = htons((uint16_t)atoi(argv[2]));
    bytes = strtoul(argv[3], NULL, 0);
    n = (bytes + CHUNK - 1) / CHUNK;
    sent = malloc(bytes + CHUNK);
    echoed = calloc(1, bytes + CHUNK);
    got = calloc(n, 1);
    inflight = calloc(n, 1);
    sent_at = calloc(n, sizeof(*sent_at));
    if ( !sent || !echoed || !got || !inflight || !sent_at )
        return 2;
    srand(19);
    for ( size_t i = 0; i < bytes; i++ )
        sent[i] = (uint8_t)(rand() >> 7);
    s = socket(AF_INET, SOCK_DGRAM, 0);
    if ( s < 0 || connect(s, (struct sockaddr *)&to, sizeof(to)) < 0 )
    {
        perror("socket");
        return 2;
    }
    start = now_ms();
    while ( done < n )
    {
        struct pollfd p = { .fd = s, .events = POLLIN };
        unsigned int out = 0;
        uint64_t t = now_ms();

        if ( t - start > GIVE_UP_S * 1000 )
            break;
        /* Resend what waited too long; send new datagrams into the window. */
        for ( size_t i = 0; i < next; i++ )
        {
            if ( !inflight[i] )
                continue;
            if ( t - sent_at[i] >= RETRY_MS )
            {
                uint32_t off = (uint32_t)(i * CHUNK);
                size_t len = bytes - off < CHUNK ? bytes - off : CHUNK;

                memcpy(pkt, &off, 4);
                memcpy(pkt + 4, sent + off, len);
                send(s, pkt, 4 + len, 0);
                sent_at[i] = t;
                resent++;
            }
            out++;
        }
        while ( out < WINDOW && next < n )
        {
            uint32_t off = (uint32_t)(next * CHUNK);
            size_t len = bytes - off < CHUNK ? bytes - off : CHUNK;

            memcpy(pkt, &off, 4);
            memcpy(pkt + 4, sent + off, len);
            if ( send(s, pkt, 4 + len, 0) < 0 && errno != ENOBUFS )
                perror("send");
            inflight[next] = 1;
            sent_at[next] = t;
            next++;
            out++;
        }
        if ( poll(&p, 1, 50) <= 0 )
            continue;
        for ( ;; )
        {
            ssize_t r = recv(s, pkt, sizeof(pkt), MSG_DONTWAIT);
            uint32_t off;
            size_t i, len;

            if ( r < 0 )
                break;
            if ( r < 4 )
            {
                bad++;
                continue;
            }
            memcpy(&off, pkt, 4);
            i = off / CHUNK;
            len = off < bytes ? (bytes - off < CHUNK ? bytes - off : CHUNK) : 0;
            if ( off % CHUNK || i >= n || (size_t)r != 4 + len )
            {
                bad++;
                continue;
            }
            if ( got[i] )
                continue;       /* the echo of a resend */
            memcpy(echoed + off, pkt + 4, len);
            got[i] = 1;
            inflight[i] = 0;
            done++;
        }
    }
    printf("udpecho: %zu bytes, %zu datagrams, %zu echoed, %llu resent, "
           "%llu bad, %llu ms\n", bytes, n, done, (unsigned long long)resent,
           (unsigned long long)bad, (unsigned long long)(now_ms() - start));
    if ( write_file(argv[4], sent, bytes) || write_file(argv[5], echoed, bytes) )
        return 2;
    return done == n ? 0 : 1;
}
