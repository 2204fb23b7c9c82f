/*
 * entry.S: the event callback vector of a PVH tinypv.
 *
 * Xen delivers events to a PVH guest as an ordinary interrupt on the
 * vector we registered (traps.c). The IDT entry is an interrupt gate, so
 * the CPU clears EFLAGS.IF on the way in: the handler cannot nest.
 *
 * The way back is simpler than on PV, because here the interrupt flag is
 * real. iret restores IF and leaves in one instruction; Xen injects the
 * vector again whenever this vCPU's evtchn_upcall_pending flag is set and
 * IF is 1, so an event that arrived while we were in the handler (it set
 * the flag again) is delivered right after the iret, on a fresh frame at
 * the same stack depth. Nothing is lost, and the stack never grows.
 *
 * No EOI: the vector comes through HVM_PARAM_CALLBACK_IRQ's vector type,
 * which bypasses the local APIC (see traps.c for the choice).
 */
#include <arch/asm_macros.h>

ENTRY(pvh_callback_vector)
        pushl   %eax
        pushl   %ecx
        pushl   %edx
        cld
        call    do_hypervisor_callback  /* C preserves ebx, esi, edi, ebp */
        popl    %edx
        popl    %ecx
        popl    %eax
        iret
END(pvh_callback_vector)
