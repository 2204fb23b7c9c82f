/*
 * test_blkfront.c: blkfront's data path (blkfront/blkfront.c) against a
 * fake backend on the host: the grant table, pages, event channels,
 * timers and the main loop are stubs; kernel_idle() is the backend. It
 * serves requests from the shared ring through the granted pages into a
 * disk in memory. Checked: reads and writes land where they should
 * (segments, sectors, copies), flush, out-of-range requests refused; a
 * restore with a request in flight (the slot kept, issued again on the
 * new ring, answered once); hostile answers (an id out of range, an
 * unknown status, rsp_prod past the requests): the request fails, the
 * disk is shut down, said once; every grant and page is given back.
 * The system tests (tests/system/dom0/blkfront.sh) prove it against
 * dom0's real blkback.
 */
#include "../../blkfront/blkfront_priv.h"
#include <tinypv/gnttab.h>
#include <tinypv/mm.h>
#include <tinypv/clock.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "check.h"
#include "fake_frontend_env.h"
/* --- stubs: timers, the console (grants, pages, ports: fake_frontend_env.c) */

static int printed;

/*
 * The one timer that matters, blkfront_rw()'s deadline: it fires after
 * IDLE_TURNS turns of the main loop in which the backend found no request
 * (a driver that never places or pushes one, as a student's tree of the
 * blkfront lab: the test fails instead of waiting for ever).
 */
#define IDLE_TURNS 10000
static struct timer *deadline;
static timer_fn deadline_fn_;
static void *deadline_ctx;
static int idle_turns;

void timer_arm(struct timer *t, uint64_t d, timer_fn fn, void *ctx)
{
    t->armed = true;
    deadline = t;
    deadline_fn_ = fn;
    deadline_ctx = ctx;
    idle_turns = 0;
}

void timer_cancel(struct timer *t)
{
    t->armed = false;
    if ( t == deadline )
        deadline = NULL;
}
uint64_t monotonic_ns(void) { return 0; }
void control_message_printed(void) { }
int xenbus_switch_state(struct xenbus_device *d, XenbusState s) { return 0; }
const char *xs_strerror(int e) { return "error"; }

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printed++;
}

/* --- the fake backend: a disk in memory, misbehaviour on demand ------------- */

static uint8_t disk[8192 * 512];
static struct blkfront *cur;
static RING_IDX be_cons;
static int hostile;         /* 1: a wrong id, 2: a bad status, 3: rsp_prod too far */
static int hold;            /* turns of the main loop with no answer */

static void serve(blkif_request_t *r, blkif_response_t *rsp)
{
    uint64_t sec = r->sector_number;

    for ( int i = 0; i < r->nr_segments; i++ )
    {
        uint8_t *pg = fake_grants[r->seg[i].gref];

        CHECK(pg != NULL);
        if ( !pg )
            abort();
        for ( int k = r->seg[i].first_sect; k <= r->seg[i].last_sect;
              k++, sec++ )
            if ( r->operation == BLKIF_OP_READ )
                memcpy(pg + k * 512, disk + sec * 512, 512);
            else
                memcpy(disk + sec * 512, pg + k * 512, 512);
    }
    rsp->id = hostile == 1 ? 99 : r->id;
    rsp->operation = r->operation;
    rsp->status = hostile == 2 ? 5 : BLKIF_RSP_OKAY;
}

/* The main loop: the backend answers, the upcall fires, the driver reads. */
void kernel_idle(void)
{
    blkif_sring_t *s = cur->sring;

    if ( hold )
    {
        hold--;
        return;
    }
    if ( be_cons == s->req_prod && deadline && deadline->armed &&
         ++idle_turns >= IDLE_TURNS )
    {
        deadline->armed = false;
        deadline = NULL;
        deadline_fn_(NULL, deadline_ctx);
    }
    while ( be_cons != s->req_prod )
    {
        idle_turns = 0;
        blkif_request_t r = s->ring[be_cons % 32].req;

        serve(&r, &s->ring[be_cons % 32].rsp);
        be_cons++;
        s->rsp_prod = hostile == 3 ? be_cons + 7 : be_cons;
    }
    fake_kick(cur->port);
    if ( blkfront_pending() )
        blkfront_process();
}

/* What the handshake does, minus xenstore. */
static struct blkfront *connect(const char *id)
{
    struct blkfront *bf = blkfront_alloc(id);

    cur = bf;
    be_cons = 0;
    CHECK(blkfront_ring_setup(bf, 0) == 0);
    bf->sectors = 8192;
    bf->sector_size = 512;
    bf->flush = true;
    blkfront_connected(bf);
    return bf;
}

