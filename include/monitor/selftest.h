/*
 * selftest.h: built-in checks the kernel can run on itself at boot.
 */
#ifndef TINYPV_SELFTEST_H
#define TINYPV_SELFTEST_H

#include <tinypv/types.h>

/*
 * Write `bytes` bytes of deterministic text through printk between the
 * marker lines "burst: begin" and "burst: end", then print
 * "burst: cksum CRC LENGTH": the POSIX cksum of exactly the bytes that
 * entered the console ring between the markers ("\r\n" line ends). dom0 runs
 * `cksum` over what it received between the markers and compares.
 */
void selftest_burst(uint32_t bytes);

#endif /* TINYPV_SELFTEST_H */
