/*
 * netfront.h: network interfaces, through dom0's network backend
 * (netfront/), with the tiny IPv4 stack (<tinypv/net.h>) on top.
 *
 * Each vif device the bus finds (device/vif/<id>) is one interface,
 * vif<id>. netfront/netfront_xs.c does the xenstore handshake,
 * netfront/netfront.c the two rings (Xen's io/netif.h, a page each) and
 * the frames. The stack answers ARP, ICMP echo and UDP echo (port 7) by
 * itself, from the main loop; `ping` (monitor/cmd_net.c) sends echo
 * requests. docs/15-netfront.md.
 *
 * Errors are negated errno values (<tinypv/xs_proto.h>).
 */
#ifndef TINYPV_NETFRONT_H
#define TINYPV_NETFRONT_H

#include <tinypv/types.h>
#include <tinypv/net.h>

#ifndef ENODEV
#define ENODEV      19
#endif
#ifndef EINTR
#define EINTR        4
#endif

#define NETFRONT_NAME_MAX   16

struct netfront;

/* Register the "vif" driver with the bus (before xenbus_init()). */
void netfront_register(void);

/* The main loop: the backend sent an event? Serve both rings. */
bool netfront_pending(void);
void netfront_process(void);

/*
 * The address every interface takes (the command line's ip=, which
 * wins over the toolstack's); 0 clears it.
 */
void netfront_set_addr(uint32_t ip, unsigned int prefix);

struct netfront_info {
    char name[NETFRONT_NAME_MAX];
    const char *state;
    bool connected;
    uint8_t mac[ETH_ALEN];
    uint32_t ip;
    unsigned int prefix;
    const char *addr_from;          /* "command line", "xenstore", NULL */
    const char *backend;
    const char *why;                /* shut down or failed: why */
    uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
    uint64_t tx_errors, tx_lost, rx_posted, notifications;
    const struct net_stack *stack;  /* drops, ARP, answers */
};
void netfront_get_info(struct netfront *nf, struct netfront_info *info);
void netfront_for_each(void (*fn)(struct netfront *nf, void *ctx), void *ctx);

/* The first connected interface with an address (NULL: none). */
struct netfront *netfront_default(void);

/*
 * One echo request of size payload bytes to dst, and its answer waited
 * for (kernel_idle meanwhile) at most timeout_ms or until stop() says so:
 * 0 and *rtt_ns, or -ETIMEDOUT, -EINTR, -ENODEV (no interface), -EINVAL
 * (dst not on our link, or size), -EIO (the reply's payload was changed).
 * An ARP request goes first if dst's MAC is not known.
 */
int netfront_ping(struct netfront *nf, uint32_t dst, uint16_t seq,
                  size_t size, uint32_t timeout_ms, uint64_t *rtt_ns,
                  bool (*stop)(void));

#endif /* TINYPV_NETFRONT_H */
