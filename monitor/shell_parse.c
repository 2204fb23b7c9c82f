/*
 * shell_parse.c: splitting monitor command lines into words
 * (include/monitor/shell_parse.h).
 *
 * The grammar:
 *
 *     line   := blanks? (word (blanks word)*)? blanks?
 *     word   := (plain | '"' quoted '"')+
 *
 * Blanks are spaces and tabs. Outside quotes every other character is
 * plain, backslashes included. Quotes may appear anywhere in a word and
 * are removed, so  say" hi "there  is the one word "say hi there", and ""
 * on its own is an empty word. Inside quotes \" and \\ stand for " and \;
 * any other backslash is kept as it is (so "C:\dir" means what it says).
 *
 * Splitting is done in place: removing quotes and escapes only ever makes
 * a word shorter, so the text is copied down within the same buffer by a
 * write position that never overtakes the read position, and each word is
 * NUL-terminated where it ends. No limit on the line's length applies
 * here: the console's line editor already bounds it, and the `run=` boot
 * option is bounded by the command line.
 *
 * On an error, *argc is 0, argv[0] is NULL and the line has been partly
 * rewritten: report the error, do not run what is left.
 */
#include <tinypv/types.h>
#include <monitor/shell_parse.h>

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static char *skip_blanks(char *p)
{
    while ( is_blank(*p) )
        p++;
    return p;
}

/*
 * Inside quotes, p points at a backslash: true if it escapes the next
 * character (which then stands for itself).
 */
static bool is_escape(const char *p)
{
    return p[0] == '\\' && (p[1] == '"' || p[1] == '\\');
}

/* --- words --------------------------------------------------------------- */

/*
 * Read one word starting at *read (not a blank, not the end), copy it
 * without its quotes and escapes to `write` and NUL-terminate it there.
 * Advances *read past the word. Returns false on an unterminated quote.
 */
static bool read_word(char **read, char *write)
{
    char *r = *read;
    bool quoted = false;

    while ( *r != '\0' && (quoted || !is_blank(*r)) )
    {
        if ( *r == '"' )
        {
            quoted = !quoted;
            r++;
            continue;
        }
        if ( quoted && is_escape(r) )
            r++;                    /* drop the backslash, keep what follows */
        *write++ = *r++;
    }

    if ( quoted )
        return false;

    /*
     * The word ended at a blank or at the end. Step over a blank before
     * writing the NUL: when nothing was removed from the word, write == r
     * and the NUL lands on that very blank.
     */
    if ( *r != '\0' )
        r++;
    *write = '\0';
    *read = r;
    return true;
}

/* No half-split result may look usable: leave argv empty. */
static enum shell_split_status split_failed(char **argv,
                                            enum shell_split_status status)
{
    argv[0] = NULL;
    return status;
}

enum shell_split_status shell_split(char *line, int *argc, char **argv,
                                    int max_args)
{
    char *r = line;
    int n = 0;

    *argc = 0;
    argv[0] = NULL;
    if ( line == NULL )
        return SPLIT_OK;            /* nothing, like an empty line */
    if ( max_args < 0 )
        max_args = 0;

    for ( ; ; )
    {
        char *word;

        r = skip_blanks(r);
        if ( *r == '\0' )
            break;
        if ( n == max_args )
            return split_failed(argv, SPLIT_TOO_MANY_WORDS);

        /* The word is written from where it starts: it can only shrink. */
        word = r;
        if ( !read_word(&r, word) )
            return split_failed(argv, SPLIT_UNTERMINATED_QUOTE);
        argv[n++] = word;
    }

    argv[n] = NULL;
    *argc = n;
    return SPLIT_OK;
}

/* Turn a number into a string literal, for the message below. */
#define STRINGIFY_(x)   #x
#define STRINGIFY(x)    STRINGIFY_(x)

/*
 * The messages name SHELL_MAX_ARGS, the limit the monitor shell passes;
 * a caller with another max_args should word its own message.
 */
const char *shell_split_error(enum shell_split_status status)
{
    switch ( status )
    {
    case SPLIT_OK:
        return "no error";
    case SPLIT_TOO_MANY_WORDS:
        return "too many words (max " STRINGIFY(SHELL_MAX_ARGS) ")";
    case SPLIT_UNTERMINATED_QUOTE:
        return "unterminated quote";
    }
    return "unknown error";
}

/* --- commands ------------------------------------------------------------ */

/*
 * The end of the command starting at p: the first ';' outside quotes, or
 * the end of the text. Quotes and escapes are followed exactly as
 * read_word() follows them, so that "a\";b" stays one command. An
 * unterminated quote runs to the end; shell_split() will then report it.
 */
