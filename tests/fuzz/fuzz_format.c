/*
 * fuzz_format.c: printk's format engine (lib/format.c) on arbitrary
 * format strings, with arguments that always match them.
 *
 * A format with arbitrary conversions would make the engine read varargs
 * that were never passed: undefined behaviour in the harness, not a bug in
 * the engine. So the fuzzed format is first rewritten (sanitise()) so that
 * every argument the engine will take matches the type passed:
 *
 *  - the arguments are fixed lists of NSLOTS slots whose types are set at
 *    compile time (three signatures, chosen by the first input byte);
 *    their values come from the input;
 *  - the format is walked with the grammar of include/tinypv/printk.h, exactly as
 *    parse_spec() reads it. A '*' is kept only where the next slot is an
 *    int (otherwise it becomes a digit); the length modifier and conversion of
 *    d i u x X o c s p are replaced, when they do not fit the next slot,
 *    by a combination that does (the fuzzed ones choose which); once the
 *    slots run out, such a conversion becomes the unknown '!'. Everything
 *    else (literal text, unknown conversions, a '%' at the very end, odd
 *    flags, huge widths) is kept as it is: the engine takes no argument
 *    for them.
 *
 * Input: [signature byte] [format, up to a NUL] [NUL] [slot values ...]
 * (values past the end of the input are zero).
 *
 * Checks on the kernel's vsnprintf (built as k_vsnprintf):
 *  - size 0 with a NULL buffer returns the length L and touches nothing;
 *  - into L + 1 bytes it returns L, writes L bytes and a NUL;
 *  - vformat() hands the same bytes to its sink, in runs of n > 0, and
 *    returns L;
 *  - at several smaller and larger sizes it returns L, writes a prefix of
 *    the full output and a NUL at min(size - 1, L), and not one byte more
 *    (guard bytes after the buffer, and after the NUL, are checked);
 *  - where the C standard defines the result (no %p, no NULL %s, no
 *    unknown conversion, widths and precisions within the kernel's cap of
 *    65535), the output equals the host C library's vsnprintf.
 */
#include <tinypv/types.h>
#include <tinypv/printk.h>
#include "fuzz.h"

/* The host C library's own, as the reference (see tests/host/test_format.c). */
#undef snprintf
#undef vsnprintf
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
              va_list ap);

#define FIELD_MAX   65535   /* the kernel's cap on widths and precisions */
#define NSLOTS      24

enum slot_type { T_INT, T_UINT, T_LONG, T_ULONG, T_LLONG, T_ULLONG, T_SIZE,
                 T_STR, T_PTR };

struct slot {
    int i;
    unsigned int u;
    long l;
    unsigned long ul;
    long long ll;
    unsigned long long ull;
    size_t z;
    const char *s;
    void *p;
};

/* The signatures: the type of each argument, in order. */
#define SIG0(X) \
    X(0, INT) X(1, UINT) X(2, STR) X(3, INT) X(4, LONG) X(5, ULONG) \
    X(6, INT) X(7, LLONG) X(8, ULLONG) X(9, INT) X(10, SIZE) X(11, PTR) \
    X(12, INT) X(13, STR) X(14, UINT) X(15, INT) X(16, INT) X(17, LLONG) \
    X(18, STR) X(19, INT) X(20, SIZE) X(21, UINT) X(22, INT) X(23, PTR)
#define SIG1(X) \
    X(0, STR) X(1, INT) X(2, INT) X(3, UINT) X(4, INT) X(5, STR) \
    X(6, INT) X(7, ULLONG) X(8, INT) X(9, LONG) X(10, INT) X(11, SIZE) \
    X(12, STR) X(13, INT) X(14, PTR) X(15, INT) X(16, UINT) X(17, INT) \
    X(18, LLONG) X(19, INT) X(20, ULONG) X(21, STR) X(22, INT) X(23, UINT)
#define SIG2(X) \
    X(0, INT) X(1, INT) X(2, INT) X(3, UINT) X(4, INT) X(5, INT) \
    X(6, UINT) X(7, INT) X(8, INT) X(9, LLONG) X(10, INT) X(11, INT) \
    X(12, ULLONG) X(13, INT) X(14, INT) X(15, SIZE) X(16, INT) X(17, INT) \
    X(18, STR) X(19, INT) X(20, INT) X(21, LONG) X(22, INT) X(23, ULONG)

#define TYPE_OF(k, T)   T_##T,
static const enum slot_type sig_types[3][NSLOTS] = {
    { SIG0(TYPE_OF) }, { SIG1(TYPE_OF) }, { SIG2(TYPE_OF) },
};

