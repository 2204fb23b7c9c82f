/*
 * test_blkif_book.c: blkfront's bookkeeping (blkfront/blkif_book.c):
 * slots taken and freed, what a backend may answer (an id out of range
 * or not in flight, an operation not requested, an unknown status,
 * rsp_prod past the requests), the restart after a restore, segments,
 * disk names and the backend's figures.
 */
#include <tinypv/blkif_book.h>
#include <tinypv/xs_proto.h>
#include "check.h"

static void test_take_and_complete(void)
{
    struct blkif_book b;
    struct blkif_slot s;
    uint32_t n = 99;
    int ids[BLKIF_BOOK_SLOTS];

    blkif_book_init(&b, BLKIF_BOOK_SLOTS);
    CHECK_EQ(b.nr, BLKIF_BOOK_SLOTS);
    for ( unsigned int i = 0; i < BLKIF_BOOK_SLOTS; i++ )
    {
        ids[i] = blkif_book_take(&b, BLKIF_OP_READ, i * 32, 32);
        CHECK_EQ(ids[i], (int)i);
    }
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_READ, 0, 1), -ENOSPC);
    CHECK_EQ(b.in_flight, BLKIF_BOOK_SLOTS);
    CHECK_EQ(b.req_prod, BLKIF_BOOK_SLOTS);

    /* Nothing answered yet; then 3 answers; then more than asked. */
    CHECK_EQ(blkif_book_responses(&b, 0, &n), 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(blkif_book_responses(&b, 3, &n), 0);
    CHECK_EQ(n, 3);
    CHECK_EQ(blkif_book_responses(&b, BLKIF_BOOK_SLOTS + 1, &n), -EIO);
    CHECK_EQ(n, 0);
    /* An index behind rsp_cons is "4 billion answers": also refused. */
    CHECK_EQ(blkif_book_complete(&b, 5, BLKIF_OP_READ, BLKIF_RSP_OKAY, &s),
             BLKIF_GOOD);
    CHECK_EQ(s.sector, 5 * 32);
    CHECK_EQ(s.nsect, 32);
    CHECK_EQ(blkif_book_responses(&b, 0, &n), -EIO);

    /* Answered twice, out of range, the wrong op, a status from nowhere. */
    CHECK_EQ(blkif_book_complete(&b, 5, BLKIF_OP_READ, BLKIF_RSP_OKAY, &s),
             BLKIF_NOT_IN_FLIGHT);
    CHECK_EQ(blkif_book_complete(&b, BLKIF_BOOK_SLOTS, BLKIF_OP_READ, 0, &s),
             BLKIF_BAD_ID);
    CHECK_EQ(blkif_book_complete(&b, 1ULL << 40, BLKIF_OP_READ, 0, &s),
             BLKIF_BAD_ID);
    CHECK_EQ(blkif_book_complete(&b, 6, BLKIF_OP_WRITE, 0, &s), BLKIF_BAD_OP);
    CHECK_EQ(blkif_book_complete(&b, 6, BLKIF_OP_READ, 7, &s),
             BLKIF_BAD_STATUS);
    CHECK_EQ(blkif_book_complete(&b, 6, BLKIF_OP_READ, -3, &s),
             BLKIF_BAD_STATUS);
    /* None of the bad ones changed anything. */
    CHECK_EQ(b.in_flight, BLKIF_BOOK_SLOTS - 1);
    CHECK_EQ(b.rsp_cons, 1);
    CHECK_EQ(blkif_book_complete(&b, 6, BLKIF_OP_READ, BLKIF_RSP_ERROR, &s),
             BLKIF_GOOD);
    CHECK_EQ(blkif_book_complete(&b, 7, BLKIF_OP_READ, BLKIF_RSP_EOPNOTSUPP,
                                 &s), BLKIF_GOOD);
    CHECK_EQ(b.completed, 1);
    CHECK_EQ(b.failed, 2);
    /* A freed slot is taken again first. */
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_WRITE, 0, 1), 5);
    CHECK_STR(blkif_verdict_name(BLKIF_NOT_IN_FLIGHT), "an id not in flight");
}

static void test_sizes(void)
{
    struct blkif_book b;

    blkif_book_init(&b, 0);
    CHECK_EQ(b.nr, 1);
    blkif_book_init(&b, 1000);
    CHECK_EQ(b.nr, BLKIF_BOOK_SLOTS);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_READ, 0, 0), -EINVAL);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_READ, 0, BLKIF_BOOK_SECTORS + 1),
             -EINVAL);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_FLUSH_DISKCACHE, 0, 1), -EINVAL);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_DISCARD, 0, 1), -EINVAL);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_FLUSH_DISKCACHE, 0, 0), 0);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_WRITE, 0, BLKIF_BOOK_SECTORS), 1);
}

/* Indices wrap at 2^32: the checks are in unsigned differences. */
static void test_wrap(void)
{
    struct blkif_book b;
    struct blkif_slot s;
    uint32_t n;

    blkif_book_init(&b, 4);
    b.req_prod = b.rsp_cons = 0xfffffffeu;
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_READ, 0, 8), 0);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_READ, 8, 8), 1);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_READ, 16, 8), 2);
    CHECK_EQ(b.req_prod, 1);
    CHECK_EQ(blkif_book_responses(&b, 0, &n), 0);
    CHECK_EQ(n, 2);
    CHECK_EQ(blkif_book_responses(&b, 1, &n), 0);
    CHECK_EQ(n, 3);
    CHECK_EQ(blkif_book_responses(&b, 2, &n), -EIO);
    CHECK_EQ(blkif_book_complete(&b, 1, BLKIF_OP_READ, 0, &s), BLKIF_GOOD);
    CHECK_EQ(b.rsp_cons, 0xffffffffu);
}

