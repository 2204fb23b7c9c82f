/*
 * netfront.c: the network frontend's data path: two shared rings, frames
 * in and out, the tiny stack (net/net_stack.c) between them. The
 * xenstore handshake is netfront_xs.c's; the bookkeeping and the checks
 * of what the backend answers are netif_book.c's (pure, host-tested).
 *
 *   TX ring   one page (io/netif.h): our frames out. Each frame sits in a
 *             page of its own, granted read-only to the backend for that
 *             frame only; the grant is ended when its response comes and
 *             the page goes back to the spare pages.
 *   RX ring   one page: empty buffers out, frames in. The backend cannot
 *             allocate our memory, so NETIF_RX_SLOTS pages are granted
 *             (writable) and posted in advance; with request-rx-copy the
 *             backend copies each frame into one and answers with its id,
 *             offset and length. The ring is stocked again after every
 *             batch of responses.
 *   answers   built in place by the stack, in the RX page the request
 *             arrived in; that page then goes out on the TX ring (its
 *             grant ended and made again read-only) and a spare page takes
 *             its place on the RX ring: no byte is copied between the
 *             backend's copy in and its copy out.
 *   upcall    only sets the interface's flag; netfront_process() in the
 *             main loop reads both rings.
 *
 * The backend is another domain. A response is copied out of the shared
 * page once and checked (netif_book.c); one that cannot be right (an id
 * out of range or not out, a status or flag not allowed, a frame past its
 * page, rsp_prod past the requests) shuts the interface down: said once,
 * the port masked, our state Closing. No buffer is read on a bad
 * response's word.
 *
 * After a restore in a new domain (netfront_away) the old rings, grants
 * and backend are gone: the frames in flight are lost (counted), the
 * pages kept, and when the bus probes the same device again the
 * handshake sets up new rings and posts the buffers again.
 */
#include "netfront_priv.h"
#include <tinypv/gnttab.h>
#include <tinypv/mm.h>
#include <tinypv/kernel.h>
#include <tinypv/clock.h>
#include <tinypv/barrier.h>
#include <tinypv/printk.h>
#include <tinypv/control.h>
#include <lib/format.h>
#include <lib/string.h>

#define TX_RING_SIZE    __CONST_RING_SIZE(netif_tx, PAGE_SIZE)
#define RX_RING_SIZE    __CONST_RING_SIZE(netif_rx, PAGE_SIZE)

_Static_assert(TX_RING_SIZE >= NETIF_TX_SLOTS, "the TX ring holds every frame");
_Static_assert(RX_RING_SIZE >= NETIF_RX_SLOTS, "the RX ring holds every buffer");
_Static_assert(NETIF_TX_SLOTS <= NETIF_BOOK_MAX && NETIF_RX_SLOTS <= NETIF_BOOK_MAX,
               "the book holds every id");

const char netfront_owner[] = "netfront";

static struct netfront nics[NETFRONT_MAX];
static volatile bool any_kicked;
static uint32_t cmdline_ip;
static unsigned int cmdline_prefix;

/* The ping being waited for (one at a time: the monitor's). */
static struct {
    bool waiting, got;
    uint32_t dst;
    uint16_t id, seq;
    bool intact;
    uint64_t at;
} pinger;

const char *netfront_state_name(enum netfront_state st)
{
    static const char *const names[] = {
        [NF_FREE] = "free",             [NF_INIT] = "waiting for InitWait",
        [NF_CONNECTING] = "connecting", [NF_CONNECTED] = "connected",
        [NF_BROKEN] = "shut down",      [NF_AWAY] = "away (restored)",
        [NF_FAILED] = "failed",
    };

    return st <= NF_FAILED ? names[st] : "?";
}

/* --- interfaces --------------------------------------------------------------- */

struct netfront *netfront_alloc(const char *id)
{
    struct netfront *nf = NULL;
    static const uint8_t zero[ETH_ALEN];

