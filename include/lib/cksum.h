/*
 * cksum.h: the POSIX `cksum` checksum (CRC-32, polynomial 0x04C11DB7,
 * most significant bit first, the length appended, the result inverted).
 *
 * The kernel computes it over bytes it sends to the console, and dom0 runs
 * the standard `cksum` tool over the bytes it received: equal figures mean
 * nothing was lost or changed on the way.
 */
#ifndef TINYPV_CKSUM_H
#define TINYPV_CKSUM_H

#include <tinypv/types.h>

struct cksum {
    uint32_t crc;       /* running CRC over the data, before the length */
    uint64_t length;    /* bytes fed so far */
};

void cksum_init(struct cksum *c);
void cksum_update(struct cksum *c, const void *data, size_t n);
/* The value `cksum` prints; does not change *c, so feeding may go on. */
uint32_t cksum_result(const struct cksum *c);

#endif /* TINYPV_CKSUM_H */
