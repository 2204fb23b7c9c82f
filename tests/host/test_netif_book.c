/*
 * test_netif_book.c: netfront's ring bookkeeping (netfront/netif_book.c):
 * ids taken and given back on both rings, what a backend may answer and
 * what it may not (an id out of range or not out, a status netif.h does
 * not define, a frame past its page, a flag not negotiated, rsp_prod
 * past the requests, indices wrapping at 2^32), a refused answer
 * changing nothing, and the restart after a restore.
 */
#include <tinypv/netif_book.h>
#include "check.h"

static void test_tx(void)
{
    struct netif_book b;
    uint32_t n;

    netif_book_init(&b, NETIF_TX_SLOTS, NETIF_RX_SLOTS);
    CHECK_EQ(b.tx.nr, NETIF_TX_SLOTS);
    for ( unsigned int i = 0; i < NETIF_TX_SLOTS; i++ )
        CHECK_EQ(netif_tx_take(&b, 60 + i), (int)i);
    CHECK_EQ(netif_tx_take(&b, 60), -ENOSPC);
    CHECK_EQ(netif_tx_take(&b, 0), -EINVAL);
    CHECK_EQ(netif_tx_take(&b, PAGE_SIZE + 1), -EINVAL);
    CHECK_EQ(b.tx.out, NETIF_TX_SLOTS);

    CHECK_EQ(netif_book_responses(&b.tx, 0, &n), 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(netif_book_responses(&b.tx, NETIF_TX_SLOTS, &n), 0);
    CHECK_EQ(n, NETIF_TX_SLOTS);
    CHECK_EQ(netif_book_responses(&b.tx, NETIF_TX_SLOTS + 1, &n), -EIO);
    CHECK_EQ(n, 0);
    CHECK_EQ(netif_book_responses(&b.tx, (uint32_t)-1, &n), -EIO);

    CHECK_EQ(netif_tx_complete(&b, 3, NETIF_RSP_OKAY), NETIF_GOOD);
    CHECK_EQ(b.tx_frames, 1);
    CHECK_EQ(b.tx_bytes, 63);
    CHECK_EQ(netif_tx_complete(&b, 3, NETIF_RSP_OKAY), NETIF_NOT_OUT);
    CHECK_EQ(netif_tx_complete(&b, NETIF_TX_SLOTS, NETIF_RSP_OKAY), NETIF_BAD_ID);
    CHECK_EQ(netif_tx_complete(&b, 0xffff, NETIF_RSP_OKAY), NETIF_BAD_ID);
    CHECK_EQ(netif_tx_complete(&b, 4, NETIF_RSP_NULL), NETIF_BAD_STATUS);
    CHECK_EQ(netif_tx_complete(&b, 4, -3), NETIF_BAD_STATUS);
    CHECK_EQ(netif_tx_complete(&b, 4, 0x7fff), NETIF_BAD_STATUS);
    /* Refused answers changed nothing. */
    CHECK_EQ(b.tx.out, NETIF_TX_SLOTS - 1);
    CHECK_EQ(b.tx.rsp_cons, 1);
    CHECK(b.tx.busy[4]);
    CHECK_EQ(netif_tx_complete(&b, 4, NETIF_RSP_ERROR), NETIF_GOOD);
    CHECK_EQ(netif_tx_complete(&b, 5, NETIF_RSP_DROPPED), NETIF_GOOD);
    CHECK_EQ(b.tx_errors, 2);
    CHECK_EQ(b.tx_frames, 1);
    CHECK_EQ(netif_tx_take(&b, 100), 3);    /* the lowest free id */
}

static void test_rx(void)
{
    struct netif_book b;
    int len = 99;

    netif_book_init(&b, NETIF_TX_SLOTS, NETIF_RX_SLOTS);
    for ( unsigned int i = 0; i < NETIF_RX_SLOTS; i++ )
        CHECK_EQ(netif_rx_take(&b), (int)i);
    CHECK_EQ(netif_rx_take(&b), -ENOSPC);

    CHECK_EQ(netif_rx_complete(&b, 0, 0, NETRXF_data_validated, 98, &len),
             NETIF_GOOD);
    CHECK_EQ(len, 98);
    CHECK_EQ(b.rx_bytes, 98);
    CHECK_EQ(netif_rx_complete(&b, 0, 0, 0, 98, &len), NETIF_NOT_OUT);
    CHECK_EQ(len, 0);
    CHECK_EQ(netif_rx_complete(&b, NETIF_RX_SLOTS, 0, 0, 98, &len), NETIF_BAD_ID);
    CHECK_EQ(netif_rx_complete(&b, 1, 0, NETRXF_more_data, 98, &len),
             NETIF_BAD_FLAGS);
    CHECK_EQ(netif_rx_complete(&b, 1, 0, NETRXF_extra_info, 98, &len),
             NETIF_BAD_FLAGS);
    CHECK_EQ(netif_rx_complete(&b, 1, 0, NETRXF_gso_prefix, 98, &len),
             NETIF_BAD_FLAGS);
    CHECK_EQ(netif_rx_complete(&b, 1, 4000, 0, 97, &len), NETIF_BAD_SIZE);
    CHECK_EQ(netif_rx_complete(&b, 1, 4096, 0, 1, &len), NETIF_BAD_SIZE);
    CHECK_EQ(netif_rx_complete(&b, 1, 0, 0, 4097, &len), NETIF_BAD_SIZE);
    CHECK_EQ(netif_rx_complete(&b, 1, 0xffff, 0, 0x7fff, &len), NETIF_BAD_SIZE);
    CHECK_EQ(netif_rx_complete(&b, 1, 0, 0, -3, &len), NETIF_BAD_STATUS);
    CHECK_EQ(netif_rx_complete(&b, 1, 0, 0, -32768, &len), NETIF_BAD_STATUS);
    CHECK_EQ(b.rx.out, NETIF_RX_SLOTS - 1);
    CHECK_EQ(b.rx.rsp_cons, 1);
    /* Edges that are fine: a whole page, an error, an empty frame. */
    CHECK_EQ(netif_rx_complete(&b, 1, 0, 0, 4096, &len), NETIF_GOOD);
    CHECK_EQ(len, 4096);
    CHECK_EQ(netif_rx_complete(&b, 2, 4000, 0, 96, &len), NETIF_GOOD);
    CHECK_EQ(netif_rx_complete(&b, 3, 0, 0, NETIF_RSP_ERROR, &len), NETIF_GOOD);
    CHECK_EQ(len, -1);
    CHECK_EQ(netif_rx_complete(&b, 4, 0, 0, NETIF_RSP_DROPPED, &len), NETIF_GOOD);
    CHECK_EQ(netif_rx_complete(&b, 5, 0, 0, 0, &len), NETIF_GOOD);
    CHECK_EQ(len, 0);
    CHECK_EQ(b.rx_errors, 2);
    CHECK_EQ(b.rx_frames, 4);
}

static void test_wrap_and_restart(void)
{
    struct netif_book b;
    uint32_t n;

    netif_book_init(&b, 4, 4);
    b.rx.req_prod = b.rx.rsp_cons = 0xfffffffeu;
    for ( unsigned int i = 0; i < 4; i++ )
        CHECK_EQ(netif_rx_take(&b), (int)i);
    CHECK_EQ(b.rx.req_prod, 2);
    CHECK_EQ(netif_book_responses(&b.rx, 1, &n), 0);
    CHECK_EQ(n, 3);
    CHECK_EQ(netif_book_responses(&b.rx, 3, &n), -EIO);
    CHECK_EQ(netif_book_responses(&b.rx, 0xfffffffdu, &n), -EIO);

    CHECK_EQ(netif_tx_take(&b, 60), 0);
    CHECK_EQ(netif_tx_take(&b, 60), 1);
    CHECK_EQ(netif_book_restart(&b.tx), 2);
    CHECK_EQ(b.tx.out, 0);
    CHECK_EQ(b.tx.req_prod, 0);
    CHECK_EQ(netif_tx_complete(&b, 0, NETIF_RSP_OKAY), NETIF_NOT_OUT);
    CHECK(!netif_book_forget(&b.tx, 0));
    CHECK(!netif_book_forget(&b.tx, 99));
    CHECK_EQ(netif_book_restart(&b.rx), 4);

    /* Sizes are clamped to what the book holds. */
    netif_book_init(&b, 0, 1000);
    CHECK_EQ(b.tx.nr, 1);
    CHECK_EQ(b.rx.nr, NETIF_BOOK_MAX);
    CHECK_STR(netif_verdict_name(NETIF_BAD_FLAGS), "a flag not negotiated");
    CHECK_STR(netif_verdict_name((enum netif_verdict)42), "?");
}

int main(void)
{
    test_tx();
    test_rx();
    test_wrap_and_restart();
    return check_summary("netif_book");
}