    if ( strlen(id) + 4 > NETFRONT_NAME_MAX )
        return NULL;
    /* The same device after a restore: its pages and counters. */
    for ( unsigned int i = 0; i < NETFRONT_MAX; i++ )
        if ( nics[i].state == NF_AWAY && strcmp(nics[i].id, id) == 0 )
            return &nics[i];
    for ( unsigned int i = 0; i < NETFRONT_MAX && !nf; i++ )
        if ( nics[i].state == NF_FREE )
            nf = &nics[i];
    if ( !nf )
        return NULL;
    memset(nf, 0, sizeof(*nf));
    memcpy(nf->id, id, strlen(id) + 1);
    snprintf(nf->name, sizeof(nf->name), "vif%s", id);
    nf->state = NF_INIT;
    netif_book_init(&nf->book, NETIF_TX_SLOTS, NETIF_RX_SLOTS);
    net_init(&nf->stack, zero);
    return nf;
}

int netfront_parse_mac(const char *text, uint8_t mac[ETH_ALEN])
{
    for ( unsigned int i = 0; i < ETH_ALEN; i++ )
    {
        unsigned int v = 0;

        for ( unsigned int d = 0; d < 2; d++ )
        {
            char c = *text++;

            if ( c >= '0' && c <= '9' )
                v = v * 16 + (unsigned int)(c - '0');
            else if ( c >= 'a' && c <= 'f' )
                v = v * 16 + (unsigned int)(c - 'a' + 10);
            else if ( c >= 'A' && c <= 'F' )
                v = v * 16 + (unsigned int)(c - 'A' + 10);
            else
                return -EINVAL;
        }
        mac[i] = (uint8_t)v;
        if ( *text++ != (i == ETH_ALEN - 1 ? '\0' : ':') )
            return -EINVAL;
    }
    /* A multicast address cannot be an interface's. */
    return (mac[0] & 1) ? -EINVAL : 0;
}

void netfront_take_addr(struct netfront *nf, uint32_t ip, unsigned int prefix,
                        const char *from)
{
    char s[16];

    net_set_addr(&nf->stack, ip, prefix);
    nf->addr_from = ip ? from : NULL;
    if ( !ip )
    {
        printk("\nnetfront: %s: no address (ip=ADDR/PREFIX on the command "
               "line, or ip= in the vif's config)\n", nf->name);
        return;
    }
    net_format_ip(ip, s);
    printk("\nnetfront: %s: address %s/%u (%s)\n", nf->name, s, prefix, from);
}

bool netfront_cmdline_addr(uint32_t *ip, unsigned int *prefix)
{
    *ip = cmdline_ip;
    *prefix = cmdline_prefix;
    return cmdline_ip != 0;
}

void netfront_set_addr(uint32_t ip, unsigned int prefix)
{
    cmdline_ip = ip;
    cmdline_prefix = prefix;
    for ( unsigned int i = 0; i < NETFRONT_MAX; i++ )
        if ( nics[i].state == NF_CONNECTED )
            netfront_take_addr(&nics[i], ip, prefix, "command line");
}

void netfront_for_each(void (*fn)(struct netfront *nf, void *ctx), void *ctx)
{
    for ( unsigned int i = 0; i < NETFRONT_MAX; i++ )
        if ( nics[i].state != NF_FREE )
            fn(&nics[i], ctx);
}

struct netfront *netfront_default(void)
{
    for ( unsigned int i = 0; i < NETFRONT_MAX; i++ )
        if ( nics[i].state == NF_CONNECTED && nics[i].stack.ip )
            return &nics[i];
    for ( unsigned int i = 0; i < NETFRONT_MAX; i++ )
        if ( nics[i].state != NF_FREE )
            return &nics[i];
    return NULL;
}

void netfront_get_info(struct netfront *nf, struct netfront_info *info)
{
    memset(info, 0, sizeof(*info));
    memcpy(info->name, nf->name, sizeof(info->name));
    info->state = netfront_state_name(nf->state);
    info->connected = nf->state == NF_CONNECTED;
    memcpy(info->mac, nf->stack.mac, ETH_ALEN);
    info->ip = nf->stack.ip;
    info->prefix = nf->stack.prefix;
    info->addr_from = nf->addr_from;
    info->backend = nf->dev ? nf->dev->otherend : NULL;
    info->why = nf->why[0] ? nf->why : NULL;
    info->rx_frames = nf->book.rx_frames;
    info->rx_bytes = nf->book.rx_bytes;
    info->tx_frames = nf->book.tx_frames;
    info->tx_bytes = nf->book.tx_bytes;
    info->tx_errors = nf->book.tx_errors;
    info->tx_lost = nf->tx_lost;
    info->rx_posted = nf->book.rx.out;
    info->notifications = nf->notifications;
    info->stack = &nf->stack;
}

