/*
 * test_symbols.c: host tests for kernel/symbols.c.
 *
 * A small table in the layout tools/gen-symtab writes: three functions
 * with sizes, an assembly label without one, a gap of padding, and the
 * table's edges. Each address must get the right name and offset, or none.
 */
#include <tinypv/types.h>
#include <tinypv/symbols.h>
#include "check.h"
#include "printk_stub.h"

const uint32_t symtab_count = 5;
const struct symtab_entry symtab_entries[] = {
    { 0xc0000000, 0x12, 0 },    /* _start */
    { 0xc0001000, 0,    7 },    /* hypercall_page: a label, no size */
    { 0xc0002000, 0x40, 22 },   /* alpha */
    { 0xc0002050, 0x10, 28 },   /* beta (0xc0002040..4f is padding) */
    { 0xc0002060, 0,    33 },   /* last_label: no size, nothing after */
};
const char symtab_names[] =
    "_start\0hypercall_page\0alpha\0beta\0last_label";

static const char *name_of(unsigned long addr, unsigned long *offset)
{
    struct symbol sym;

    if ( !symbol_lookup(addr, &sym) )
        return NULL;
    *offset = sym.offset;
    return sym.name;
}

int main(void)
{
    unsigned long off = 99;

    CHECK(name_of(0xbfffffff, &off) == NULL);           /* below the table */
    CHECK_STR(name_of(0xc0000000, &off), "_start");
    CHECK(off == 0);
    CHECK_STR(name_of(0xc0000011, &off), "_start");
    CHECK(off == 0x11);
    CHECK(name_of(0xc0000012, &off) == NULL);           /* past its size */
    CHECK_STR(name_of(0xc0001fff, &off), "hypercall_page");
    CHECK(off == 0xfff);                                /* up to the next */
    CHECK_STR(name_of(0xc000203f, &off), "alpha");
    CHECK(name_of(0xc0002040, &off) == NULL);           /* padding */
    CHECK_STR(name_of(0xc0002055, &off), "beta");
    CHECK(off == 5);
    CHECK(name_of(0xc0002061, &off) == NULL);           /* sizeless, last */
    CHECK(name_of(~0UL, &off) == NULL);

    printk_stub_reset();
    print_symbol(0xc0002004);
    CHECK_STR(printk_buffer, "alpha+0x4/0x40");
    printk_stub_reset();
    print_symbol(0xc0001004);
    CHECK_STR(printk_buffer, "hypercall_page+0x4");
    printk_stub_reset();
    print_symbol(0x10);
    CHECK_STR(printk_buffer, "?");

    return check_summary("symbols");
}
