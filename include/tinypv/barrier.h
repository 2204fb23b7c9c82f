/*
 * barrier.h: ordering memory shared with Xen and dom0: acquire the other
 * side's index, release our own. docs/03-console.md ("Barriers") has the
 * rules and why they are C11 atomics.
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