/* --- pages -------------------------------------------------------------------- */

static void *get_page(struct netfront *nf)
{
    if ( nf->nspare )
        return nf->spare[--nf->nspare];
    return mem_alloc_pages(0, PAGE_OWNER_KERNEL);
}

static void put_page(struct netfront *nf, void *page)
{
    if ( nf->nspare < NETFRONT_SPARE )
        nf->spare[nf->nspare++] = page;
    else
        mem_free_pages(page, 0, PAGE_OWNER_KERNEL);
}

static void free_page_cb(void *ctx)
{
    mem_free_pages(ctx, 0, PAGE_OWNER_KERNEL);
}

static void free_ring_cb(void *ctx)
{
    mem_free_pages(ctx, 0, PAGE_OWNER_RING);
}

/*
 * End a grant of page. Returns true if the page is ours again now; if the
 * backend still maps it, the kernel ends the grant later and frees the
 * page then (false: the caller forgets the page).
 */
static bool end_grant(grant_ref_t ref, void *page)
{
    if ( gnttab_end_access(ref, netfront_owner) == 0 )
        return true;
    gnttab_end_access_deferred(ref, netfront_owner, free_page_cb, page);
    return false;
}

/* The same for a ring page (its owner is PAGE_OWNER_RING). */
static bool end_ring_grant(grant_ref_t ref, void *page)
{
    if ( gnttab_end_access(ref, netfront_owner) == 0 )
        return true;
    gnttab_end_access_deferred(ref, netfront_owner, free_ring_cb, page);
    return false;
}

/* --- the rings ----------------------------------------------------------------- */

static void upcall(evtchn_port_t port, void *ctx)
{
    struct netfront *nf = ctx;

    nf->kicked = true;
    any_kicked = true;
}

/*
 * Publish requests up to new, and tell the backend if it asked to be
 * told (req_event between the old index and the new).
 */
static void push(struct netfront *nf, uint32_t *req_prod,
                 const uint32_t *req_event, uint32_t new)
{
    uint32_t old = *req_prod;

    if ( old == new )
        return;
    smp_wmb();      /* the requests before the index that publishes them */
    write_once(req_prod, new);
    smp_mb();       /* the index before we look at req_event */
    if ( nf->port_bound &&
         (uint32_t)(new - read_once(req_event)) < (uint32_t)(new - old) )
    {
        evtchn_notify(nf->port);
        nf->notifications++;
    }
}

/* Post every free RX id with a granted page. */
static void refill(struct netfront *nf)
{
    domid_t backend = nf->dev ? nf->dev->otherend_id : 0;

    while ( nf->book.rx.out < nf->book.rx.nr )
    {
        int id;
        unsigned int i;
        netif_rx_request_t *r;

        /* The page for the lowest free id, granted, before taking it. */
        i = 0;
        while ( i < nf->book.rx.nr && nf->book.rx.busy[i] )
            i++;
        if ( !nf->rx_page[i] )
            nf->rx_page[i] = get_page(nf);
        if ( !nf->rx_page[i] )
            break;
        if ( !nf->rx_ref_live[i] )
        {
            if ( gnttab_grant_access(backend, nf->rx_page[i], false,
                                     netfront_owner, &nf->rx_ref[i]) < 0 )
                break;
            nf->rx_ref_live[i] = true;
        }
        id = netif_rx_take(&nf->book);
        if ( id != (int)i )
            break;      /* cannot be: the book gives the lowest free id */
        r = &nf->rx_sring->ring[(nf->book.rx.req_prod - 1) &
                                (RX_RING_SIZE - 1)].req;
        r->id = (uint16_t)id;
        r->gref = nf->rx_ref[id];
    }
    push(nf, &nf->rx_sring->req_prod, &nf->rx_sring->req_event,
         nf->book.rx.req_prod);
}