static void done_fn(void *c, int s) { *(int *)c = s; }

static void test_rw(struct blkfront *bf)
{
    static uint8_t buf[BLKIF_BOOK_SECTORS * 512];

    CHECK_STR(bf->name, "xvda");
    CHECK_EQ(fake_nrefs, 1 + BLKIF_BOOK_SLOTS * BLKIF_BOOK_SEG_PAGES);
    CHECK_EQ(fake_pages_out, 1 + BLKIF_BOOK_SLOTS * BLKIF_BOOK_SEG_PAGES);
    CHECK_EQ(blkfront_rw(bf, BLKIF_OP_READ, 100, BLKIF_BOOK_SECTORS, buf, NULL),
             0);
    CHECK(memcmp(buf, disk + 100 * 512, sizeof(buf)) == 0);
    for ( unsigned int s = 0; s < 8192; s += 13 )
    {
        unsigned int n = 13 > 8192 - s ? 8192 - s : 13;

        CHECK_EQ(blkfront_rw(bf, BLKIF_OP_READ, s, n, buf, NULL), 0);
        CHECK(memcmp(buf, disk + s * 512, n * 512) == 0);
    }
    memset(buf, 'x', 512);
    CHECK_EQ(blkfront_rw(bf, BLKIF_OP_WRITE, 5, 1, buf, NULL), 0);
    CHECK(disk[5 * 512] == 'x' && disk[5 * 512 + 511] == 'x' &&
          disk[6 * 512] != 'x' && disk[4 * 512 + 511] != 'x');
    CHECK_EQ(blkfront_rw(bf, BLKIF_OP_FLUSH_DISKCACHE, 0, 0, NULL, NULL), 0);
    CHECK_EQ(blkfront_rw(bf, BLKIF_OP_READ, 8190, 3, buf, NULL), -EINVAL);
    CHECK_EQ(blkfront_rw(bf, BLKIF_OP_READ, 0, BLKIF_BOOK_SECTORS + 1, buf,
                         NULL), -EINVAL);
    bf->readonly = true;
    CHECK_EQ(blkfront_rw(bf, BLKIF_OP_WRITE, 5, 1, buf, NULL), -EROFS);
    bf->readonly = false;
    CHECK_EQ(bf->book.in_flight, 0);
}

static struct blkfront *test_restore(struct blkfront *bf)
{
    static uint8_t buf[512];
    struct blkfront *again;
    int st = 99;

    hold = 1;       /* the backend does not answer before the save */
    CHECK(blkfront_submit(bf, BLKIF_OP_READ, 7, 1, buf, done_fn, &st) >= 0);
    fake_handler = NULL;                 /* what evtchn_forget_all() does */
    blkfront_away(bf);
    CHECK_EQ(bf->state, BF_AWAY);
    CHECK_EQ(bf->book.in_flight, 1);
    CHECK_EQ(fake_nrefs, 0);             /* the old table's grants ended */
    CHECK_EQ(fake_pages_out, 1 + BLKIF_BOOK_SLOTS * BLKIF_BOOK_SEG_PAGES);        /* the pages kept */
    again = connect("51712");
    CHECK(again == bf);
    for ( int i = 0; i < 3 && st == 99; i++ )
        kernel_idle();
    CHECK_EQ(st, 0);
    CHECK(memcmp(buf, disk + 7 * 512, 512) == 0);
    CHECK_EQ(bf->book.reissued, 1);
    return bf;
}

static struct blkfront *test_hostile(struct blkfront *bf)
{
    static uint8_t buf[512];

    for ( hostile = 1; hostile <= 3; hostile++ )
    {
        printed = 0;
        CHECK_EQ(blkfront_rw(bf, BLKIF_OP_READ, 0, 1, buf, NULL), -EIO);
        CHECK_EQ(bf->state, BF_BROKEN);
        CHECK_EQ(printed, 1);
        CHECK_EQ(blkfront_rw(bf, BLKIF_OP_READ, 0, 1, buf, NULL), -ENODEV);
        CHECK_EQ(printed, 1);
        blkfront_free(bf);
        bf = connect("51712");
    }
    hostile = 0;
    return bf;
}

int main(void)
{
    struct blkfront *bf;

    for ( size_t i = 0; i < sizeof(disk); i++ )
        disk[i] = (uint8_t)(i * 7 + i / 511);
    bf = connect("51712");
    test_rw(bf);
    bf = test_restore(bf);
    bf = test_hostile(bf);
    blkfront_free(bf);
    CHECK_EQ(fake_nrefs, 0);
    CHECK_EQ(fake_pages_out, 0);
    return check_summary("blkfront");
}
