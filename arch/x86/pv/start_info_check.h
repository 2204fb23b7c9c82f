/*
 * start_info_check.h: the checks tinypv makes on what Xen's domain builder
 * handed over, before it uses any of it.
 *
 * start_info is written by the toolstack's domain builder, not by Xen
 * itself, and the M2P table covers every machine frame of the host, with
 * holes. A wrong value there should stop one driver with a message, not
 * send the kernel through a wild pointer. These functions are pure (no
 * hypercalls, no globals) so that host tests can give them bad values.
 */
#ifndef TINYPV_ARCH_PV_START_INFO_CHECK_H
#define TINYPV_ARCH_PV_START_INFO_CHECK_H

#include <tinypv/types.h>

/* What a 32-bit PAE guest must find in start_info->magic. */
#define START_INFO_MAGIC    "xen-3.0-x86_32p"
#define START_INFO_MAGIC_SIZE 32    /* sizeof(start_info_t.magic) */

/* Is magic (START_INFO_MAGIC_SIZE bytes, maybe unterminated) ours? */
bool start_info_magic_ok(const char *magic);

/* The rings' frames and event channels: <arch/ring_check.h>, shared with PVH. */

/*
 * May m2p[mfn] be read? The M2P is Xen's table at [m2p_start, m2p_end)
 * (XENMEM_machphys_mapping), valid up to max_mfn. An entry outside both
 * bounds is not read. (Holes inside them are not mapped either: see
 * mfn_to_pfn_checked in mm.c for why that is safe for our own frames.)
 */
bool m2p_entry_ok(unsigned long mfn, unsigned long m2p_start,
                  unsigned long m2p_end, unsigned long max_mfn,
                  size_t entry_size);

/*
 * Does the P2M list (nr_pages entries of entry_size bytes at list) lie
 * inside [map_start, map_end), the part of the bootstrap mapping that is
 * sure to be there? Reading p2m[pfn] for pfn < nr_pages is then safe.
 */
bool p2m_list_ok(unsigned long list, unsigned long nr_pages,
                 size_t entry_size, unsigned long map_start,
                 unsigned long map_end);

/*
 * A P2M entry with no machine frame behind it: a frame the balloon gave
 * back to Xen. The save code reads it as INVALID_MFN (a "ballooned" page,
 * type XTAB: no data in the stream) and the restore leaves it so.
 */
#define INVALID_P2M_ENTRY   (~0UL)

/*
 * The P2M list as mm.c uses it, once p2m_list_ok() said yes. Entries are
 * guest words (xen_pfn_t, an unsigned long in the 32-bit guest); base is
 * the virtual address of pfn 0 (_text). p2m is the list that passed the
 * check, or NULL if it did not: then nothing is read and nothing is known.
 *
 * p2m_lookup: the machine frame behind the page holding va; 0 if va is not
 * in a page of ours the list covers (or the list was refused), or if the
 * page was given back (INVALID_P2M_ENTRY).
 */
unsigned long p2m_lookup(const unsigned long *p2m, unsigned long nr_pages,
                         unsigned long base, unsigned long va);

/*
 * p2m_frame_list: the frame list of the PV save ABI for that list: fl[i] =
 * the machine frame of the i-th page of the list itself, 0 after its last
 * page, fl_len entries in all. NULL, or why it cannot be built (no list,
 * not page aligned, more pages than fl holds, a page not in the list);
 * fl is then left as it was.
 */
const char *p2m_frame_list(const unsigned long *p2m, unsigned long nr_pages,
                           unsigned long base, unsigned long *fl,
                           size_t fl_len);

#endif /* TINYPV_ARCH_PV_START_INFO_CHECK_H */
