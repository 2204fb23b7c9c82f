/*
 * mm.h: the kernel's memory (mm/mem.c): every RAM page the domain owns,
 * reachable at an address and handed out by the page-frame allocator.
 *
 * The platform says which frames are RAM and which are already in use,
 * and makes them reachable (PV: the linear map it builds; PVH: the
 * identity map). mem_init(), start_kernel()'s step 9, builds the
 * allocator (<tinypv/page_alloc.h>) over that. Everything after asks here
 * for pages by address; the balloon (mm/balloon.c) moves frames between
 * the pool and Xen. docs/11-memory.md.
 */
#ifndef TINYPV_MM_H
#define TINYPV_MM_H

#include <tinypv/types.h>
#include <tinypv/page_alloc.h>

/* start_kernel()'s step 9. Stops the domain if no allocator can be built. */
void mem_init(void);

/* Whether mem_init() built the allocator (false before, or if it failed). */
bool mem_ready(void);

/*
 * 2^order pages, contiguous in the address space, for owner; NULL if none
 * are free. The pages are not cleared.
 */
void *mem_alloc_pages(unsigned int order, enum page_owner owner);

/* Give back what mem_alloc_pages(order, owner) returned. 0 or PAGE_ERR_*. */
int mem_free_pages(void *va, unsigned int order, enum page_owner owner);

/* The allocator itself: for `mem`, `memtest` and the balloon. */
struct page_alloc *mem_allocator(void);

/* Where the platform reaches a RAM frame (NULL: not mapped). */
void *mem_pfn_to_virt(unsigned long pfn);

/* What mem_init() learned, for `mem`. */
struct mem_info {
    unsigned long nr_frames;    /* frame numbers managed: 0 .. nr_frames-1 */
    unsigned long ram;          /* RAM frames the platform reported */
    unsigned long not_mapped;   /* RAM it could not map: not in the pool */
    unsigned long meta_first;   /* the allocator's metadata: first frame */
    unsigned long meta_pages;   /* ... and how many */
};
void mem_get_info(struct mem_info *mi);

#endif /* TINYPV_MM_H */
