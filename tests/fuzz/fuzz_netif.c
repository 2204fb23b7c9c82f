/*
 * fuzz_netif.c: netfront's ring bookkeeping (netfront/netif_book.c)
 * against a hostile network backend, with a model that predicts every
 * verdict.
 *
 * Input: u8 tx slots, u8 rx slots (each 1 + v % NETIF_BOOK_MAX), then
 * operations, by opcode % 6:
 *   0  tx take     u16 length
 *   1  rx take
 *   2  tx respond  u16 id (bit 15 clear: an id the model has out, % nr),
 *                  u16 status
 *   3  rx respond  u16 id (as above), u16 offset, u16 flags, u16 status
 *   4  rsp_prod    u8 ring, u32 delta: the backend publishes rsp_cons + delta
 *   5  restart     u8 ring: a restore
 *
 * After every call: the model and the book agree on which ids are out
 * and how many; a response is accepted exactly when the model says so, a
 * refused one changes nothing; rsp_prod is accepted exactly within the
 * requests made; the counters add up.
 */
#include <tinypv/netif_book.h>
#include "fuzz.h"

static bool m_out[2][NETIF_BOOK_MAX];

static void check_same(const struct netif_book *b)
{
    const struct netif_ring_book *r[2] = { &b->tx, &b->rx };

    for ( int k = 0; k < 2; k++ )
    {
        unsigned int n = 0;

        for ( unsigned int i = 0; i < NETIF_BOOK_MAX; i++ )
        {
            FUZZ_ASSERT(r[k]->busy[i] == m_out[k][i]);
            FUZZ_ASSERT(i < r[k]->nr || !m_out[k][i]);
            n += m_out[k][i];
        }
        FUZZ_ASSERT(r[k]->out == n);
        FUZZ_ASSERT(r[k]->req_prod - r[k]->rsp_cons >= n);
    }
}

static int lowest_free(const struct netif_ring_book *r, int k)
{
    for ( unsigned int i = 0; i < r->nr; i++ )
        if ( !m_out[k][i] )
            return (int)i;
    return -ENOSPC;
}

static uint16_t pick(struct fuzz_input *in, const struct netif_ring_book *r)
{
    uint16_t v = fuzz_u16(in);

    return (v & 0x8000) ? v : (uint16_t)(v % r->nr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size };
    struct netif_book b;
    unsigned int tx = 1 + fuzz_u8(&in) % NETIF_BOOK_MAX;
    unsigned int rx = 1 + fuzz_u8(&in) % NETIF_BOOK_MAX;

    memset(m_out, 0, sizeof(m_out));
    netif_book_init(&b, tx, rx);
    while ( !fuzz_empty(&in) )
    {
        struct netif_book before = b;

        switch ( fuzz_u8(&in) % 6 )
        {
        case 0:
        {
            uint16_t len = fuzz_u16(&in);
            int want = (len < 1 || len > PAGE_SIZE) ? -EINVAL :
                       lowest_free(&b.tx, 0);
            int got = netif_tx_take(&b, len);

            FUZZ_ASSERT(got == want);
            if ( got >= 0 )
                m_out[0][got] = true;
            break;
        }
        case 1:
        {
            int want = lowest_free(&b.rx, 1), got = netif_rx_take(&b);

            FUZZ_ASSERT(got == want);
            if ( got >= 0 )
                m_out[1][got] = true;
            break;
        }
        case 2:
        {
            uint16_t id = pick(&in, &b.tx);
            int16_t status = (int16_t)fuzz_u16(&in);
            enum netif_verdict want =
                id >= b.tx.nr ? NETIF_BAD_ID :
                !m_out[0][id] ? NETIF_NOT_OUT :
                (status < -2 || status > 0) ? NETIF_BAD_STATUS : NETIF_GOOD;
            enum netif_verdict got = netif_tx_complete(&b, id, status);

            FUZZ_ASSERT(got == want);
            if ( got == NETIF_GOOD )
            {
                m_out[0][id] = false;
                FUZZ_ASSERT(b.tx.rsp_cons == before.tx.rsp_cons + 1);
                FUZZ_ASSERT(b.tx_frames + b.tx_errors ==
                            before.tx_frames + before.tx_errors + 1);
            }
            else
                FUZZ_ASSERT(memcmp(&b, &before, sizeof(b)) == 0);
            break;
        }
        case 3:
        {
            uint16_t id = pick(&in, &b.rx), offset = fuzz_u16(&in);
            uint16_t flags = fuzz_u16(&in);
            int16_t status = (int16_t)fuzz_u16(&in);
            int len = 7;
            enum netif_verdict want =
                id >= b.rx.nr ? NETIF_BAD_ID :
                !m_out[1][id] ? NETIF_NOT_OUT :
                (flags & (NETRXF_more_data | NETRXF_extra_info |
                          NETRXF_gso_prefix)) ? NETIF_BAD_FLAGS :
                status < -2 ? NETIF_BAD_STATUS :
                (status > 0 && (uint32_t)offset + (uint32_t)status > PAGE_SIZE)
                    ? NETIF_BAD_SIZE : NETIF_GOOD;
            enum netif_verdict got = netif_rx_complete(&b, id, offset, flags,
                                                       status, &len);

            FUZZ_ASSERT(got == want);
            if ( got == NETIF_GOOD )
            {
                m_out[1][id] = false;
                FUZZ_ASSERT(len == (status < 0 ? -1 : status));
                /* What the driver will read lies within the page. */
                FUZZ_ASSERT(len <= 0 || (uint32_t)offset + (uint32_t)len <= PAGE_SIZE);
            }
            else
            {
                FUZZ_ASSERT(len == 0);
                FUZZ_ASSERT(memcmp(&b, &before, sizeof(b)) == 0);
            }
            break;
        }
        case 4:
        {
            struct netif_ring_book *r = fuzz_u8(&in) & 1 ? &b.rx : &b.tx;
            uint32_t delta = fuzz_u32(&in), n = 99;
            int rc = netif_book_responses(r, r->rsp_cons + delta, &n);

            FUZZ_ASSERT(rc == (delta > r->req_prod - r->rsp_cons ? -EIO : 0));
            FUZZ_ASSERT(n == (rc ? 0 : delta));
            break;
        }
        default:
        {
            int k = fuzz_u8(&in) & 1;
            struct netif_ring_book *r = k ? &b.rx : &b.tx;
            unsigned int want = 0;

            for ( unsigned int i = 0; i < NETIF_BOOK_MAX; i++ )
                want += m_out[k][i];
            FUZZ_ASSERT(netif_book_restart(r) == want);
            memset(m_out[k], 0, sizeof(m_out[k]));
            FUZZ_ASSERT(r->req_prod == 0 && r->rsp_cons == 0);
            break;
        }
        }
        check_same(&b);
    }
    return 0;
}
