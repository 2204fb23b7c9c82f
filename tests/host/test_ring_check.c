/*
 * test_ring_check.c: the check both platforms make on a ring's frame and
 * event channel (arch/x86/ring_check.c), with the values a toolstack could
 * hand over: start_info's 32-bit fields on PV, 64-bit HVM parameters on
 * PVH.
 *
 * The two bad values PVH took before the check was shared:
 *   - a port of 2^32 + 2, which an evtchn_port_t turns into port 2, and any
 *     port of 1024 or more, which the dispatcher would use as an index into
 *     the 32 words of evtchn_pending (an atomic AND on word port / 32);
 *   - a gfn of 2^52 + 0xfefff, which `gfn << PAGE_SHIFT` turns into the
 *     address 0xfefff000: a ring page that looks fine.
 */
#include <stdint.h>
#include <string.h>
#include <arch/ring_check.h>
#include "check.h"

/* A 32-bit guest's 2-level ABI: 32 words of 32 pending bits. */
#define GUEST_WORD_BITS 32u
#define NR_PORTS        (GUEST_WORD_BITS * GUEST_WORD_BITS)

/* PVH: the identity map ends at 4 GiB (PVH_MAX_GFN). */
#define PVH_MAX_GFN     0xfffffull
/* PV: 52-bit machine addresses in a PAE entry (PV_MAX_MFN). */
#define PV_MAX_MFN      ((1ull << 40) - 1)

#define GOOD_GFN        0xfefffull      /* where Xen puts the console page */
#define GOOD_PORT       2ull

static bool port_refused(uint64_t port)
{
    const char *why = ring_problem(GOOD_GFN, port, PVH_MAX_GFN, NR_PORTS);

    return why && strstr(why, "event channel");
}

static bool frame_refused(uint64_t frame, uint64_t max_frame)
{
    const char *why = ring_problem(frame, GOOD_PORT, max_frame, NR_PORTS);

    return why && strstr(why, "page");
}

static void test_good(void)
{
    CHECK(ring_problem(GOOD_GFN, GOOD_PORT, PVH_MAX_GFN, NR_PORTS) == NULL);
    CHECK(ring_problem(1, 1, PVH_MAX_GFN, NR_PORTS) == NULL);
    CHECK(ring_problem(PVH_MAX_GFN, NR_PORTS - 1, PVH_MAX_GFN, NR_PORTS) == NULL);
    /* PV: any 32-bit machine frame but 0 fits a PAE entry. */
    CHECK(ring_problem(0x12345, 3, PV_MAX_MFN, NR_PORTS) == NULL);
    CHECK(ring_problem(0xffffffffull, 3, PV_MAX_MFN, NR_PORTS) == NULL);
}

static void test_bad_ports(void)
{
    CHECK(port_refused(0));                         /* never a guest's */
    CHECK(port_refused(NR_PORTS));                  /* one past the ABI */
    CHECK(port_refused(4095));                      /* a 64-bit guest's last */
    CHECK(port_refused(0xffffffffull));
    CHECK(port_refused(1ull << 32));                /* would be port 0 */
    CHECK(port_refused((1ull << 32) + GOOD_PORT));  /* would be port 2 */
    CHECK(port_refused((1ull << 63) + 1));
    CHECK(port_refused(UINT64_MAX));
    /* Ports fail with a bad frame too: the port is named first. */
    CHECK(ring_problem(0, 0, PVH_MAX_GFN, NR_PORTS) != NULL);
}

static void test_bad_frames(void)
{
    CHECK(frame_refused(0, PVH_MAX_GFN));                   /* "none" */
    CHECK(frame_refused(PVH_MAX_GFN + 1, PVH_MAX_GFN));     /* at 4 GiB */
    CHECK(frame_refused(1ull << 32, PVH_MAX_GFN));
    CHECK(frame_refused((1ull << 52) + GOOD_GFN, PVH_MAX_GFN)); /* wraps */
    CHECK(frame_refused(1ull << 52, PVH_MAX_GFN));          /* wraps to 0 */
    CHECK(frame_refused(UINT64_MAX, PVH_MAX_GFN));
    CHECK(frame_refused(0, PV_MAX_MFN));
    CHECK(frame_refused(PV_MAX_MFN + 1, PV_MAX_MFN));
}

/*
 * Every value the check accepts is safe to use as the kernel uses it: the
 * port indexes one of the 32 pending words and survives the cast to a
 * 32-bit evtchn_port_t, and the page [gfn << 12, +4096) lies inside the
 * identity map. Swept over every bit position and its neighbours.
 */
static void test_accepted_are_safe(void)
{
    unsigned int accepted = 0, unsafe = 0;

    for ( unsigned int bit = 0; bit < 64; bit++ )
        for ( int delta = -1; delta <= 1; delta++ )
        {
            uint64_t v = (1ull << bit) + (uint64_t)(int64_t)delta;

            if ( ring_problem(GOOD_GFN, v, PVH_MAX_GFN, NR_PORTS) == NULL )
            {
                accepted++;
                if ( v / GUEST_WORD_BITS >= GUEST_WORD_BITS ||
                     (uint64_t)(uint32_t)v != v || v == 0 )
                    unsafe++;
            }
            if ( ring_problem(v, GOOD_PORT, PVH_MAX_GFN, NR_PORTS) == NULL )
            {
                accepted++;
                if ( v == 0 || v > (1ull << 32) / 4096 - 1 ||
                     (v << 12) + 4096 > (1ull << 32) )
                    unsafe++;
            }
        }
    CHECK(accepted > 0);
    CHECK_EQ(unsafe, 0);
}

int main(void)
{
    test_good();
    test_bad_ports();
    test_bad_frames();
    test_accepted_are_safe();
    return check_summary("ring_check");
}
