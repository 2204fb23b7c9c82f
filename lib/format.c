/*
 * format.c: the printf format engine.
 *
 * vformat() walks a format string and hands the output, in runs, to a sink
 * function that decides where the bytes go. It does not know about consoles
 * or buffers, so the same engine serves vsnprintf() (below: the sink copies
 * into a bounded buffer) and printk() (kernel/printk.c: the sink is the
 * console). Nothing here touches a global variable: every call keeps its
 * state on its own stack, so the engine may be re-entered and may be called
 * from a fuzzer as it stands.
 *
 * The output of one conversion is built as up to five runs:
 *
 *     [spaces] [sign or 0x] [zeros] [digits or text] [spaces]
 *
 * and the text between conversions goes to the sink as one run, so a
 * console sink sees a few large writes rather than one call per byte.
 *
 * What is supported is what include/tinypv/printk.h lists. Two choices that C
 * leaves open are made here:
 *
 *   - %p prints "0x" and then every hex digit of the pointer, zeros
 *     included: 8 digits in the 32-bit kernel ("0x0012abcd"), 16 in a
 *     64-bit host test. The width and '-' apply; '0' and a precision do not.
 *   - Widths and precisions are capped at FIELD_MAX, so a garbled format
 *     such as "%999999999d" costs at most 64 KiB of padding, not a stalled
 *     console. No real format comes near the cap.
 *
 * The kernel is linked without libgcc, so 64-bit values must never meet the
 * / or % operators (on i386 those become calls to __udivdi3 and friends).
 * divide_small() below divides a 64-bit number using 32-bit steps only.
 */
#include <tinypv/types.h>
#include <lib/string.h>
#include <lib/format.h>

#define FIELD_MAX   65535

/* The size that the C standard says a length modifier gives an argument. */
enum length
{
    LEN_DEFAULT,    /* int */
    LEN_HH,         /* char */
    LEN_H,          /* short */
    LEN_L,          /* long */
    LEN_LL,         /* long long */
    LEN_Z,          /* size_t */
};

/* One parsed conversion: %[flags][width][.precision][length]conversion */
struct spec
{
    bool left;              /* '-': pad on the right instead of the left */
    bool zero;              /* '0': pad numbers with zeros, not spaces */
    int width;              /* minimum field width; 0 when none was given */
    int precision;          /* -1 when none was given */
    enum length length;
    char conversion;        /* 'd', 'x', ...; '\0' if the format ended */
};

/* Where the output goes, and how much of it there has been. */
struct out
{
    format_sink_t sink;
    void *ctx;
    size_t count;
};

/* --- emitting ------------------------------------------------------------ */

static void put(struct out *o, const char *s, size_t n)
{
    if ( n == 0 )
        return;                 /* the sink contract says n > 0 */
    o->sink(o->ctx, s, n);
    /* Saturate rather than wrap: the count can only be too big to return. */
    o->count = (o->count + n < o->count) ? SIZE_MAX : o->count + n;
}

/* Emit c n times, in runs taken from a constant string of that character. */
static void put_repeat(struct out *o, char c, size_t n)
{
    static const char spaces[] = "                                ";
    static const char zeros[]  = "00000000000000000000000000000000";
    const char *run = (c == '0') ? zeros : spaces;
    size_t chunk = sizeof(spaces) - 1;

    while ( n > 0 )
    {
        size_t k = MIN(n, chunk);

        put(o, run, k);
        n -= k;
    }
}

/* --- parsing a conversion specification ---------------------------------- */

/* Read decimal digits at *pp, saturating at FIELD_MAX (no overflow). */
static int parse_decimal(const char **pp)
{
    const char *p = *pp;
    int n = 0;

    while ( *p >= '0' && *p <= '9' )
    {
        n = n * 10 + (*p - '0');
        if ( n > FIELD_MAX )
            n = FIELD_MAX;
        p++;
    }
    *pp = p;
    return n;
}

/*
 * Parse what follows a '%', taking '*' widths and precisions from the
 * arguments. Returns a pointer to the conversion character, which is the
 * terminating NUL if the format ended in the middle of the specification.
 */
static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
    sp->left = false;
    sp->zero = false;
    sp->width = 0;
    sp->precision = -1;
    sp->length = LEN_DEFAULT;

    for ( ; ; p++ )
    {
        if ( *p == '-' )
            sp->left = true;
        else if ( *p == '0' )
            sp->zero = true;
        else
            break;
    }

    if ( *p == '*' )
    {
        /* A negative '*' width means '-' and the absolute value. */
        int w = va_arg(*ap, int);

        if ( w < 0 )
        {
            sp->left = true;
            w = (w < -FIELD_MAX) ? FIELD_MAX : -w;
        }
        sp->width = MIN(w, FIELD_MAX);
        p++;
    }
    else
        sp->width = parse_decimal(&p);

    if ( *p == '.' )
    {
        p++;
        if ( *p == '*' )
        {
            /* A negative '*' precision counts as no precision at all. */
            int prec = va_arg(*ap, int);

            sp->precision = (prec < 0) ? -1 : MIN(prec, FIELD_MAX);
            p++;
        }
        else
            sp->precision = parse_decimal(&p);  /* a bare '.' means 0 */
    }

    if ( *p == 'h' )
    {
        p++;
        sp->length = LEN_H;
        if ( *p == 'h' )
        {
            p++;
            sp->length = LEN_HH;
        }
    }
    else if ( *p == 'l' )
    {
        p++;
        sp->length = LEN_L;
        if ( *p == 'l' )
        {
            p++;
            sp->length = LEN_LL;
        }
    }
    else if ( *p == 'z' )
    {
        p++;
        sp->length = LEN_Z;
    }

    sp->conversion = *p;
    return p;
}

