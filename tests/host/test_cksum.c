/*
 * test_cksum.c: host tests for lib/cksum.c.
 *
 * Three independent references: figures printed by the real `cksum` tool
 * (written down below, and for a large buffer obtained by running it), and
 * a slow bit-at-a-time CRC written here from the definition, which checks
 * the table-driven one on many inputs.
 */
#include <tinypv/types.h>
#include <lib/cksum.h>
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

/*
 * The Makefile renames snprintf to k_snprintf in every host test (for
 * lib/format.c), but this test links no format.c: use libc's.
 */
#undef snprintf
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __printf(3, 4);

#define CKSUM_TOOL  "/usr/bin/cksum"

static uint32_t cksum_of(const void *data, size_t n)
{
    struct cksum c;

    cksum_init(&c);
    cksum_update(&c, data, n);
    return cksum_result(&c);
}

/* The definition, a bit at a time: data, then the length, then invert. */
static uint32_t crc_bitwise_byte(uint32_t crc, uint8_t byte)
{
    int bit;

    crc ^= (uint32_t)byte << 24;
    for ( bit = 0; bit < 8; bit++ )
        crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
    return crc;
}

static uint32_t cksum_bitwise(const uint8_t *data, size_t n)
{
    uint32_t crc = 0;
    size_t i, len;

    for ( i = 0; i < n; i++ )
        crc = crc_bitwise_byte(crc, data[i]);
    for ( len = n; len != 0; len >>= 8 )
        crc = crc_bitwise_byte(crc, (uint8_t)len);
    return ~crc;
}

/* A small deterministic generator, so every run tests the same bytes. */
static uint32_t rng_state = 0x12345678;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void test_known_vectors(void)
{
    struct cksum c;

    /* Figures from `printf ... | cksum` on the host. */
    CHECK_EQ(cksum_of("", 0), 4294967295u);
    CHECK_EQ(cksum_of("123456789", 9), 930766865u);
    CHECK_EQ(cksum_of("a", 1), 1220704766u);
    CHECK_EQ(cksum_of("hello\n", 6), 3015617425u);
    CHECK_EQ(cksum_of("\0", 1), 4215202376u);

    cksum_init(&c);
    CHECK_EQ(c.length, 0);
    cksum_update(&c, "123456789", 9);
    CHECK_EQ(c.length, 9);

    /* The result leaves the state alone: asking twice, then going on. */
    CHECK_EQ(cksum_result(&c), 930766865u);
    CHECK_EQ(cksum_result(&c), 930766865u);
    cksum_update(&c, "", 0);
    CHECK_EQ(cksum_result(&c), 930766865u);
}

/* Table-driven against bitwise, for every length 0..600 of random bytes. */
static void test_against_bitwise(void)
{
    static uint8_t buf[600];
    unsigned int bad = 0;
    size_t i, n;

    for ( i = 0; i < sizeof(buf); i++ )
        buf[i] = (uint8_t)rng();
    for ( n = 0; n <= sizeof(buf); n++ )
    {
        if ( cksum_of(buf, n) != cksum_bitwise(buf, n) )
            bad++;
    }
    CHECK_EQ(bad, 0);
}

/* Feeding in pieces of random sizes (zero included) must not matter. */
static void test_incremental(void)
{
    enum { SIZE = 70000 };
    uint8_t *buf = malloc(SIZE);
    uint32_t whole;
    unsigned int bad = 0, round;
    size_t i;

    if ( buf == NULL )
    {
        CHECK(buf != NULL);
        return;
    }
    for ( i = 0; i < SIZE; i++ )
        buf[i] = (uint8_t)rng();
    whole = cksum_of(buf, SIZE);
    CHECK_EQ(whole, cksum_bitwise(buf, SIZE));

    for ( round = 0; round < 50; round++ )
    {
        struct cksum c;
        size_t done = 0;

        cksum_init(&c);
        while ( done < SIZE )
        {
            /* Mostly small pieces, sometimes large ones. */
            size_t piece = (rng() & 7) ? rng() % 40 : rng() % 5000;

            piece = MIN(piece, (size_t)SIZE - done);
            cksum_update(&c, buf + done, piece);
            done += piece;
        }
        if ( cksum_result(&c) != whole || c.length != SIZE )
            bad++;
    }
    CHECK_EQ(bad, 0);
    free(buf);
}

/*
 * 300 KiB, so that the length needs three bytes, compared with what the
 * real tool prints for the same bytes in a temporary file.
 */
static void test_against_tool(void)
{
    enum { SIZE = 300 * 1024 };
    char path[] = "/tmp/tinypv-cksum-XXXXXX";
    char command[128];
    uint8_t *buf;
    unsigned long tool_crc = 0, tool_len = 0;
    FILE *pipe;
    size_t i;
    int fd, got;

    if ( access(CKSUM_TOOL, X_OK) != 0 )
    {
        printf("cksum: %s not found, skipping the comparison with it\n",
               CKSUM_TOOL);
        return;
    }

    buf = malloc(SIZE);
    CHECK(buf != NULL);
    if ( buf == NULL )
        return;
    for ( i = 0; i < SIZE; i++ )
        buf[i] = (uint8_t)(rng() >> 8);

    fd = mkstemp(path);
    CHECK(fd >= 0);
    if ( fd < 0 )
    {
        free(buf);
        return;
    }
    CHECK(write(fd, buf, SIZE) == SIZE);
    close(fd);

    snprintf(command, sizeof(command), "%s < %s", CKSUM_TOOL, path);
    pipe = popen(command, "r");
    CHECK(pipe != NULL);
    if ( pipe != NULL )
    {
        got = fscanf(pipe, "%lu %lu", &tool_crc, &tool_len);
        CHECK_EQ(pclose(pipe), 0);
        CHECK_EQ(got, 2);
        CHECK_EQ(tool_len, SIZE);
        CHECK_EQ(cksum_of(buf, SIZE), tool_crc);
    }

    unlink(path);
    free(buf);
}

int main(void)
{
    test_known_vectors();
    test_against_bitwise();
    test_incremental();
    test_against_tool();
    return check_summary("cksum");
}
