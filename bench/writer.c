/*
 * writer.c: one tree's console ring writer behind struct bench_writer
 * (writer.h). Built once per tree with BENCH_WRITER set to the name of the
 * table to define (bench/bench.mk); it uses only the writer's public
 * interface, which a baseline tree must have too.
 */
#include <tinypv/ring.h>
#include "writer.h"

#ifndef BENCH_WRITER
#error "build with -DBENCH_WRITER=bench_writer_tree (or _baseline)"
#endif

static struct xencons_writer w;

static void writer_start(void *page, const struct bench_writer_ops *ops,
                         uint64_t stall_ns)
{
    const struct xencons_ops xops = {
        .notify = ops->notify, .wait = ops->wait, .now = ops->now,
    };

    xencons_writer_init(&w, page, &xops, stall_ns);
}

static size_t writer_write(const char *buf, size_t len)
{
    size_t done = xencons_write(&w, buf, len);

    xencons_kick(&w);
    return done;
}

static bool writer_flush(uint64_t limit_ns)
{
    return xencons_flush(&w, limit_ns);
}

static void writer_stats(struct bench_writer_stats *st)
{
    st->bytes = w.stats.bytes;
    st->notifications = w.stats.notifications;
    st->full_waits = w.stats.full_waits;
    st->stalls = w.stats.stalls;
    st->ok = w.state == XENCONS_OK;
}

__attribute__((visibility("default")))
const struct bench_writer BENCH_WRITER = {
    .name = BENCH_WRITER_NAME,
    .start = writer_start,
    .write = writer_write,
    .flush = writer_flush,
    .stats = writer_stats,
};