/* A restore: the ring starts at 0, in-flight slots go out again. */
static void test_restart(void)
{
    struct blkif_book b;
    struct blkif_slot s;
    uint32_t n;

    blkif_book_init(&b, 4);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_READ, 0, 8), 0);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_WRITE, 8, 1), 1);
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_READ, 16, 8), 2);
    CHECK_EQ(blkif_book_complete(&b, 0, BLKIF_OP_READ, 0, &s), BLKIF_GOOD);
    blkif_book_restart(&b);
    CHECK_EQ(b.req_prod, 0);
    CHECK_EQ(blkif_book_reissue(&b, 0), -EINVAL);   /* done: not again */
    CHECK_EQ(blkif_book_reissue(&b, 1), 0);
    CHECK_EQ(blkif_book_reissue(&b, 2), 0);
    CHECK_EQ(blkif_book_reissue(&b, 9), -EINVAL);
    CHECK_EQ(b.req_prod, 2);
    CHECK_EQ(b.reissued, 2);
    CHECK_EQ(blkif_book_responses(&b, 2, &n), 0);
    CHECK_EQ(blkif_book_responses(&b, 3, &n), -EIO);
    CHECK_EQ(blkif_book_complete(&b, 2, BLKIF_OP_READ, 0, &s), BLKIF_GOOD);
    CHECK_EQ(blkif_book_complete(&b, 1, BLKIF_OP_WRITE, 0, &s), BLKIF_GOOD);
    CHECK_EQ(b.in_flight, 0);

    /* Forgotten (failed by the driver): free, and a late answer refused. */
    CHECK_EQ(blkif_book_take(&b, BLKIF_OP_READ, 0, 8), 0);
    blkif_book_forget(&b, 0);
    blkif_book_forget(&b, 0);
    CHECK_EQ(b.in_flight, 0);
    CHECK_EQ(blkif_book_complete(&b, 0, BLKIF_OP_READ, 0, &s),
             BLKIF_NOT_IN_FLIGHT);
}

static void test_segments(void)
{
    struct blkif_request_segment seg[BLKIF_BOOK_SEG_PAGES];
    grant_ref_t refs[BLKIF_BOOK_SEG_PAGES] = { 10, 11, 12, 13 };

    CHECK_EQ(blkif_fill_segments(1, refs, seg), 1);
    CHECK_EQ(seg[0].gref, 10);
    CHECK_EQ(seg[0].first_sect, 0);
    CHECK_EQ(seg[0].last_sect, 0);
    CHECK_EQ(blkif_fill_segments(8, refs, seg), 1);
    CHECK_EQ(seg[0].last_sect, 7);
    CHECK_EQ(blkif_fill_segments(9, refs, seg), 2);
    CHECK_EQ(seg[1].gref, 11);
    CHECK_EQ(seg[1].last_sect, 0);
    CHECK_EQ(blkif_fill_segments(BLKIF_BOOK_SECTORS, refs, seg),
             BLKIF_BOOK_SEG_PAGES);
    CHECK_EQ(seg[BLKIF_BOOK_SEG_PAGES - 1].last_sect, 7);
    /* Never more than the slot's pages, whatever is asked. */
    CHECK_EQ(blkif_fill_segments(1000, refs, seg), BLKIF_BOOK_SEG_PAGES);
    CHECK_EQ(blkif_fill_segments(0, refs, seg), 0);
}

static void test_names(void)
{
    char name[16];
    uint32_t v = 0;

    CHECK_EQ(blkif_vdev_name("51712", name, sizeof(name), &v), 0);
    CHECK_STR(name, "xvda");
    CHECK_EQ(v, 51712);
    CHECK_EQ(blkif_vdev_name("51728", name, sizeof(name), &v), 0);
    CHECK_STR(name, "xvdb");
    CHECK_EQ(blkif_vdev_name("51713", name, sizeof(name), &v), 0);
    CHECK_STR(name, "vbd51713");                    /* a partition */
    CHECK_EQ(blkif_vdev_name("268441600", name, sizeof(name), &v), 0);
    CHECK_STR(name, "xvdy");                        /* 1 << 28 | 24 << 8 */
    CHECK_EQ(blkif_vdev_name("768", name, sizeof(name), &v), 0);
    CHECK_STR(name, "vbd768");                      /* hda's number */
    CHECK_EQ(blkif_vdev_name("", name, sizeof(name), &v), -EINVAL);
    CHECK_EQ(blkif_vdev_name("12a", name, sizeof(name), &v), -EINVAL);
    CHECK_EQ(blkif_vdev_name("4294967296", name, sizeof(name), &v), -EINVAL);
}

static void test_geometry(void)
{
    const char *why = NULL;

    CHECK_EQ(blkif_check_geometry(8192, 512, &why), 0);
    CHECK_EQ(blkif_check_geometry(8192, 4096, &why), 0);
    CHECK_EQ(blkif_check_geometry(0, 512, &why), -EINVAL);
    CHECK_STR(why, "sectors is 0");
    CHECK_EQ(blkif_check_geometry(1ULL << 32, 512, &why), -EINVAL);
    CHECK_EQ(blkif_check_geometry(8, 0, &why), -EINVAL);
    CHECK_EQ(blkif_check_geometry(8, 1000, &why), -EINVAL);
    CHECK_EQ(blkif_check_geometry(8, 8192, &why), -EINVAL);
    CHECK_EQ(blkif_check_geometry(8, 256, &why), -EINVAL);
}

int main(void)
{
    test_take_and_complete();
    test_sizes();
    test_wrap();
    test_restart();
    test_segments();
    test_names();
    test_geometry();
    return check_summary("blkif_book");
}
