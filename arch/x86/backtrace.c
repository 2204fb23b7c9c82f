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
 *
 * One gap in the chain is filled for exceptions: gcc gives a leaf function
 * that does not use the stack no frame, so a fault there would skip its
 * caller. If the faulting function does not start with the frame prologue,
 * the word at the interrupted %esp is taken as its return address when it
 * points just after a call instruction, and shown as found there.
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

static void walk(unsigned int depth, unsigned long fp);

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

/* Does the code just before addr end in a call (direct or indirect)? */
static bool after_call(unsigned long addr)
{
    const uint8_t *p = (const uint8_t *)addr;

    if ( !in_text(addr) || addr - 5 < (unsigned long)_text )
        return false;
    return p[-5] == 0xe8 ||                                  /* call rel32 */
           (p[-2] == 0xff && (p[-1] & 0x38) == 0x10) ||      /* call *%reg */
           (p[-3] == 0xff && (p[-2] & 0x38) == 0x10) ||      /* call *d8(%reg) */
           (p[-6] == 0xff && (p[-5] & 0x38) == 0x10);        /* call *d32(...) */
}

/*
 * Has the function holding eip built its own frame (push %ebp; mov %esp,
 * %ebp at its start, and eip past them)? gcc builds none in a leaf that
 * does not touch the stack, even with -fno-omit-frame-pointer; there %ebp
 * is still the caller's frame, and the return address into the caller is
 * the word at %esp.
 */
static bool has_own_frame(unsigned long eip)
{
    struct symbol sym;
    const uint8_t *start;

    if ( !symbol_lookup(eip, &sym) )
        return true;                /* unknown: trust the chain */
    start = (const uint8_t *)(eip - sym.offset);
    return sym.offset >= 3 && start[0] == 0x55 && start[1] == 0x89 &&
           start[2] == 0xe5;
}

void backtrace_print_trap(unsigned long eip, unsigned long esp,
                          unsigned long fp)
{
    unsigned long lo = (unsigned long)boot_stack;
    unsigned long hi = (unsigned long)boot_stack_top;
    unsigned long ret;

    printk("  call trace (innermost first):\n");
    print_frame(0, eip, false);
    if ( !has_own_frame(eip) && (esp & 3) == 0 && esp >= lo && esp <= hi - 4 )
    {
        ret = *(const unsigned long *)esp;
        if ( after_call(ret) )
        {
            print_frame(1, ret, true);
            printk("         (found at esp: the function above keeps no "
                   "frame)\n");
            walk(2, fp);
            return;
        }
    }
    walk(1, fp);
}

void backtrace_print(unsigned long eip, unsigned long fp)
{
    printk("  call trace (innermost first):\n");
    if ( eip )
    {
        print_frame(0, eip, false);
        walk(1, fp);
    }
    else
        walk(0, fp);
}

static void walk(unsigned int depth, unsigned long fp)
{
    unsigned long prev = 0;

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
