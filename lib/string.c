/*
 * string.c: the C library's memory and string routines, for a kernel that
 * has no C library.
 *
 * Simple byte loops: they are obviously right, and everything tinypv copies
 * is small (console lines, a page now and then). A word-at-a-time memcpy
 * would be faster on big blocks but needs alignment cases that would hide
 * the idea; it can come when a profile asks for it.
 *
 * A trap worth knowing: in a normal (hosted) build gcc recognises a loop
 * that stores one value into every byte as "memset" and replaces it with a
 * call to memset - inside memset itself, which then calls itself forever.
 * The same goes for the copy loops and memcpy. The kernel is compiled with
 * -ffreestanding -fno-builtin, which tells gcc that these names have no
 * special meaning here and turns that rewriting off. (gcc 12: verified with
 * objdump; a hosted -O3 build of the same loop does call memset.)
 *
 * Comparisons look at bytes as unsigned char, as C requires: "\x80" sorts
 * after "\x01" whatever the signedness of plain char.
 */
#include <tinypv/types.h>
#include <lib/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while ( n-- > 0 )
        *d++ = *s++;
    return dst;
}

/*
 * The areas may overlap. If the destination starts below the source, a
 * forward copy reads every byte before it is overwritten; if above, copy
 * backwards for the same reason. The addresses are compared as integers
 * because C only defines < between pointers into the same object.
 */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if ( (uintptr_t)d <= (uintptr_t)s )
    {
        while ( n-- > 0 )
            *d++ = *s++;
    }
    else
    {
        d += n;
        s += n;
        while ( n-- > 0 )
            *--d = *--s;
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while ( n-- > 0 )
        *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for ( ; n > 0; n--, p++, q++ )
    {
        if ( *p != *q )
            return (int)*p - (int)*q;
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while ( s[n] != '\0' )
        n++;
    return n;
}

/* Like strlen, but looks at no more than max bytes. */
size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while ( n < max && s[n] != '\0' )
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    while ( *p != '\0' && *p == *q )
    {
        p++;
        q++;
    }
    return (int)*p - (int)*q;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for ( ; n > 0; n--, p++, q++ )
    {
        if ( *p != *q || *p == '\0' )
            return (int)*p - (int)*q;
    }
    return 0;
}

/*
 * The first c in s, where c is converted to char; the terminating NUL
 * counts as part of the string, so strchr(s, '\0') finds the end.
 */
char *strchr(const char *s, int c)
{
    const char ch = (char)c;

    for ( ; ; s++ )
    {
        if ( *s == ch )
            return (char *)s;
        if ( *s == '\0' )
            return NULL;
    }
}
