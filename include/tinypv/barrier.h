/*
 * barrier.h: ordering memory shared with Xen and dom0.
 *
 * Ring indices live in pages that another CPU (dom0's xenconsoled, Xen)
 * reads and writes concurrently. The rules used throughout tinypv:
 *
 *  - An index owned by the other side is read exactly once per decision,
 *    with acquire semantics: later reads of the data it covers (and later
 *    writes into space it frees) cannot move before it.
 *  - An index we own is published with release semantics: the data it
 *    covers is visible before the new index is.
 *
 * On x86 both compile to plain moves (the hardware already keeps loads in
 * order with loads and stores with stores); writing them as C11 atomics
 * states the intent, stops the compiler from reordering or re-reading, and
 * lets ThreadSanitizer check the same code in host tests.
 */
#ifndef TINYPV_BARRIER_H
#define TINYPV_BARRIER_H

#define barrier()           asm volatile ( "" ::: "memory" )

#define load_acquire(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define read_once(p)        __atomic_load_n((p), __ATOMIC_RELAXED)
#define write_once(p, v)    __atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* A full fence: a store may not pass a later load (x86's one reordering). */
#define smp_mb()            __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()           __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()           __atomic_thread_fence(__ATOMIC_RELEASE)

#endif /* TINYPV_BARRIER_H */
