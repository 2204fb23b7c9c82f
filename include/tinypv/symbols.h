/*
 * symbols.h: naming code addresses, for crash reports. The table is linked
 * into the image (tools/gen-symtab); without one, reports show bare
 * addresses. docs/oops.md.
 */
#ifndef TINYPV_SYMBOLS_H
#define TINYPV_SYMBOLS_H

#include <tinypv/types.h>

/* One entry of the generated table. */
struct symtab_entry {
    uint32_t addr;          /* first byte of the function */
    uint32_t size;          /* its length, 0 if unknown (assembly) */
    uint32_t name;          /* offset of its name in symtab_names */
};

struct symbol {
    const char *name;
    unsigned long offset;   /* addr - start of the function */
    unsigned long size;     /* 0: unknown */
};

/*
 * The function holding addr: true and *sym filled, or false if addr is in
 * no known function. A function without a size is taken to end where the
 * next one starts.
 */
bool symbol_lookup(unsigned long addr, struct symbol *sym);

/* Print "name+0xoff/0xsize", or "?" for an address in no function. */
void print_symbol(unsigned long addr);

#endif /* TINYPV_SYMBOLS_H */
