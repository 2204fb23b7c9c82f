/*
 * canary/tinypv/barrier.h: include/tinypv/barrier.h with its ordering taken away, to
 * prove that the stress test under ThreadSanitizer can see a missing
 * barrier at all.
 *
 * tests/stress/stress.mk builds the ring code (console/ring.c and
 * lib/byte_ring.c) a third time with this directory ahead of include/ on
 * the include path, so <tinypv/barrier.h> resolves here: every acquire and
 * release becomes relaxed.
 * The ring code then publishes bytes without ordering them before the
 * index, and TSan must report a data race on the ring's bytes. If it ever
 * stops doing so (say, because the harness's handshake grew a mutex that
 * orders everything anyway), the clean TSan run proves nothing, and the
 * `stress` target fails.
 */
#ifndef TINYPV_BARRIER_H
#define TINYPV_BARRIER_H

#define barrier()           asm volatile ( "" ::: "memory" )

#define load_acquire(p)     __atomic_load_n((p), __ATOMIC_RELAXED)
#define store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define read_once(p)        __atomic_load_n((p), __ATOMIC_RELAXED)
#define write_once(p, v)    __atomic_store_n((p), (v), __ATOMIC_RELAXED)

#endif /* TINYPV_BARRIER_H */
