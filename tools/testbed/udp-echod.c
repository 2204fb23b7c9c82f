/*
 * udp-echod.c: the UDP echo server of the Linux PV domU that make bench
 * measures tinypv against (tools/testbed/domu-init starts it).
 *
 *     udp-echod
 *
 * Why it exists: dom0's bench (tests/system/dom0/bench.sh, net_measure)
 * streams 1 MiB through UDP port 7 with udpecho.c, and tinypv's own stack
 * answers on that port. The domU's busybox has no inetd and its nc speaks
 * no UDP, so without this program the Linux peer had no UDP figure and
 * the ratio tinypv/Linux could not be computed.
 *
 * Design: one socket bound to port 7 on every address, one blocking
 * recvfrom() per datagram and one sendto() of the same bytes back to the
 * address and port they came from; nothing is kept between datagrams and
 * nothing polls, so it sleeps in the kernel while there is no traffic.
 * The datagram goes back unchanged, whatever its size (up to the 64 KiB
 * UDP limit). A failed send is reported and skipped (the sender retries
 * what it misses); a failed receive other than EINTR ends the program.
 * Runs until killed. Built static on the host by tools/testbed/setup
 * (build_domu), since the initramfs has no C library.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ECHO_PORT   7
#define MAX_DGRAM   65536

static unsigned char buf[MAX_DGRAM];

int main(void)
{
    struct sockaddr_in me = {
        .sin_family = AF_INET,
        .sin_port = htons(ECHO_PORT),
        .sin_addr.s_addr = htonl(INADDR_ANY),
    };
    struct sockaddr_in peer;
    socklen_t peer_len;
    ssize_t n;
    int s;

    s = socket(AF_INET, SOCK_DGRAM, 0);
    if ( s < 0 )
    {
        fprintf(stderr, "udp-echod: socket: %s\n", strerror(errno));
        return 1;
    }
    if ( bind(s, (struct sockaddr *)&me, sizeof(me)) != 0 )
    {
        fprintf(stderr, "udp-echod: bind to UDP port %d: %s\n", ECHO_PORT,
                strerror(errno));
        close(s);
        return 1;
    }

    for ( ;; )
    {
        peer_len = sizeof(peer);
        n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&peer,
                     &peer_len);
        if ( n < 0 )
        {
            if ( errno == EINTR )
                continue;
            fprintf(stderr, "udp-echod: recvfrom: %s\n", strerror(errno));
            close(s);
            return 1;
        }
        if ( sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&peer,
                    peer_len) != n )
            fprintf(stderr, "udp-echod: sendto %s:%u (%zd bytes): %s\n",
                    inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), n,
                    strerror(errno));
    }
}