/* --- fetching integer arguments ------------------------------------------ */

/*
 * Default argument promotion turns char and short into int on the way
 * through "...", so %hh and %h read an int and then cut it back down.
 */
static uint64_t fetch_unsigned(va_list *ap, enum length length)
{
    switch ( length )
    {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:  return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z:  return va_arg(*ap, size_t);
    default:     return va_arg(*ap, unsigned int);
    }
}

static int64_t fetch_signed(va_list *ap, enum length length)
{
    switch ( length )
    {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H:  return (short)va_arg(*ap, int);
    case LEN_L:  return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    case LEN_Z:
        /* %zd: the signed type of size_t's width (ssize_t in POSIX). */
        if ( sizeof(size_t) == sizeof(int32_t) )
            return (int32_t)va_arg(*ap, size_t);
        return (int64_t)va_arg(*ap, size_t);
    default:     return va_arg(*ap, int);
    }
}

/* --- numbers ------------------------------------------------------------- */

/*
 * *n /= base, returning the remainder, with base at most 16 and only 32-bit
 * divisions. The high word is divided first; its remainder r (< base) is
 * carried into the low word, which is taken 16 bits at a time so that
 * (r << 16) | half stays below base * 65536 and fits in 32 bits, and each
 * partial quotient fits in 16 bits. This is long division in base 65536.
 */
static unsigned int divide_small(uint64_t *n, unsigned int base)
{
    uint32_t hi = (uint32_t)(*n >> 32);
    uint32_t lo = (uint32_t)*n;
    uint32_t q_hi, q_mid, q_lo, r, t;

    if ( hi == 0 )
    {
        /* The common case: a plain 32-bit division. */
        *n = lo / base;
        return lo % base;
    }

    q_hi = hi / base;
    r = hi % base;
    t = (r << 16) | (lo >> 16);
    q_mid = t / base;
    r = t % base;
    t = (r << 16) | (lo & 0xffff);
    q_lo = t / base;
    r = t % base;

    *n = ((uint64_t)q_hi << 32) | (q_mid << 16) | q_lo;
    return r;
}

/* 64 bits in octal is 22 digits, the most any base here needs. */
#define DIGITS_MAX  22

/*
 * Write the digits of v in base, right-aligned so that they end at end;
 * returns how many there are. Zero gives "0", not an empty string.
 */
static size_t to_digits(uint64_t v, unsigned int base, bool upper, char *end)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t n = 0;

    do
    {
        *--end = set[divide_small(&v, base)];
        n++;
    } while ( v != 0 );

    return n;
}

/*
 * Lay out one number: prefix is "-", "0x" or "", magnitude is the absolute
 * value. C's rules: the precision is the minimum number of digits (and a
 * zero with precision 0 prints no digits at all); the '0' flag fills the
 * width with zeros after the prefix, unless '-' or a precision was given.
 */
static void put_number(struct out *o, const struct spec *sp, uint64_t magnitude,
                       unsigned int base, const char *prefix)
{
    char buf[DIGITS_MAX];
    char *end = buf + sizeof(buf);
    size_t ndigits = 0, nprefix = 0, nzeros = 0, body, pad = 0;
    size_t width = (size_t)sp->width;

    if ( magnitude != 0 || sp->precision != 0 )
        ndigits = to_digits(magnitude, base, sp->conversion == 'X', end);

    while ( prefix[nprefix] != '\0' )
        nprefix++;

    if ( sp->precision > 0 && (size_t)sp->precision > ndigits )
        nzeros = (size_t)sp->precision - ndigits;

    body = nprefix + nzeros + ndigits;
    if ( width > body )
    {
        if ( sp->zero && !sp->left && sp->precision < 0 )
            nzeros += width - body;
        else
            pad = width - body;
    }

    if ( !sp->left )
        put_repeat(o, ' ', pad);
    put(o, prefix, nprefix);
    put_repeat(o, '0', nzeros);
    put(o, end - ndigits, ndigits);
    if ( sp->left )
        put_repeat(o, ' ', pad);
}

