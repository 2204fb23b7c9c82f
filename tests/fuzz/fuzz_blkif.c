/*
 * fuzz_blkif.c: blkfront's bookkeeping (blkfront/blkif_book.c) against a
 * hostile block backend, with a model that predicts every answer.
 *
 * Input: u8 slots (1 + v % BLKIF_BOOK_SLOTS), then operations, by
 * opcode % 6:
 *   0  take      u8 op (% 4: read, write, flush, or 3: discard, unknown
 *                here), u8 nsect (any), u32 sector
 *   1  respond   u8 how: bit 0 set: the id of an in-flight slot (u8 %
 *                slots), else any u64 id; then u8 op, u16 status
 *   2  rsp_prod  u32 delta: the backend publishes rsp_cons + delta
 *   3  restart   a restore: the ring from 0, each in-flight slot issued
 *                again (and u8 bad: reissue slot bad % 20, maybe free)
 *   4  forget    u8 id (% 20)
 *   5  segments  u16 nsect
 *
 * After every call: the model and the book agree on each slot, the
 * counters add up (issued + reissues - forgotten = answered + in flight),
 * a response is accepted exactly when the model says so and then hands
 * back the slot as requested, a refused one changes nothing, rsp_prod is
 * accepted exactly when it is within the requests made, and segments
 * never exceed the slot's pages nor describe more than a page each.
 */
#include <tinypv/blkif_book.h>
#include <tinypv/xs_proto.h>
#include "fuzz.h"

static struct {
    bool in_flight;
    uint8_t op;
    uint16_t nsect;
    uint64_t sector;
} m[BLKIF_BOOK_SLOTS];

static bool op_ok(uint8_t op)
{
    return op == BLKIF_OP_READ || op == BLKIF_OP_WRITE ||
           op == BLKIF_OP_FLUSH_DISKCACHE;
}

static void check_same(const struct blkif_book *b)
{
    unsigned int n = 0;

    for ( unsigned int i = 0; i < BLKIF_BOOK_SLOTS; i++ )
    {
        FUZZ_ASSERT(b->slot[i].in_flight == m[i].in_flight);
        FUZZ_ASSERT(i < b->nr || !m[i].in_flight);
        if ( !m[i].in_flight )
            continue;
        n++;
        FUZZ_ASSERT(b->slot[i].op == m[i].op);
        FUZZ_ASSERT(b->slot[i].nsect == m[i].nsect);
        FUZZ_ASSERT(b->slot[i].sector == m[i].sector);
    }
    FUZZ_ASSERT(b->in_flight == n);
}

static void take(struct blkif_book *b, struct fuzz_input *in)
{
    uint8_t op = fuzz_u8(in) % 4, nsect = fuzz_u8(in);
    uint32_t sector = fuzz_u32(in);
    int want = -ENOSPC, got;

    if ( op == 3 )
        op = BLKIF_OP_DISCARD;
    if ( !op_ok(op) || (op == BLKIF_OP_FLUSH_DISKCACHE ? nsect != 0 :
                        (nsect < 1 || nsect > BLKIF_BOOK_SECTORS)) )
        want = -EINVAL;
    else
        for ( unsigned int i = 0; i < b->nr && want < 0; i++ )
            if ( !m[i].in_flight )
                want = (int)i;
    got = blkif_book_take(b, op, sector, nsect);
    FUZZ_ASSERT(got == want);
    if ( got >= 0 )
    {
        m[got].in_flight = true;
        m[got].op = op;
        m[got].nsect = nsect;
        m[got].sector = sector;
    }
}