#define FIELD_INT       i
#define FIELD_UINT      u
#define FIELD_LONG      l
#define FIELD_ULONG     ul
#define FIELD_LLONG     ll
#define FIELD_ULLONG    ull
#define FIELD_SIZE      z
#define FIELD_STR       s
#define FIELD_PTR       p
#define ARG_OF(k, T)    V[k].FIELD_##T,

/* The (length, conversion) pairs each type of argument can satisfy. */
static const char *const variants[][14] = {
    [T_INT]    = { "d", "i", "c", "hhd", "hd", "hhi", "hi" },
    [T_UINT]   = { "u", "x", "X", "o", "hhu", "hu", "hhx", "hx", "hhX", "hX",
                   "hho", "ho" },
    [T_LONG]   = { "ld", "li" },
    [T_ULONG]  = { "lu", "lx", "lX", "lo" },
    [T_LLONG]  = { "lld", "lli" },
    [T_ULLONG] = { "llu", "llx", "llX", "llo" },
    [T_SIZE]   = { "zu", "zx", "zX", "zo", "zd", "zi" },
    [T_STR]    = { "s" },
    [T_PTR]    = { "p" },
};

/* A string that is not NUL-terminated: fine under a precision of <= 8. */
static char *unterminated;
#define UNTERMINATED_LEN 8

static const char *const strings[] = {
    "", "hello", "a longer string, with  spaces\tand a tab", NULL,
    "\x7f\x80\xff", "%d%s%n",
};

static struct slot V[NSLOTS];
static int sig;

/* --- calling with the signature's arguments -------------------------------- */

enum mode { KERNEL, LIBC, VFORMAT };

static void collect(void *ctx, const char *s, size_t n);
static char *collected;
static size_t collected_len, collected_cap;

static long call_va(enum mode mode, char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    long r;

    va_start(ap, fmt);
    switch ( mode )
    {
    case KERNEL:
        r = k_vsnprintf(buf, size, fmt, ap);
        break;
    case LIBC:
        r = vsnprintf(buf, size, fmt, ap);
        break;
    default:
        r = (long)vformat(collect, &collected, fmt, ap);
        break;
    }
    va_end(ap);
    return r;
}

/* The trailing 0 ends each list; an argument left over is harmless. */
static long call(enum mode mode, char *buf, size_t size, const char *fmt)
{
    switch ( sig )
    {
    case 0:  return call_va(mode, buf, size, fmt, SIG0(ARG_OF) 0);
    case 1:  return call_va(mode, buf, size, fmt, SIG1(ARG_OF) 0);
    default: return call_va(mode, buf, size, fmt, SIG2(ARG_OF) 0);
    }
}

static void collect(void *ctx, const char *s, size_t n)
{
    FUZZ_ASSERT(ctx == &collected);
    FUZZ_ASSERT(s != NULL && n > 0);
    if ( collected_len + n > collected_cap )
    {
        /* Geometric growth: a 64 KiB field arrives in 32-byte runs. */
        collected_cap = MAX(2 * collected_cap, collected_len + n);
        collected = realloc(collected, collected_cap);
    }
    memcpy(collected + collected_len, s, n);
    collected_len += n;
}

/* --- the rewriting ------------------------------------------------------- */

struct rewrite {
    char *out;
    size_t len;
    int slot;
    bool diffable;      /* the C standard defines the output */
    int wide;           /* fields wider than WIDE so far */
};

/*
 * At most WIDE_MAX fields (widths or precisions) above WIDE bytes per
 * format: one is enough to test the cap at FIELD_MAX, and two dozen
 * 64 KiB fields, formatted a dozen times per input, would only make the
 * fuzzer slow and fat. Past the budget, digits that would make a field
 * wider are left out of the rewritten format, and a '*' value is cut down.
 */
#define WIDE        4096
#define WIDE_MAX    1

static void emit(struct rewrite *rw, const char *s, size_t n)
{
    memcpy(rw->out + rw->len, s, n);
    rw->len += n;
}

/* Digits, as the kernel reads them: saturating at FIELD_MAX. */
static long digits(struct rewrite *rw, const char **pp, long n)
{
    const char *p = *pp;
    long next;
    bool counted = n > WIDE;

    for ( ; *p >= '0' && *p <= '9'; p++ )
    {
        next = MIN(n * 10 + (*p - '0'), FIELD_MAX + 1L);
        if ( next > WIDE && !counted )
        {
            if ( rw->wide >= WIDE_MAX )
                continue;           /* over budget: leave the digit out */
            rw->wide++;
            counted = true;
        }
        n = next;
        emit(rw, p, 1);
    }
    *pp = p;
    return n;
}

