/*
 * cmdline.c: splitting the kernel command line into options.
 *
 * The grammar (see include/lib/cmdline.h):
 *
 *     line   := blanks? (option (blanks option)*)? blanks?
 *     option := key | key '=' value
 *     value  := bare | '"' quoted '"'
 *
 * Blanks are spaces and tabs. A key runs up to a blank, '=' or the end; a
 * bare value runs up to a blank or the end, and any quote or backslash
 * inside it is an ordinary character. A quoted value may hold blanks, and
 * in it \" and \\ stand for " and \; any other backslash is kept as it is.
 * The closing quote must end the option: `a="x"y` is an error rather than
 * a guess. `key=` and `key=""` give the empty string, a bare `key` gives
 * a NULL value.
 *
 * The line is read through a cursor that reports '\0' at the first NUL or
 * after max bytes, whichever comes first, and never moves past either: the
 * start_info command line is a fixed-size array that Xen need not have
 * terminated. Keys and values are copied into buffers on this function's
 * stack, so the callback's strings live only until it returns; nothing here
 * is global, so the parser can be re-entered and fed to a fuzzer.
 */
#include <tinypv/types.h>
#include <lib/cmdline.h>

/* --- reading the line ---------------------------------------------------- */

struct cursor
{
    const char *line;
    size_t max;         /* never look at line[max] or beyond */
    size_t pos;
};

/* The current character, or '\0' at the end of the line. */
static char peek(const struct cursor *c)
{
    return (c->pos < c->max) ? c->line[c->pos] : '\0';
}

/* Step over the current character; the end of the line is never passed. */
static void advance(struct cursor *c)
{
    if ( peek(c) != '\0' )
        c->pos++;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static void skip_blanks(struct cursor *c)
{
    while ( is_blank(peek(c)) )
        advance(c);
}

/* --- collecting text into a bounded buffer ------------------------------- */

struct text
{
    char *buf;
    size_t len;
    size_t size;        /* including the NUL */
};

static void text_start(struct text *t, char *buf, size_t size)
{
    t->buf = buf;
    t->len = 0;
    t->size = size;
    buf[0] = '\0';
}

/* Append ch, keeping the text NUL-terminated; false if there is no room. */
static bool text_add(struct text *t, char ch)
{
    if ( t->len + 1 >= t->size )
        return false;
    t->buf[t->len++] = ch;
    t->buf[t->len] = '\0';
    return true;
}

/* --- one option ---------------------------------------------------------- */

/* Each returns NULL on success, or a message saying what was wrong. */

static const char *read_key(struct cursor *c, char *key)
{
    struct text t;
    char ch;

    text_start(&t, key, CMDLINE_KEY_MAX);
    while ( (ch = peek(c)) != '\0' && !is_blank(ch) && ch != '=' )
    {
        if ( !text_add(&t, ch) )
            return "option name too long";
        advance(c);
    }

    if ( t.len == 0 )
        return "'=' without an option name before it";
    return NULL;
}

static const char *read_bare_value(struct cursor *c, struct text *t)
{
    char ch;

    while ( (ch = peek(c)) != '\0' && !is_blank(ch) )
    {
        if ( !text_add(t, ch) )
            return "option value too long";
        advance(c);
    }
    return NULL;
}

/* The cursor is on the opening quote. */
static const char *read_quoted_value(struct cursor *c, struct text *t)
{
    char ch;

    advance(c);
    while ( (ch = peek(c)) != '"' )
    {
        if ( ch == '\0' )
            return "unterminated quote";

        advance(c);
        if ( ch == '\\' && (peek(c) == '"' || peek(c) == '\\') )
        {
            /* An escape: the next character stands for itself. */
            ch = peek(c);
            advance(c);
        }
        if ( !text_add(t, ch) )
            return "option value too long";
    }
    advance(c);     /* the closing quote */

    ch = peek(c);
    if ( ch != '\0' && !is_blank(ch) )
        return "text after a closing quote";
    return NULL;
}

static const char *read_value(struct cursor *c, char *value)
{
    struct text t;

    text_start(&t, value, CMDLINE_VALUE_MAX);
    if ( peek(c) == '"' )
        return read_quoted_value(c, &t);
    return read_bare_value(c, &t);
}

/* The cursor is on the first character of an option. */
static const char *read_option(struct cursor *c, char *key, char *value,
                               bool *has_value)
{
    const char *why = read_key(c, key);

    *has_value = false;
    if ( why != NULL || peek(c) != '=' )
        return why;

    advance(c);     /* the '=' */
    *has_value = true;
    return read_value(c, value);
}

int cmdline_parse(const char *line, size_t max, cmdline_option_fn fn, void *ctx,
                  const char **error)
{
    struct cursor c = { .line = line, .max = (line != NULL) ? max : 0 };
    char key[CMDLINE_KEY_MAX];
    char value[CMDLINE_VALUE_MAX];

    if ( error != NULL )
        *error = NULL;      /* no message when all is well */

    for ( ; ; )
    {
        const char *why;
        bool has_value;

        skip_blanks(&c);
        if ( peek(&c) == '\0' )
            return 0;

        why = read_option(&c, key, value, &has_value);
        if ( why != NULL )
        {
            if ( error != NULL )
                *error = why;
            return -1;
        }
        fn(ctx, key, has_value ? value : NULL);
    }
}

/* --- sizes --------------------------------------------------------------- */

/*
 * Decimal digits, then an optional K, M or G (or k, m, g) for 2^10, 2^20,
 * 2^30, then the end. Each step checks for overflow before it happens, so
 * no value ever wraps. *out is only written on success.
 */
int parse_size(const char *text, uint32_t *out)
{
    const char *p = text;
    uint32_t value = 0;
    unsigned int shift = 0;

    if ( p == NULL || *p < '0' || *p > '9' )
        return -1;      /* empty, or no digit first (no sign, no blank) */

    while ( *p >= '0' && *p <= '9' )
    {
        uint32_t digit = (uint32_t)(*p - '0');

        if ( value > (UINT32_MAX - digit) / 10 )
            return -1;
        value = value * 10 + digit;
        p++;
    }

    switch ( *p )
    {
    case 'K': case 'k': shift = 10; p++; break;
    case 'M': case 'm': shift = 20; p++; break;
    case 'G': case 'g': shift = 30; p++; break;
    }

    if ( *p != '\0' )
        return -1;      /* trailing garbage */
    if ( value > (UINT32_MAX >> shift) )
        return -1;

    *out = value << shift;
    return 0;
}
