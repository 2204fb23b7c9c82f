/*
 * cksum.c: the checksum of the POSIX `cksum` utility.
 *
 * It is a CRC-32 with the generator polynomial 0x04C11DB7, worked most
 * significant bit first, starting from 0 and not reflected (the zlib/
 * Ethernet CRC-32 uses the same polynomial but reflected, and gives other
 * figures). After the data, the length of the data is fed in too, least
 * significant byte first and only as many bytes as it needs (none for an
 * empty input), and the final value is inverted. That is why the struct
 * counts the length: the result needs it.
 *
 * The CRC is table-driven, a byte at a time: table[i] is what the eight
 * bit-steps of the division do to a CRC whose top byte is i and whose other
 * bits are zero. The 1 KiB table is computed on first use rather than
 * written out as 256 magic numbers: the loop that builds it is the
 * definition of the CRC, and anyone can read it. Building it twice would
 * store the same values again, so a second caller racing the first could
 * not see anything wrong; tinypv has one vCPU anyway.
 */
#include <tinypv/types.h>
#include <lib/cksum.h>

#define CKSUM_POLY  0x04C11DB7u

static uint32_t crc_table[256];
static bool crc_table_ready;

/* One byte's worth of polynomial division, done bit by bit. */
static uint32_t crc_of_top_byte(uint32_t byte)
{
    uint32_t crc = byte << 24;
    int bit;

    for ( bit = 0; bit < 8; bit++ )
    {
        if ( crc & 0x80000000u )
            crc = (crc << 1) ^ CKSUM_POLY;
        else
            crc <<= 1;
    }
    return crc;
}

static const uint32_t *table(void)
{
    uint32_t i;

    if ( !crc_table_ready )
    {
        for ( i = 0; i < 256; i++ )
            crc_table[i] = crc_of_top_byte(i);
        crc_table_ready = true;
    }
    return crc_table;
}

/* Feed one byte: the top byte of the CRC and the new byte select a row. */
static uint32_t crc_byte(const uint32_t *t, uint32_t crc, uint8_t byte)
{
    return (crc << 8) ^ t[(crc >> 24) ^ byte];
}

void cksum_init(struct cksum *c)
{
    c->crc = 0;
    c->length = 0;
}

void cksum_update(struct cksum *c, const void *data, size_t n)
{
    const uint32_t *t = table();
    const uint8_t *p = data;
    uint32_t crc = c->crc;
    size_t i;

    for ( i = 0; i < n; i++ )
        crc = crc_byte(t, crc, p[i]);

    c->crc = crc;
    c->length += n;
}

uint32_t cksum_result(const struct cksum *c)
{
    const uint32_t *t = table();
    uint32_t crc = c->crc;
    uint64_t length = c->length;

    /* Shifts of a 64-bit value are inline code on i386; no libgcc needed. */
    while ( length != 0 )
    {
        crc = crc_byte(t, crc, (uint8_t)(length & 0xff));
        length >>= 8;
    }
    return ~crc;
}
