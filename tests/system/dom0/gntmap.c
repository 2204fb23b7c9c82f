/*
 * gntmap.c: map one grant reference of a domain from dom0, as a backend
 * would, for tinypv's system tests (tests/system/dom0/gnttab.sh).
 *
 *   gntmap [-w] DOMID REF              map it (read-only; -w: writable),
 *                                      print the page's POSIX cksum and
 *                                      its first line, unmap it
 *   gntmap [-w] DOMID REF hold FILE    the same, but keep it mapped until
 *                                      FILE exists (at most HOLD_MAX_S s)
 *
 * Through libxengnttab and Linux's gntdev: the map is Xen's
 * GNTTABOP_map_grant_ref, which checks that the entry permits access to
 * dom0 (and writing, with -w) and sets GTF_reading (GTF_writing) in it
 * while the mapping lasts. So a reference that is out of the domain's
 * table, ended, granted to another domain, or read-only with -w, fails to
 * map; that is what the test checks for those.
 *
 * Output, one line each (tests/system/cases.sh reads them):
 *   gntmap: domain D ref R: mapped (ro|rw), cksum CRC 4096
 *   gntmap: domain D ref R: first line: TEXT
 *   gntmap: domain D ref R: unmapped
 *   gntmap: domain D ref R: map failed: REASON
 * Exit 0, 1 (the map failed) or 2 (usage, no gntdev, unmap failed).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xengnttab.h>

#define PAGE_BYTES  4096
#define HOLD_MAX_S  120

/* POSIX cksum: CRC-32 (polynomial 0x04C11DB7, MSB first) of the data and
 * of its length (least significant byte first, no zero bytes), inverted. */
static uint32_t crc_byte(uint32_t crc, uint8_t b)
{
    crc ^= (uint32_t)b << 24;
    for ( int i = 0; i < 8; i++ )
        crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
    return crc;
}

static uint32_t posix_cksum(const uint8_t *data, size_t n)
{
    uint32_t crc = 0;

    for ( size_t i = 0; i < n; i++ )
        crc = crc_byte(crc, data[i]);
    for ( size_t len = n; len; len >>= 8 )
        crc = crc_byte(crc, len & 0xff);
    return ~crc;
}

static void usage(void)
{
    fprintf(stderr, "usage: gntmap [-w] DOMID REF [hold FILE]\n");
    exit(2);
}

static unsigned long number(const char *text)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(text, &end, 0);
    if ( errno || end == text || *end )
        usage();
    return v;
}

/* Until FILE exists, checked every 0.1 s; false after HOLD_MAX_S. */
static int wait_for_file(const char *file)
{
    for ( int i = 0; i < HOLD_MAX_S * 10; i++ )
    {
        if ( access(file, F_OK) == 0 )
            return 1;
        usleep(100000);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int writable = 0, first = 1;
    unsigned long domid, ref;
    const char *hold = NULL;
    xengnttab_handle *xgt;
    uint8_t *page;
    char line[80];
    size_t n;

    if ( argc > 1 && strcmp(argv[1], "-w") == 0 )
    {
        writable = 1;
        first = 2;
    }
    if ( argc - first == 4 && strcmp(argv[first + 2], "hold") == 0 )
        hold = argv[first + 3];
    else if ( argc - first != 2 )
        usage();
    domid = number(argv[first]);
    ref = number(argv[first + 1]);
    if ( domid > 0xffff || ref > 0xffffffffUL )
        usage();

    xgt = xengnttab_open(NULL, 0);
    if ( !xgt )
    {
        printf("gntmap: cannot open gntdev: %s\n", strerror(errno));
        return 2;
    }
    page = xengnttab_map_grant_ref(xgt, (uint32_t)domid, (uint32_t)ref,
                                   PROT_READ | (writable ? PROT_WRITE : 0));
    if ( !page )
    {
        printf("gntmap: domain %lu ref %lu: map failed: %s\n", domid, ref,
               strerror(errno));
        xengnttab_close(xgt);
        return 1;
    }
    printf("gntmap: domain %lu ref %lu: mapped (%s), cksum %" PRIu32 " %d\n",
           domid, ref, writable ? "rw" : "ro", posix_cksum(page, PAGE_BYTES),
           PAGE_BYTES);
    for ( n = 0; n < sizeof(line) - 1 && page[n] >= ' ' && page[n] < 0x7f; n++ )
        line[n] = (char)page[n];
    line[n] = '\0';
    printf("gntmap: domain %lu ref %lu: first line: %s\n", domid, ref, line);
    fflush(stdout);

    if ( hold && !wait_for_file(hold) )
        printf("gntmap: domain %lu ref %lu: %s did not appear in %d s\n",
               domid, ref, hold, HOLD_MAX_S);
    if ( xengnttab_unmap(xgt, page, 1) )
    {
        printf("gntmap: domain %lu ref %lu: unmap failed: %s\n", domid, ref,
               strerror(errno));
        return 2;
    }
    printf("gntmap: domain %lu ref %lu: unmapped\n", domid, ref);
    xengnttab_close(xgt);
    return 0;
}