int netfront_rings_setup(struct netfront *nf, domid_t backend)
{
    int rc;
    long lrc;

    if ( !nf->tx_sring )
        nf->tx_sring = mem_alloc_pages(0, PAGE_OWNER_RING);
    if ( !nf->rx_sring )
        nf->rx_sring = mem_alloc_pages(0, PAGE_OWNER_RING);
    if ( !nf->tx_sring || !nf->rx_sring )
        return -ENOMEM;
    memset(nf->tx_sring, 0, PAGE_SIZE);
    memset(nf->rx_sring, 0, PAGE_SIZE);
    nf->tx_sring->req_event = nf->tx_sring->rsp_event = 1;
    nf->rx_sring->req_event = nf->rx_sring->rsp_event = 1;
    rc = gnttab_grant_access(backend, nf->tx_sring, false, netfront_owner,
                             &nf->tx_ring_ref);
    if ( rc < 0 )
        goto undo;
    nf->tx_granted = true;
    rc = gnttab_grant_access(backend, nf->rx_sring, false, netfront_owner,
                             &nf->rx_ring_ref);
    if ( rc < 0 )
        goto undo;
    nf->rx_granted = true;
    lrc = evtchn_alloc_unbound(backend, &nf->port);
    if ( lrc < 0 )
    {
        rc = (int)lrc;
        goto undo;
    }
    if ( evtchn_bind_handler(nf->port, upcall, nf, nf->name) < 0 )
    {
        evtchn_close(nf->port);
        rc = -EBUSY;
        goto undo;
    }
    nf->port_bound = true;
    nf->tx_lost += netif_book_restart(&nf->book.tx);
    netif_book_restart(&nf->book.rx);
    /* Buffers wait on the RX ring before the backend connects. */
    refill(nf);
    if ( nf->book.rx.out == 0 )
    {
        rc = -ENOMEM;
        goto undo;
    }
    return 0;

undo:
    netfront_rings_teardown(nf, true);
    return rc;
}

/*
 * Let go of the rings: the port closed (if port_alive), every grant
 * ended; pages freed once the backend has unmapped them, unless keep
 * (a restore: the pages stay for the new rings).
 */
static void rings_down(struct netfront *nf, bool port_alive, bool keep)
{
    /* After a restore the port's number may be another's: touch nothing. */
    if ( nf->port_bound && port_alive )
    {
        evtchn_unbind_handler(nf->port);
        evtchn_close(nf->port);
    }
    nf->port_bound = false;
    for ( unsigned int id = 0; id < NETIF_TX_SLOTS; id++ )
    {
        if ( !nf->tx_page[id] )
            continue;
        if ( end_grant(nf->tx_ref[id], nf->tx_page[id]) )
            put_page(nf, nf->tx_page[id]);
        nf->tx_page[id] = NULL;
        if ( netif_book_forget(&nf->book.tx, id) )
            nf->tx_lost++;
    }
    for ( unsigned int id = 0; id < NETIF_RX_SLOTS; id++ )
    {
        netif_book_forget(&nf->book.rx, id);
        if ( nf->rx_ref_live[id] && !end_grant(nf->rx_ref[id], nf->rx_page[id]) )
            nf->rx_page[id] = NULL;
        nf->rx_ref_live[id] = false;
        if ( !keep && nf->rx_page[id] )
        {
            mem_free_pages(nf->rx_page[id], 0, PAGE_OWNER_KERNEL);
            nf->rx_page[id] = NULL;
        }
    }
    if ( !keep )
        while ( nf->nspare )
            mem_free_pages(nf->spare[--nf->nspare], 0, PAGE_OWNER_KERNEL);
    if ( nf->tx_granted )
    {
        nf->tx_granted = false;
        if ( !end_ring_grant(nf->tx_ring_ref, nf->tx_sring) )
            nf->tx_sring = NULL;    /* freed once the backend lets go */
    }
    if ( nf->rx_granted )
    {
        nf->rx_granted = false;
        if ( !end_ring_grant(nf->rx_ring_ref, nf->rx_sring) )
            nf->rx_sring = NULL;
    }
    if ( !keep )
    {
        if ( nf->tx_sring )
            free_ring_cb(nf->tx_sring);
        if ( nf->rx_sring )
            free_ring_cb(nf->rx_sring);
        nf->tx_sring = NULL;
        nf->rx_sring = NULL;
    }
}

