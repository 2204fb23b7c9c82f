/*
 * writer.h: the console ring writer as ring_bench.c drives it, behind a
 * table of functions, so that one benchmark can run two versions of the
 * writer side by side: this tree's console/ring.c and, with
 * BENCH_BASELINE=REV, the one of git revision REV (bench/bench.mk builds
 * bench/writer.c once against each tree and hides everything of each copy
 * but its table).
 *
 * Nothing here may depend on either tree's headers: the table's types are
 * plain C.
 */
#ifndef TINYPV_BENCH_WRITER_H
#define TINYPV_BENCH_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel's callbacks, as struct xencons_ops has them. */
struct bench_writer_ops {
    void (*notify)(void *ctx);
    void (*wait)(void *ctx, unsigned int attempt, uint64_t deadline);
    uint64_t (*now)(void *ctx);
};

struct bench_writer_stats {
    uint64_t bytes, notifications, full_waits;
    uint32_t stalls;
    bool ok;                    /* the writer's state is XENCONS_OK */
};

struct bench_writer {
    const char *name;
    /* A fresh writer on page (a struct xencons_interface). */
    void (*start)(void *page, const struct bench_writer_ops *ops,
                  uint64_t stall_ns);
    /* What printk does per call: xencons_write(), then xencons_kick(). */
    size_t (*write)(const char *buf, size_t len);
    bool (*flush)(uint64_t limit_ns);
    void (*stats)(struct bench_writer_stats *st);
};

/*
 * This tree's writer. The baseline's, bench_writer_baseline, exists only in
 * a BENCH_BASELINE build: ring_bench.c declares it weak.
 */
extern const struct bench_writer bench_writer_tree;

#endif /* TINYPV_BENCH_WRITER_H */
