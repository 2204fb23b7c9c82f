/*
 * entry.S: where Xen enters a PV tinypv after boot: the event upcall and
 * the failsafe callback. (Exceptions enter through arch/x86/exceptions.S.)
 *
 * tinypv runs only in ring 1 (the PV kernel ring), so every entry arrives
 * on the current stack with the frame Xen built for us:
 *
 *     eip
 *     cs             bits 16-23: the event mask saved by Xen
 *     eflags         IF: the inverse of that saved mask
 */
#include <arch/asm_macros.h>
#include <xen/xen.h>

/* ------------------------------------------------------------------------ */
/* Event upcall                                                             */
/* ------------------------------------------------------------------------ */

/*
 * Xen masks events (evtchn_upcall_mask = 1) when it enters the callback, so
 * the handler never nests. The way back is the hazard: unmask first and
 * another event could enter before we have left, nesting one more frame
 * each time; return first and an event that arrived meanwhile sits
 * unnoticed until the next one.
 *
 * HYPERVISOR_iret removes the hazard instead of patching around it (the
 * other classic answer is a "critical region" fix-up that recognises an
 * upcall landing between the unmask and the iret). Xen pops the frame,
 * restores the event mask from the saved eflags.IF in the same step, and
 * on its own way out delivers any event still pending, on a fresh frame at
 * the same stack depth. Nothing is lost and the stack never grows.
 *
 * The flip side: whatever is still pending and unmasked when we leave is
 * delivered before one instruction of the interrupted code runs. So the
 * dispatcher must not leave a busy port raised to bound its work; it masks
 * a port that used up its budget until the main loop's turn is over
 * (events/dispatch.c).
 *
 * Its stub in the hypercall page pushes %eax itself (it needs %eax for the
 * hypercall number) and Xen restores it from there, so we jump to it with
 * every register, %eax included, already restored.
 */
ENTRY(hypervisor_callback)
        pushl   %eax
        pushl   %ecx
        pushl   %edx
        cld
        call    do_hypervisor_callback  /* C preserves ebx, esi, edi, ebp */
        popl    %edx
        popl    %ecx
        popl    %eax
        jmp     hypercall_page + (__HYPERVISOR_iret * 32)
END(hypervisor_callback)

/*
 * The failsafe callback. Xen 4.17 (x86_64, 32-bit PV guest) reloads a PV
 * guest's data segment registers only when it switches the vCPU back in
 * after another vCPU ran on that CPU (load_segments() in
 * xen/arch/x86/domain.c), not on every return. If one of the selectors it
 * saved no longer loads (an LDT that went away, a GDT entry rewritten), it
 * loads the NUL selector into that register instead and enters here, on
 * the current kernel stack, with one frame:
 *
 *     ds, es, fs, gs   the four selectors it tried to load (low to high)
 *     eip
 *     cs               bits 16-23: the event mask saved by Xen
 *     eflags
 *
 * A NUL %ds or %es faults on the first memory access through it, and C
 * uses both: so flat kernel selectors go in first, with nothing touched
 * but the stack (%ss is never NUL here: Xen enters on FLAT_KERNEL_SS).
 * Events are masked already: the callback is registered with
 * CALLBACKF_mask_events, so Xen masks them as it enters, before an upcall
 * could run C on the NUL selectors. The C side reports the frame (it
 * skips the four selector words to find eip) and stops the domain.
 */
ENTRY(failsafe_callback)
        pushl   %eax
        movl    $FLAT_KERNEL_DS, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        popl    %eax
        cld
        pushl   %esp                    /* struct failsafe_frame * */
        call    do_failsafe_callback    /* does not return */
1:      ud2
        jmp     1b
END(failsafe_callback)