static char *command_end(char *p)
{
    bool quoted = false;

    for ( ; *p != '\0'; p++ )
    {
        if ( *p == '"' )
            quoted = !quoted;
        else if ( quoted && is_escape(p) )
            p++;                    /* the escaped character cannot end anything */
        else if ( *p == ';' && !quoted )
            break;
    }
    return p;
}

/*
 * Empty commands (";;", a leading or trailing ';', blanks alone) are
 * skipped rather than returned as "", so every command returned has at
 * least one non-blank character. Trailing blanks are left in place;
 * shell_split() ignores them.
 */
char *shell_next_command(char **cursor)
{
    char *p, *end;

    if ( cursor == NULL || *cursor == NULL )
        return NULL;

    p = *cursor;
    for ( ; ; )
    {
        p = skip_blanks(p);
        if ( *p != ';' )
            break;
        p++;                        /* an empty command */
    }

    if ( *p == '\0' )
    {
        *cursor = p;
        return NULL;
    }

    end = command_end(p);
    if ( *end == ';' )
        *end++ = '\0';              /* the next search starts after it */
    *cursor = end;
    return p;
}

/* --- numbers ------------------------------------------------------------- */

/*
 * The magnitude is gathered as an unsigned number and checked against the
 * limit for its sign before each step, so nothing ever overflows: a
 * negative number may reach INT_MAX + 1 (INT_MIN), a positive one only
 * INT_MAX. gcc predefines __INT_MAX__; <limits.h> is not available to a
 * kernel built with -nostdinc.
 */
/* The value of hex digit c, or -1. */
static int hex_digit(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'f' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'F' )
        return c - 'A' + 10;
    return -1;
}

int shell_parse_address(const char *text, uint32_t *out)
{
    const char *p = text;
    unsigned int base = 10;
    uint64_t value = 0;

    if ( p == NULL )
        return -1;
    if ( p[0] == '0' && (p[1] == 'x' || p[1] == 'X') )
    {
        base = 16;
        p += 2;
    }
    if ( *p == '\0' )
        return -1;                  /* "" or "0x" */
    for ( ; *p != '\0'; p++ )
    {
        int digit = hex_digit(*p);

        if ( digit < 0 || (unsigned int)digit >= base )
            return -1;
        value = value * base + (unsigned int)digit;
        if ( value > 0xffffffffULL )
            return -1;              /* checked per digit: no overflow */
    }
    *out = (uint32_t)value;
    return 0;
}

int shell_parse_int(const char *text, int *out)
{
    const char *p = text;
    bool negative = false;
    unsigned int limit = (unsigned int)__INT_MAX__;
    unsigned int value = 0;

    if ( p == NULL )
        return -1;
    if ( *p == '-' )
    {
        negative = true;
        limit += 1;
        p++;
    }
    if ( *p == '\0' )
        return -1;                  /* "" or "-" */

    for ( ; *p != '\0'; p++ )
    {
        unsigned int digit;

        if ( *p < '0' || *p > '9' )
            return -1;              /* a blank, a sign, any other character */
        digit = (unsigned int)(*p - '0');
        if ( value > (limit - digit) / 10 )
            return -1;              /* value * 10 + digit would pass the limit */
        value = value * 10 + digit;
    }

    if ( !negative )
        *out = (int)value;
    else if ( value == limit )
        *out = -__INT_MAX__ - 1;    /* INT_MIN, whose magnitude is no int */
    else
        *out = -(int)value;
    return 0;
}

int shell_parse_duration(const char *text, uint64_t *ns)
{
    uint64_t seconds = 0;
    uint32_t fraction = 0, scale = 1000000000u;     /* 32 bits: no libgcc */
    const char *p = text;
    bool digits = false;

    if ( !text )
        return -1;
    for ( ; *p >= '0' && *p <= '9'; p++ )
    {
        seconds = seconds * 10 + (uint64_t)(*p - '0');
        if ( seconds > SHELL_DURATION_MAX_S )
            return -1;
        digits = true;
    }
    if ( *p == '.' )
    {
        for ( p++; *p >= '0' && *p <= '9'; p++ )
        {
            if ( scale == 1 )
                return -1;              /* finer than a nanosecond */
            scale /= 10;
            fraction += (uint32_t)(*p - '0') * scale;
            digits = true;
        }
    }
    if ( !digits || *p != '\0' )
        return -1;
    if ( seconds == SHELL_DURATION_MAX_S && fraction )
        return -1;
    *ns = seconds * 1000000000ULL + fraction;
    return 0;
}
