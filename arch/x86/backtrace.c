/*
 * backtrace.c: printing the frame-pointer chain, without faulting.
 *
 * This runs while reporting a crash, when the stack may be the very thing
 * that is broken. So no frame pointer is followed unless the whole two-word
 * record it points at lies inside the kernel stack (boot_stack ..
 * boot_stack_top), is 4-byte aligned, and lies above the previous record
 * (the stack grows down, so callers' frames are at higher addresses: this
 * also rules out loops). A return address outside the kernel's code ends
 * the walk too, and so does BACKTRACE_MAX_FRAMES. The walk reads memory and
 * nothing else; a fault in it would end the domain via do_trap's guard.
 */
#include <arch/backtrace.h>
#include <tinypv/printk.h>
#include <tinypv/sections.h>
#include <tinypv/symbols.h>

static void print_frame(unsigned int depth, unsigned long addr, bool is_return)
{
    /* A return address may be just past a call at a function's very end:
     * name the byte before it, but show the offset of the address itself. */
    unsigned long back = is_return ? 1 : 0;
    struct symbol sym;

    printk("    #%-2u 0x%08lx  ", depth, addr);
    if ( !symbol_lookup(addr - back, &sym) )
        printk("?\n");
    else if ( sym.size )
        printk("%s+0x%lx/0x%lx\n", sym.name, sym.offset + back, sym.size);
    else
        printk("%s+0x%lx\n", sym.name, sym.offset + back);
}

static bool frame_ok(unsigned long fp, unsigned long prev)
{
    unsigned long lo = (unsigned long)boot_stack;
    unsigned long hi = (unsigned long)boot_stack_top;

    return (fp & 3) == 0 && fp >= lo && fp <= hi - 8 && fp > prev;
}

static bool in_text(unsigned long addr)
{
    return addr >= (unsigned long)_text && addr < (unsigned long)_etext;
}

void backtrace_print(unsigned long eip, unsigned long fp)
{
    unsigned int depth = 0;
    unsigned long prev = 0;

    printk("  call trace (innermost first):\n");
    if ( eip )
        print_frame(depth++, eip, false);
    while ( depth < BACKTRACE_MAX_FRAMES )
    {
        const unsigned long *frame = (const unsigned long *)fp;
        unsigned long ret;

        if ( fp == 0 )
            return;                 /* the trampoline's end marker */
        if ( !frame_ok(fp, prev) )
        {
            printk("    (frame pointer 0x%08lx is not a frame on the kernel "
                   "stack: the walk stops)\n", fp);
            return;
        }
        ret = frame[1];
        if ( !in_text(ret) )
        {
            printk("    (return address 0x%08lx is outside the kernel's "
                   "code: the walk stops)\n", ret);
            return;
        }
        print_frame(depth++, ret, true);
        prev = fp;
        fp = frame[0];
    }
    printk("    (more than %u frames: the rest is not shown)\n",
           BACKTRACE_MAX_FRAMES);
}
