/*
 * symbols.c: looking addresses up in the image's own symbol table.
 *
 * The table (tools/gen-symtab) is sorted by address, so a lookup is a
 * binary search for the last function starting at or below the address.
 * Nothing here trusts the address: it may be garbage read from a broken
 * stack, and the worst answer is "no function".
 */
#include <tinypv/symbols.h>
#include <tinypv/printk.h>

/* Weak: an image linked without a table sees a count of zero. */
extern const uint32_t symtab_count __attribute__((weak));
extern const struct symtab_entry symtab_entries[] __attribute__((weak));
extern const char symtab_names[] __attribute__((weak));

static uint32_t table_size(void)
{
    return &symtab_count ? symtab_count : 0;
}

/* Index of the last entry with addr <= a, or -1 if there is none. */
static long last_at_or_below(unsigned long a, uint32_t n)
{
    long lo = 0, hi = (long)n - 1, found = -1;

    while ( lo <= hi )
    {
        long mid = lo + (hi - lo) / 2;

        if ( symtab_entries[mid].addr <= a )
        {
            found = mid;
            lo = mid + 1;
        }
        else
            hi = mid - 1;
    }
    return found;
}

bool symbol_lookup(unsigned long addr, struct symbol *sym)
{
    uint32_t n = table_size();
    long i = last_at_or_below(addr, n);
    const struct symtab_entry *e;
    unsigned long end;

    if ( i < 0 )
        return false;
    e = &symtab_entries[i];
    if ( e->size )
        end = e->addr + e->size;
    else if ( (uint32_t)i + 1 < n )
        end = symtab_entries[i + 1].addr;
    else
        return false;           /* the last label: where does it end? */
    if ( addr >= end )
        return false;           /* between functions (padding) */
    sym->name = symtab_names + e->name;
    sym->offset = addr - e->addr;
    sym->size = e->size;
    return true;
}

void print_symbol(unsigned long addr)
{
    struct symbol sym;

    if ( !symbol_lookup(addr, &sym) )
        printk("?");
    else if ( sym.size )
        printk("%s+0x%lx/0x%lx", sym.name, sym.offset, sym.size);
    else
        printk("%s+0x%lx", sym.name, sym.offset);
}