void netfront_rings_teardown(struct netfront *nf, bool port_alive)
{
    rings_down(nf, port_alive, false);
}

/* --- frames out ---------------------------------------------------------------- */

/*
 * Send len bytes at offset in page (ours, no grant on it): granted
 * read-only, put on the TX ring. 0; or -EAGAIN (every TX id busy) or
 * a grant error, and the page is still the caller's.
 */
static int send_page(struct netfront *nf, void *page, unsigned int offset,
                     unsigned int len)
{
    grant_ref_t ref;
    netif_tx_request_t *r;
    int id, rc;

    if ( nf->state != NF_CONNECTED )
        return -ENODEV;
    if ( nf->book.tx.out >= nf->book.tx.nr )
        return -EAGAIN;
    rc = gnttab_grant_access(nf->dev->otherend_id, page, true,
                             netfront_owner, &ref);
    if ( rc < 0 )
        return rc;
    id = netif_tx_take(&nf->book, len);
    if ( id < 0 )
    {
        gnttab_end_access(ref, netfront_owner);
        return id == -ENOSPC ? -EAGAIN : id;
    }
    nf->tx_page[id] = page;
    nf->tx_ref[id] = ref;
    r = &nf->tx_sring->ring[(nf->book.tx.req_prod - 1) &
                            (TX_RING_SIZE - 1)].req;
    r->gref = ref;
    r->offset = (uint16_t)offset;
    r->flags = 0;       /* checksums are computed: nothing for the backend */
    r->id = (uint16_t)id;
    r->size = (uint16_t)len;
    push(nf, &nf->tx_sring->req_prod, &nf->tx_sring->req_event,
         nf->book.tx.req_prod);
    return 0;
}

/* --- responses ----------------------------------------------------------------- */

/* The backend broke the protocol (nf->why says how): shut down, said once. */
static void shut_down(struct netfront *nf)
{
    printk("\nnetfront: %s: the backend answered %s; the interface is shut "
           "down\n", nf->name, nf->why);
    nf->state = NF_BROKEN;
    if ( nf->port_bound )
        evtchn_mask(nf->port);
    if ( nf->dev )
        xenbus_switch_state(nf->dev, XenbusStateClosing);
    control_message_printed();
}

static bool take_tx_responses(struct netfront *nf)
{
    for ( ;; )
    {
        uint32_t prod = read_once(&nf->tx_sring->rsp_prod), n;

        smp_rmb();  /* the index before the responses it publishes */
        if ( netif_book_responses(&nf->book.tx, prod, &n) )
        {
            snprintf(nf->why, sizeof(nf->why), "TX rsp_prod %u, past the %u "
                     "requests made", prod, nf->book.tx.req_prod);
            shut_down(nf);
            return false;
        }
        while ( n-- > 0 )
        {
            netif_tx_response_t rsp;
            enum netif_verdict v;

            /* One copy of the untrusted entry; only the copy is used. */
            memcpy(&rsp, &nf->tx_sring->ring[nf->book.tx.rsp_cons &
                                             (TX_RING_SIZE - 1)].rsp,
                   sizeof(rsp));
            barrier();
            v = netif_tx_complete(&nf->book, rsp.id, rsp.status);
            if ( v != NETIF_GOOD )
            {
                snprintf(nf->why, sizeof(nf->why), "%s on TX (id %u, status "
                         "%d)", netif_verdict_name(v), rsp.id, rsp.status);
                shut_down(nf);
                return false;
            }
            if ( end_grant(nf->tx_ref[rsp.id], nf->tx_page[rsp.id]) )
                put_page(nf, nf->tx_page[rsp.id]);
            nf->tx_page[rsp.id] = NULL;
        }
        /* Ask for an event at the next response, then look once more. */
        write_once(&nf->tx_sring->rsp_event, nf->book.tx.rsp_cons + 1);
        smp_mb();
        if ( read_once(&nf->tx_sring->rsp_prod) == nf->book.tx.rsp_cons )
            return true;
    }
}

