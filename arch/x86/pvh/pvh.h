/*
 * pvh.h: what the files of the 32-bit PVH platform share among themselves.
 */
#ifndef TINYPV_ARCH_PVH_H
#define TINYPV_ARCH_PVH_H

#include <tinypv/types.h>
#include <xen/arch-x86/hvm/start_info.h>

/* hypercall.c: install the hypercall page, or stop. */
void pvh_hypercall_init(void);

/*
 * mm.c: identity-map the low 4 GiB, page 0 and the stack's guard page left
 * out, and turn paging on (arch_early_init(), start_kernel()'s step 2).
 */
#define PVH_MAPPED_END  (1ULL << 32)
/* The last frame of that map: the highest gfn a ring may have. */
#define PVH_MAX_GFN     ((PVH_MAPPED_END >> PAGE_SHIFT) - 1)
void pvh_paging_init(void);
/* Whether [paddr, paddr + size) lies in what that map covers. */
bool pvh_phys_mapped(uint64_t paddr, uint64_t size);
/* The covered physical address as a pointer (identity: the same number). */
static inline void *pvh_phys_to_virt(uint64_t paddr)
{
    return (void *)(unsigned long)paddr;
}
void pvh_print_paging(void);

/* setup.c: the port 0xe9 debug console, usable from the first instruction. */
void pvh_debug_write(const char *s, size_t n);
/* ... and a stop for when nothing else works: message, then halt. */
void pvh_early_stop(const char *msg) __noreturn;

/* traps.c */
extern uint8_t pvh_callback_vector_nr;
/* HVM_PARAM_CALLBACK_IRQ: events on our vector (again after a restore). */
void pvh_register_callback_vector(void);

/* setup.c: shared_info onto our reserved frame (again after a restore). */
void pvh_map_shared_info(void);
/* setup.c: the rings from the HVM parameters, without arch_find_rings' banner. */
struct boot_info;
void pvh_find_rings(struct boot_info *bi);
/* setup.c: the hvm_start_info step 3 accepted (NULL before). */
const struct hvm_start_info *pvh_boot_record(void);

#endif /* TINYPV_ARCH_PVH_H */