/*
 * A '*' (p is on it): kept if the next argument is an int, and its value
 * returned through *value. Otherwise it becomes the digit 1, and the
 * digits after it are read as part of that number, exactly as the engine
 * will read the rewritten text ("%*5d" becomes "%15d", a width of 15).
 * Simply dropping it would not do: "%-*-d" would become "%--d", where the
 * second '-' is a flag, and the engine would take an argument for the 'd'.
 */
static bool star(struct rewrite *rw, const char **pp, long *value)
{
    (*pp)++;
    if ( rw->slot >= NSLOTS || sig_types[sig][rw->slot] != T_INT )
    {
        emit(rw, "1", 1);
        *value = digits(rw, pp, 1);
        return false;
    }
    if ( (V[rw->slot].i > WIDE || V[rw->slot].i < -WIDE) &&
         rw->wide++ >= WIDE_MAX )
        V[rw->slot].i %= WIDE;      /* over budget: a narrower field */
    emit(rw, "*", 1);
    *value = V[rw->slot++].i;
    return true;
}

/* One specification; p is just past its '%'. Returns where the text goes on. */
static const char *rewrite_spec(struct rewrite *rw, const char *p)
{
    const char *len_start, *chosen;
    long width = 0, precision = -1, v;
    size_t len_n;
    char conv;

    emit(rw, "%", 1);
    for ( ; *p == '-' || *p == '0'; p++ )
        emit(rw, p, 1);

    if ( *p == '*' )
    {
        star(rw, &p, &v);
        width = v < 0 ? -v : v;     /* a negative '*' means '-' */
    }
    else
        width = digits(rw, &p, 0);

    if ( *p == '.' )
    {
        emit(rw, p++, 1);
        if ( *p == '*' )
        {
            star(rw, &p, &v);
            precision = v < 0 ? -1 : v;     /* negative: no precision */
        }
        else
            precision = digits(rw, &p, 0);
    }
    if ( width > FIELD_MAX || precision > FIELD_MAX )
        rw->diffable = false;       /* the kernel caps them; C does not */

    len_start = p;
    if ( *p == 'h' )
        p += (p[1] == 'h') ? 2 : 1;
    else if ( *p == 'l' )
        p += (p[1] == 'l') ? 2 : 1;
    else if ( *p == 'z' )
        p++;
    len_n = (size_t)(p - len_start);
    conv = *p;

    if ( conv == '\0' )
    {
        /* The format ends inside the specification: printed as it stands. */
        emit(rw, len_start, len_n);
        rw->diffable = false;
        return p;
    }
    if ( strchr("diuxXocsp", conv) == NULL )
    {
        /* '%%' or an unknown conversion: no argument is taken. */
        emit(rw, len_start, len_n + 1);
        if ( conv != '%' || len_n > 0 )
            rw->diffable = false;
        return p + 1;
    }
    if ( rw->slot >= NSLOTS )
    {
        emit(rw, len_start, len_n);
        emit(rw, "!", 1);
        rw->diffable = false;
        return p + 1;
    }

    /* Keep the fuzzed pair if the argument fits it, else pick one that does. */
    {
        enum slot_type t = sig_types[sig][rw->slot];
        size_t n = 0, pick;
        char want[4] = { 0 };

        memcpy(want, len_start, len_n);
        want[len_n] = conv;
        while ( n < ARRAY_SIZE(variants[t]) && variants[t][n] != NULL )
            n++;
        pick = ((unsigned char)conv * 7u + (unsigned int)len_n) % n;
        for ( size_t i = 0; i < n; i++ )
            if ( strcmp(variants[t][i], want) == 0 )
                pick = i;
        chosen = variants[t][pick];
        emit(rw, chosen, strlen(chosen));

        if ( t == T_STR )
        {
            const char *s = V[rw->slot].s;

            if ( s == unterminated && (precision < 0 || precision > UNTERMINATED_LEN) )
                V[rw->slot].s = s = "terminated after all";
            /*
             * C leaves a NULL undefined. The unterminated string is fine
             * by C, but ASan's printf interceptor reads it to the end
             * whatever the precision: keep it from the C library.
             */
            if ( s == NULL || s == unterminated )
                rw->diffable = false;
        }
        if ( t == T_PTR )
            rw->diffable = false;       /* the kernel's own layout */
        rw->slot++;
    }
    return p + 1;
}

static struct rewrite sanitise(const char *fmt, size_t n)
{
    struct rewrite rw = { .out = malloc(4 * n + 16), .diffable = true };
    const char *p = fmt;

    while ( *p != '\0' )
    {
        if ( *p != '%' )
            emit(&rw, p++, 1);
        else
            p = rewrite_spec(&rw, p + 1);
    }
    rw.out[rw.len] = '\0';
    return rw;
}

/* --- the checks ---------------------------------------------------------- */