static void ping_answered(const struct net_ping_reply *pr)
{
    if ( !pinger.waiting || pinger.got || pr->from != pinger.dst ||
         pr->id != pinger.id || pr->seq != pinger.seq )
        return;
    pinger.got = true;
    pinger.intact = pr->intact;
    pinger.at = monotonic_ns();
}

/*
 * The stack's answer is in RX buffer id's page, at offset: send that very
 * page. Its RX grant is ended (the backend only copies into RX pages, so
 * nothing maps it); the RX slot gets another page at the next refill.
 */
static void answer(struct netfront *nf, unsigned int id, unsigned int offset,
                   size_t len)
{
    void *page = nf->rx_page[id];

    if ( nf->book.tx.out >= nf->book.tx.nr )
    {
        nf->stack.drops[NET_DROP_NO_BUFFER]++;
        return;
    }
    if ( nf->rx_ref_live[id] )
    {
        nf->rx_ref_live[id] = false;
        nf->rx_page[id] = NULL;
        if ( !end_grant(nf->rx_ref[id], page) )
        {
            /* Mapped, which a copying backend never does: no answer. */
            nf->stack.drops[NET_DROP_NO_BUFFER]++;
            return;
        }
    }
    if ( send_page(nf, page, offset, (unsigned int)len) < 0 )
    {
        nf->stack.drops[NET_DROP_NO_BUFFER]++;
        nf->rx_page[id] = page;     /* granted again at the refill */
    }
}

static bool take_rx_responses(struct netfront *nf)
{
    for ( ;; )
    {
        uint32_t prod = read_once(&nf->rx_sring->rsp_prod), n;

        smp_rmb();
        if ( netif_book_responses(&nf->book.rx, prod, &n) )
        {
            snprintf(nf->why, sizeof(nf->why), "RX rsp_prod %u, past the %u "
                     "buffers posted", prod, nf->book.rx.req_prod);
            shut_down(nf);
            return false;
        }
        while ( n-- > 0 )
        {
            netif_rx_response_t rsp;
            enum netif_verdict v;
            struct net_ping_reply pr;
            size_t out;
            int len;

            memcpy(&rsp, &nf->rx_sring->ring[nf->book.rx.rsp_cons &
                                             (RX_RING_SIZE - 1)].rsp,
                   sizeof(rsp));
            barrier();
            v = netif_rx_complete(&nf->book, rsp.id, rsp.offset, rsp.flags,
                                  rsp.status, &len);
            if ( v != NETIF_GOOD )
            {
                snprintf(nf->why, sizeof(nf->why), "%s on RX (id %u, offset "
                         "%u, flags 0x%x, status %d)", netif_verdict_name(v),
                         rsp.id, rsp.offset, rsp.flags, rsp.status);
                shut_down(nf);
                return false;
            }
            if ( len < 0 )
            {
                nf->stack.drops[NET_DROP_BACKEND]++;
                continue;
            }
            switch ( net_input(&nf->stack, (uint8_t *)nf->rx_page[rsp.id] +
                               rsp.offset, (size_t)len,
                               PAGE_SIZE - rsp.offset, &out, &pr) )
            {
            case NET_REPLY:
                answer(nf, rsp.id, rsp.offset, out);
                break;
            case NET_PING_REPLY:
                ping_answered(&pr);
                break;
            default:
                break;
            }
            if ( nf->state != NF_CONNECTED )
                return false;
        }
        refill(nf);
        write_once(&nf->rx_sring->rsp_event, nf->book.rx.rsp_cons + 1);
        smp_mb();
        if ( read_once(&nf->rx_sring->rsp_prod) == nf->book.rx.rsp_cons )
            return true;
    }
}

bool netfront_pending(void)
{
    return any_kicked;
}

