/*
 * backtrace.h: who called whom, from the frame-pointer chain (x86).
 *
 * With -fno-omit-frame-pointer every function starts with
 * `push %ebp; mov %esp, %ebp`, so %ebp points at a two-word record:
 * [ebp] the caller's %ebp, [ebp + 4] the return address into the caller.
 * Following the saved %ebp values walks the stack from the innermost
 * frame outwards; the trampoline's %ebp = 0 ends the chain.
 */
#ifndef TINYPV_ARCH_BACKTRACE_H
#define TINYPV_ARCH_BACKTRACE_H

/* Most frames printed: a corrupt chain must not print forever. */
#define BACKTRACE_MAX_FRAMES    24

/*
 * Print "#0 eip" and then every return address of the chain that starts
 * at frame pointer fp, each with its function name, as far as the chain
 * stays inside the kernel stack and points into the kernel's code.
 */
void backtrace_print(unsigned long eip, unsigned long fp);

/*
 * The same for an exception: esp is the interrupted stack pointer, where a
 * function that keeps no frame of its own has its return address.
 */
void backtrace_print_trap(unsigned long eip, unsigned long esp,
                          unsigned long fp);

/* The same for the caller of the function that calls this (panic()). */
#define backtrace_print_here() \
    backtrace_print(0, (unsigned long)__builtin_frame_address(0))

#endif /* TINYPV_ARCH_BACKTRACE_H */
