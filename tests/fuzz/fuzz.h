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
 * fuzz_guard_*() keep guard areas around a shared page: poisoned for
 * AddressSanitizer, so that even a read into them is reported at once,
 * and filled with a pattern that is checked, so that a stray write is
 * caught in a build without ASan too.
 */
#ifndef TINYPV_FUZZ_H
#define TINYPV_FUZZ_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>

#define FUZZ_ASSERT(cond)                                                \
    do {                                                                 \
        if ( !(cond) )                                                   \
        {                                                                \
            fprintf(stderr, "%s:%d: invariant failed: %s\n",             \
                    __FILE__, __LINE__, #cond);                          \
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

/* --- guard areas ----------------------------------------------------------- */

#define FUZZ_GUARD      256         /* bytes on each side; a multiple of 8 */
#define FUZZ_GUARD_BYTE 0xa5

static inline void fuzz_guard_set(void *guard)
{
    ASAN_UNPOISON_MEMORY_REGION(guard, FUZZ_GUARD);
    memset(guard, FUZZ_GUARD_BYTE, FUZZ_GUARD);
    ASAN_POISON_MEMORY_REGION(guard, FUZZ_GUARD);
}

/* Unpoison to look, then poison again. */
static inline bool fuzz_guard_intact(void *guard)
{
    const uint8_t *g = guard;
    bool ok = true;

    ASAN_UNPOISON_MEMORY_REGION(guard, FUZZ_GUARD);
    for ( size_t i = 0; i < FUZZ_GUARD; i++ )
        if ( g[i] != FUZZ_GUARD_BYTE )
            ok = false;
    ASAN_POISON_MEMORY_REGION(guard, FUZZ_GUARD);
    return ok;
}

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