static void convert_integer(struct out *o, struct spec *sp, va_list *ap)
{
    uint64_t magnitude;
    const char *prefix = "";
    unsigned int base = 10;

    switch ( sp->conversion )
    {
    case 'd':
    case 'i':
    {
        int64_t v = fetch_signed(ap, sp->length);

        /*
         * Negate in unsigned arithmetic: -v overflows for INT64_MIN, but
         * 0 - (uint64_t)v is defined and gives its magnitude, 2^63.
         */
        magnitude = (uint64_t)v;
        if ( v < 0 )
        {
            magnitude = 0 - magnitude;
            prefix = "-";
        }
        break;
    }
    case 'p':
        magnitude = (uintptr_t)va_arg(*ap, void *);
        prefix = "0x";
        base = 16;
        /* Every digit of the pointer: force the precision, drop '0'. */
        sp->precision = (int)(2 * sizeof(void *));
        sp->zero = false;
        break;
    default:
        magnitude = fetch_unsigned(ap, sp->length);
        if ( sp->conversion == 'x' || sp->conversion == 'X' )
            base = 16;
        else if ( sp->conversion == 'o' )
            base = 8;
        break;
    }

    put_number(o, sp, magnitude, base, prefix);
}

/* --- text ---------------------------------------------------------------- */

/* Pad text of length n to the width. The '0' flag is for numbers only. */
static void put_text(struct out *o, const struct spec *sp, const char *s,
                     size_t n)
{
    size_t width = (size_t)sp->width;
    size_t pad = (width > n) ? width - n : 0;

    if ( !sp->left )
        put_repeat(o, ' ', pad);
    put(o, s, n);
    if ( sp->left )
        put_repeat(o, ' ', pad);
}

static void convert_string(struct out *o, const struct spec *sp, va_list *ap)
{
    const char *s = va_arg(*ap, const char *);
    size_t n = 0;

    if ( s == NULL )
        s = "(null)";   /* then cut by the precision like any string */

    /*
     * With a precision the argument need not be NUL-terminated, so never
     * look at more than precision bytes.
     */
    while ( (sp->precision < 0 || n < (size_t)sp->precision) && s[n] != '\0' )
        n++;

    put_text(o, sp, s, n);
}

static void convert_char(struct out *o, const struct spec *sp, va_list *ap)
{
    char c = (char)va_arg(*ap, int);

    put_text(o, sp, &c, 1);
}

/* --- the engine ---------------------------------------------------------- */

/* One conversion; start points at its '%'. Returns where the format goes on. */
static const char *convert(struct out *o, const char *start, va_list *ap)
{
    struct spec sp;
    const char *p = parse_spec(start + 1, &sp, ap);

    switch ( sp.conversion )
    {
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'p':
        convert_integer(o, &sp, ap);
        break;
    case 's':
        convert_string(o, &sp, ap);
        break;
    case 'c':
        convert_char(o, &sp, ap);
        break;
    case '%':
        put(o, "%", 1);
        break;
    case '\0':
        /* The format ended inside a specification: show what there was. */
        put(o, start, (size_t)(p - start));
        return p;
    default:
        /* Unknown: print it as it stands, so the mistake can be seen. */
        put(o, start, (size_t)(p + 1 - start));
        break;
    }

    return p + 1;
}

size_t vformat(format_sink_t sink, void *ctx, const char *fmt, va_list ap)
{
    struct out o = { .sink = sink, .ctx = ctx, .count = 0 };
    const char *p = fmt;
    va_list args;

    /*
     * The helpers take a va_list * so that each va_arg() they do is seen
     * here too. A va_list parameter may be an array type that has decayed
     * to a pointer (x86-64), so &ap would have the wrong type: take the
     * address of a local copy instead.
     */
    va_copy(args, ap);

    while ( *p != '\0' )
    {
        const char *run = p;

        /* Literal text up to the next '%' goes out in one piece. */
        while ( *p != '\0' && *p != '%' )
            p++;
        put(&o, run, (size_t)(p - run));

        if ( *p == '%' )
            p = convert(&o, p, &args);
    }

    va_end(args);
    return o.count;
}

/* --- vsnprintf: the engine with a bounded buffer as its sink ------------- */

struct bounded
{
    char *pos;      /* where the next byte goes */
    size_t room;    /* bytes that may still be stored, leaving one for NUL */
};

static void bounded_sink(void *ctx, const char *s, size_t n)
{
    struct bounded *b = ctx;
    size_t take = MIN(n, b->room);

    /* Past the end the bytes are only counted (by vformat), not stored. */
    if ( take == 0 )
        return;
    memcpy(b->pos, s, take);
    b->pos += take;
    b->room -= take;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct bounded b = { .pos = buf, .room = (size > 0) ? size - 1 : 0 };
    size_t len = vformat(bounded_sink, &b, fmt, ap);

    if ( size > 0 )
        *b.pos = '\0';

    /* C would report EOVERFLOW; a length that big cannot be formatted here. */
    return (len > INT32_MAX) ? INT32_MAX : (int)len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return len;
}