static void respond(struct blkif_book *b, struct fuzz_input *in)
{
    uint8_t how = fuzz_u8(in);
    uint64_t id = how & 1 ? fuzz_u8(in) % b->nr :
                  ((uint64_t)fuzz_u32(in) << 32 | fuzz_u32(in)) % 64;
    uint8_t op = fuzz_u8(in);
    int16_t status = (int16_t)fuzz_u16(in);
    struct blkif_book before = *b;
    struct blkif_slot s;
    enum blkif_verdict want, got;

    if ( how & 2 )
        op = (uint8_t)(op % 3);     /* mostly plausible ops */
    if ( how & 4 )
        status = (int16_t)(status % 4 - 2);
    if ( id >= b->nr )
        want = BLKIF_BAD_ID;
    else if ( !m[id].in_flight )
        want = BLKIF_NOT_IN_FLIGHT;
    else if ( op != m[id].op )
        want = BLKIF_BAD_OP;
    else if ( status < -2 || status > 0 )
        want = BLKIF_BAD_STATUS;
    else
        want = BLKIF_GOOD;
    got = blkif_book_complete(b, id, op, status, &s);
    FUZZ_ASSERT(got == want);
    FUZZ_ASSERT(blkif_verdict_name(got)[0] != '\0');
    if ( got != BLKIF_GOOD )
    {
        FUZZ_ASSERT(memcmp(&before, b, sizeof(before)) == 0);
        return;
    }
    FUZZ_ASSERT(s.op == m[id].op && s.nsect == m[id].nsect &&
                s.sector == m[id].sector);
    FUZZ_ASSERT(b->rsp_cons == before.rsp_cons + 1);
    m[id].in_flight = false;
}

static void rsp_prod(struct blkif_book *b, struct fuzz_input *in)
{
    uint32_t delta = fuzz_u32(in), n = 12345;
    int rc = blkif_book_responses(b, b->rsp_cons + delta, &n);

    if ( delta <= b->req_prod - b->rsp_cons )
        FUZZ_ASSERT(rc == 0 && n == delta);
    else
        FUZZ_ASSERT(rc == -EIO && n == 0);
}

static void restart(struct blkif_book *b, struct fuzz_input *in)
{
    unsigned int bad = fuzz_u8(in) % 20, n = 0;

    blkif_book_restart(b);
    FUZZ_ASSERT(b->req_prod == 0 && b->rsp_cons == 0);
    for ( unsigned int i = 0; i < b->nr; i++ )
    {
        FUZZ_ASSERT(blkif_book_reissue(b, i) == (m[i].in_flight ? 0 : -EINVAL));
        n += m[i].in_flight;
    }
    FUZZ_ASSERT(b->req_prod == n);
    if ( bad >= b->nr || !m[bad].in_flight )
        FUZZ_ASSERT(blkif_book_reissue(b, bad) == -EINVAL);
}

static void forget(struct blkif_book *b, struct fuzz_input *in)
{
    unsigned int id = fuzz_u8(in) % 20;

    blkif_book_forget(b, id);
    if ( id < BLKIF_BOOK_SLOTS )
        m[id].in_flight = false;
}

static void segments(struct fuzz_input *in)
{
    struct blkif_request_segment seg[BLKIF_BOOK_SEG_PAGES + 1];
    grant_ref_t refs[BLKIF_BOOK_SEG_PAGES] = { 1, 2, 3, 4 };
    unsigned int nsect = fuzz_u16(in), n, sum = 0;

    seg[BLKIF_BOOK_SEG_PAGES].gref = 0xdead;
    n = blkif_fill_segments(nsect, refs, seg);
    FUZZ_ASSERT(n <= BLKIF_BOOK_SEG_PAGES);
    FUZZ_ASSERT(seg[BLKIF_BOOK_SEG_PAGES].gref == 0xdead);
    for ( unsigned int i = 0; i < n; i++ )
    {
        FUZZ_ASSERT(seg[i].first_sect == 0 && seg[i].last_sect < 8);
        FUZZ_ASSERT(seg[i].gref == refs[i]);
        sum += seg[i].last_sect + 1u;
    }
    FUZZ_ASSERT(sum == (nsect < BLKIF_BOOK_SECTORS ? nsect : BLKIF_BOOK_SECTORS));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size };
    struct blkif_book b;

    memset(m, 0, sizeof(m));
    blkif_book_init(&b, 1 + fuzz_u8(&in) % BLKIF_BOOK_SLOTS);
    for ( unsigned int ops = 0; !fuzz_empty(&in) && ops < 5000; ops++ )
    {
        switch ( fuzz_u8(&in) % 6 )
        {
        case 0: take(&b, &in);      break;
        case 1: respond(&b, &in);   break;
        case 2: rsp_prod(&b, &in);  break;
        case 3: restart(&b, &in);   break;
        case 4: forget(&b, &in);    break;
        case 5: segments(&in);      break;
        }
        check_same(&b);
    }
    return 0;
}