static void check_size(const char *fmt, const char *full, long L, size_t size)
{
    uint8_t *buf = malloc(size + FUZZ_GUARD);
    size_t n = MIN(size - 1, (size_t)L);
    long r;

    memset(buf, FUZZ_GUARD_BYTE, size + FUZZ_GUARD);
    r = call(KERNEL, (char *)buf, size, fmt);
    FUZZ_ASSERT(r == L);
    FUZZ_ASSERT(memcmp(buf, full, n) == 0);
    FUZZ_ASSERT(buf[n] == '\0');
    for ( size_t i = n + 1; i < size + FUZZ_GUARD; i++ )
        FUZZ_ASSERT(buf[i] == FUZZ_GUARD_BYTE);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = { data, size };
    char *fuzz_fmt, *full, *ref;
    struct rewrite rw;
    size_t flen;
    long L, r;
    uint8_t guard[FUZZ_GUARD];

    if ( unterminated == NULL )
    {
        unterminated = malloc(UNTERMINATED_LEN);    /* exact: ASan guards it */
        memcpy(unterminated, "ABCDEFGH", UNTERMINATED_LEN);
    }

    sig = fuzz_u8(&in) % 3;
    flen = strnlen((const char *)in.p, in.n);
    fuzz_fmt = malloc(flen + 1);
    memcpy(fuzz_fmt, in.p, flen);
    fuzz_fmt[flen] = '\0';
    in.p += flen;
    in.n -= flen;
    (void)fuzz_u8(&in);             /* the NUL */

    for ( int k = 0; k < NSLOTS; k++ )
    {
        uint32_t lo = fuzz_u32(&in), hi = fuzz_u32(&in);
        uint64_t v = (uint64_t)hi << 32 | lo;

        V[k].i = (int)lo;
        V[k].u = lo;
        V[k].l = (long)v;
        V[k].ul = (unsigned long)v;
        V[k].ll = (long long)v;
        V[k].ull = v;
        V[k].z = (size_t)v;
        V[k].p = (void *)(uintptr_t)v;
        V[k].s = (lo % 8 == 7) ? unterminated : strings[lo % 8 % ARRAY_SIZE(strings)];
    }

    rw = sanitise(fuzz_fmt, flen);

    /* Size 0: nothing written, not even through a NULL buffer. */
    memset(guard, FUZZ_GUARD_BYTE, sizeof(guard));
    L = call(KERNEL, NULL, 0, rw.out);
    FUZZ_ASSERT(L >= 0);
    FUZZ_ASSERT(call(KERNEL, (char *)guard, 0, rw.out) == L);
    for ( size_t i = 0; i < sizeof(guard); i++ )
        FUZZ_ASSERT(guard[i] == FUZZ_GUARD_BYTE);

    /* The full output, at exactly its size (ASan sees one byte more). */
    full = malloc((size_t)L + 1);
    r = call(KERNEL, full, (size_t)L + 1, rw.out);
    FUZZ_ASSERT(r == L);
    FUZZ_ASSERT(full[L] == '\0');

    /* vformat: the same bytes, through the sink. */
    collected = NULL;
    collected_len = collected_cap = 0;
    r = call(VFORMAT, NULL, 0, rw.out);
    FUZZ_ASSERT(r == L && collected_len == (size_t)L);
    FUZZ_ASSERT(L == 0 || memcmp(collected, full, (size_t)L) == 0);
    free(collected);

    /* Truncated, and with room to spare. */
    {
        size_t sizes[] = { 1, 2, 7, (size_t)L / 2 + 1, (size_t)L, (size_t)L + 2,
                           (size_t)fuzz_u8(&in) + 1 };

        for ( size_t i = 0; i < ARRAY_SIZE(sizes); i++ )
            if ( sizes[i] > 0 )
                check_size(rw.out, full, L, sizes[i]);
    }

    /* Where C defines the answer, the C library must agree. */
    if ( rw.diffable )
    {
        r = call(LIBC, NULL, 0, rw.out);
        if ( r != L )
            fprintf(stderr, "format \"%s\": kernel %ld bytes, libc %ld\n",
                    rw.out, L, r);
        FUZZ_ASSERT(r == L);
        ref = malloc((size_t)L + 1);
        call(LIBC, ref, (size_t)L + 1, rw.out);
        if ( memcmp(ref, full, (size_t)L) != 0 )
            fprintf(stderr, "format \"%s\":\n  kernel \"%s\"\n  libc   \"%s\"\n",
                    rw.out, full, ref);
        FUZZ_ASSERT(memcmp(ref, full, (size_t)L) == 0);
        free(ref);
    }

    free(full);
    free(rw.out);
    free(fuzz_fmt);
    return 0;
}