void netfront_process(void)
{
    any_kicked = false;
    for ( unsigned int i = 0; i < NETFRONT_MAX; i++ )
    {
        struct netfront *nf = &nics[i];

        if ( !nf->kicked )
            continue;
        nf->kicked = false;
        /* TX first: the pages it frees carry this turn's answers. */
        if ( nf->state == NF_CONNECTED && take_tx_responses(nf) )
            take_rx_responses(nf);
    }
}

/* --- the handshake's ends -------------------------------------------------------- */

void netfront_connected(struct netfront *nf)
{
    nf->state = NF_CONNECTED;
    refill(nf);
    /* Responses may have come before the port was ours to hear. */
    nf->kicked = true;
    any_kicked = true;
}

void netfront_away(struct netfront *nf)
{
    if ( nf->state == NF_CONNECTED && take_tx_responses(nf) )
        take_rx_responses(nf);
    if ( nf->state != NF_CONNECTED && nf->state != NF_CONNECTING &&
         nf->state != NF_INIT )
    {
        rings_down(nf, false, false);
        nf->dev = NULL;
        nf->state = NF_FREE;
        return;
    }
    rings_down(nf, false, true);
    nf->dev = NULL;
    nf->state = NF_AWAY;
}

void netfront_free(struct netfront *nf)
{
    rings_down(nf, true, false);
    nf->dev = NULL;
    nf->state = NF_FREE;
}

/* --- ping ------------------------------------------------------------------------ */

static void deadline_fn(struct timer *t, void *ctx)
{
    *(bool *)ctx = true;
}

/* Build and send one frame (a ping, or the ARP request before it). */
static int send_ping_frame(struct netfront *nf, uint32_t dst, uint16_t seq,
                           size_t size, bool *arp)
{
    void *page = get_page(nf);
    int n, rc;

    if ( !page )
        return -ENOMEM;
    n = net_build_ping(&nf->stack, dst, pinger.id, seq, size, page,
                       PAGE_SIZE, arp);
    if ( n < 0 )
    {
        put_page(nf, page);
        return n;
    }
    rc = send_page(nf, page, 0, (unsigned int)n);
    if ( rc < 0 )
        put_page(nf, page);
    return rc;
}

int netfront_ping(struct netfront *nf, uint32_t dst, uint16_t seq,
                  size_t size, uint32_t timeout_ms, uint64_t *rtt_ns,
                  bool (*stop)(void))
{
    struct timer timer = { .armed = false };
    bool expired = false, arp = false;
    uint64_t sent = 0;
    int rc;

    if ( !nf )
        return -ENODEV;
    pinger.id = 0x7470;         /* "tp" */
    pinger.dst = dst;
    pinger.seq = seq;
    pinger.got = false;
    pinger.waiting = true;
    timer_arm(&timer, monotonic_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC,
              deadline_fn, &expired);
    for ( ;; )
    {
        if ( nf->state != NF_CONNECTED )
            rc = -ENODEV;
        else
        {
            uint8_t mac[ETH_ALEN];
            bool known = net_arp_lookup(&nf->stack, dst, mac);

            /* Once ARP is asked, wait for its answer rather than ask again. */
            if ( arp && !known )
                rc = -EAGAIN;
            else
            {
                sent = monotonic_ns();
                rc = send_ping_frame(nf, dst, seq, size, &arp);
                if ( rc == 0 && !arp )
                    break;
                if ( rc == 0 )
                    rc = -EAGAIN;   /* the ARP request went: wait */
            }
        }
        if ( rc != -EAGAIN || expired || (stop && stop()) )
            break;
        kernel_idle();
    }
    while ( rc == 0 && !pinger.got && !expired && !(stop && stop()) )
        kernel_idle();
    timer_cancel(&timer);
    pinger.waiting = false;
    if ( rc == -EAGAIN || (rc == 0 && !pinger.got) )
        rc = expired ? -ETIMEDOUT : -EINTR;
    if ( rc < 0 )
        return rc;
    *rtt_ns = pinger.at - sent;
    return pinger.intact ? 0 : -EIO;
}
