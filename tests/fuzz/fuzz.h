/*
 * fuzz.h: what every tinypv fuzz target shares.
 *
 * FUZZ_ASSERT(cond) aborts with file:line and the condition, so that
 * libFuzzer records the input as a crash: an invariant that fails is a bug
 * just as much as a bad memory access is.
 *
 * struct fuzz_input reads the fuzzer's bytes as a little stream. Past the
 * end it yields zeros rather than failing, so that every input, however
 * short, is a complete program and the targets need no length checks.
 *
 * The ring targets' shared pages and the backend's moves on them are
 * tests/common/fake_backend.c's, which the host tests use too.
 */
#ifndef TINYPV_FUZZ_H
#define TINYPV_FUZZ_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_backend.h"

#define FUZZ_ASSERT(cond)                                                \
    do {                                                                 \
        if ( !(cond) )                                                   \
        {                                                                \
            fprintf(stderr, "%s:%d: invariant failed: %s\n",             \
                    __FILE__, __LINE__, #cond);                          \
            abort();                                                     \
        }                                                                \
    } while ( 0 )

/* why: NULL, or what went wrong, which is printed. */
#define FUZZ_ASSERT_OK(why)                                              \
    do {                                                                 \
        const char *why_ = (why);                                        \
        if ( why_ )                                                      \
        {                                                                \
            fprintf(stderr, "%s:%d: invariant failed: %s\n",             \
                    __FILE__, __LINE__, why_);                           \
            abort();                                                     \
        }                                                                \
    } while ( 0 )

struct fuzz_input {
    const uint8_t *p;
    size_t n;
};

static inline bool fuzz_empty(const struct fuzz_input *in)
{
    return in->n == 0;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
    uint8_t b;

    if ( in->n == 0 )
        return 0;
    b = *in->p++;
    in->n--;
    return b;
}

static inline uint16_t fuzz_u16(struct fuzz_input *in)
{
    uint16_t lo = fuzz_u8(in);

    return (uint16_t)(lo | (fuzz_u8(in) << 8));
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
    uint32_t lo = fuzz_u16(in);

    return lo | ((uint32_t)fuzz_u16(in) << 16);
}

/*
 * A hostile move on a page's rings a and b (fake_hostile()), with the index
 * and the value taken from the input. They are read for the well-behaved
 * backend too, which makes no move, so that one program means the same
 * for both backends.
 */
static inline void fuzz_hostile(struct fuzz_input *in, bool hostile,
                                const struct fake_ring *a,
                                const struct fake_ring *b, unsigned int kind)
{
    unsigned int which = fuzz_u8(in);
    uint32_t value = fuzz_u32(in);

    if ( hostile )
        fake_hostile(a, b, kind, which, value);
}

/* Guard bytes around an output buffer (fuzz_format). */
#define FUZZ_GUARD      256
#define FUZZ_GUARD_BYTE 0xa5

/*
 * A byte pattern that depends on its position in a stream, so that a byte
 * that is lost, repeated or reordered shows up when streams are compared.
 */
static inline uint8_t fuzz_pattern(uint64_t pos)
{
    pos ^= pos >> 7;
    return (uint8_t)(pos * 0x9e3779b1u >> 11);
}

#endif /* TINYPV_FUZZ_H */
