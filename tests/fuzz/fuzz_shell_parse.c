/*
 * fuzz_shell_parse.c: monitor command lines (monitor/shell_parse.c).
 *
 * Input: the first byte chooses max_args for shell_split() (-23..23, so
 * that zero and negative limits are tried too); the rest is the line (up
 * to its first NUL, as the shell would see it). The line goes through
 *
 *  - shell_split(), compared with a reference splitter written straight
 *    from the grammar in shell_parse.h (copying, not in place): same
 *    status, same words; every argv[i] lies inside the buffer, the words
 *    are in order and do not overlap, argc <= max_args, argv[argc] is
 *    NULL, and on an error argc is 0 and argv[0] NULL. argv is allocated
 *    at exactly max_args + 1 pointers, so one more is caught by ASan;
 *  - a shell_next_command() loop (the `run=` option), which must end,
 *    return only commands inside the buffer, in order, each starting with
 *    a non-blank that is not ';' and ending where the reference says (the
 *    first ';' outside quotes), with nothing but blanks and ';' skipped
 *    between them; each command is then split as the shell does;
 *  - shell_parse_int() and shell_parse_duration(), on the whole line and
 *    on every word, compared with reference parsers.
 */
#include <monitor/shell_parse.h>
#include "fuzz.h"

/* --- references, written from the header ---------------------------------- */

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Inside quotes, \" and \\ stand for " and \; any other backslash stays. */
static bool escapes(const char *p)
{
    return p[0] == '\\' && (p[1] == '"' || p[1] == '\\');
}

/*
 * Split line into words stored one after another (NUL-terminated) in out;
 * returns the status and sets *n.
 */
static int ref_split(const char *line, int max, char *out, int *n)
{
    const char *p = line;

    *n = 0;
    if ( max < 0 )
        max = 0;
    for ( ; ; )
    {
        bool quoted = false;

        while ( blank(*p) )
            p++;
        if ( *p == '\0' )
            return SPLIT_OK;
        if ( *n == max )
            return SPLIT_TOO_MANY_WORDS;
        for ( ; *p != '\0' && (quoted || !blank(*p)); p++ )
        {
            if ( *p == '"' )
                quoted = !quoted;
            else
            {
                if ( quoted && escapes(p) )
                    p++;
                *out++ = *p;
            }
        }
        if ( quoted )
            return SPLIT_UNTERMINATED_QUOTE;
        *out++ = '\0';
        (*n)++;
    }
}

/* Where the command starting at p ends: the first ';' outside quotes. */
static const char *ref_command_end(const char *p)
{
    bool quoted = false;

    for ( ; *p != '\0'; p++ )
    {
        if ( quoted && escapes(p) )
            p++;
        else if ( *p == '"' )
            quoted = !quoted;
        else if ( *p == ';' && !quoted )
            break;
    }
    return p;
}

static int ref_parse_int(const char *s, int *out)
{
    bool neg = *s == '-';
    uint64_t v = 0;

    s += neg;
    if ( *s == '\0' )
        return -1;
    for ( ; *s != '\0'; s++ )
    {
        if ( *s < '0' || *s > '9' )
            return -1;
        v = MIN(v * 10 + (uint64_t)(*s - '0'), 1ULL << 40);
    }
    if ( v > (neg ? 1ULL << 31 : (1ULL << 31) - 1) )
        return -1;
    *out = neg ? (int)(-(int64_t)v) : (int)v;
    return 0;
}

static int ref_parse_duration(const char *s, uint64_t *ns)
{
    uint64_t seconds = 0, fraction = 0;
    size_t whole = 0, decimals = 0;

    for ( ; *s >= '0' && *s <= '9'; s++, whole++ )
        seconds = MIN(seconds * 10 + (uint64_t)(*s - '0'), 1ULL << 40);
    if ( *s == '.' )
        for ( s++; *s >= '0' && *s <= '9'; s++, decimals++ )
            if ( decimals < 9 )
                fraction = fraction * 10 + (uint64_t)(*s - '0');
    if ( *s != '\0' || whole + decimals == 0 || decimals > 9 )
        return -1;
    for ( size_t i = decimals; i < 9; i++ )
        fraction *= 10;
    if ( seconds > SHELL_DURATION_MAX_S ||
         (seconds == SHELL_DURATION_MAX_S && fraction != 0) )
        return -1;
    *ns = seconds * 1000000000ULL + fraction;
    return 0;
}

/* --- checks ------------------------------------------------------------- */

static void check_numbers(const char *s)
{
    int i = 12345, ri = 12345;
    uint64_t ns = 777, rns = 777;
    int rc = shell_parse_int(s, &i);

    FUZZ_ASSERT(rc == ref_parse_int(s, &ri));
    FUZZ_ASSERT(i == ri);               /* *out untouched on failure too */
    rc = shell_parse_duration(s, &ns);
    FUZZ_ASSERT(rc == ref_parse_duration(s, &rns));
    FUZZ_ASSERT(ns == rns);
}

static void check_split(char *buf, size_t len, int max)
{
    int room = (max < 0 ? 0 : max) + 1;
    char **argv = malloc((size_t)room * sizeof(*argv));
    char *ref = malloc(len + 1);
    char *copy = malloc(len + 1);
    int argc = -1, ref_n;
    int st, ref_st;
    const char *w;

    memcpy(copy, buf, len + 1);
    st = shell_split(buf, &argc, argv, max);
    ref_st = ref_split(copy, max, ref, &ref_n);

    FUZZ_ASSERT(st == ref_st);
    FUZZ_ASSERT(shell_split_error(st) != NULL);
    if ( st != SPLIT_OK )
    {
        FUZZ_ASSERT(argc == 0 && argv[0] == NULL);
        goto out;
    }

    FUZZ_ASSERT(argc == ref_n);
    FUZZ_ASSERT(argc <= room - 1);
    FUZZ_ASSERT(argv[argc] == NULL);
    w = ref;
    for ( int i = 0; i < argc; i++ )
    {
        size_t n;

        FUZZ_ASSERT(argv[i] >= buf && argv[i] <= buf + len);
        n = strnlen(argv[i], (size_t)(buf + len - argv[i]) + 1);
        FUZZ_ASSERT(argv[i] + n <= buf + len);      /* its NUL is inside */
        if ( i > 0 )
            FUZZ_ASSERT(argv[i] > argv[i - 1] + strlen(argv[i - 1]));
        FUZZ_ASSERT(strcmp(argv[i], w) == 0);
        check_numbers(argv[i]);
        w += strlen(w) + 1;
    }
out:
    free(copy);
    free(ref);
    free(argv);
}

static void check_commands(char *buf, size_t len)
{
    char *orig = malloc(len + 1);
    char *cursor = buf, *done = buf, *cmd;
    size_t count = 0;

    memcpy(orig, buf, len + 1);
    while ( (cmd = shell_next_command(&cursor)) != NULL )
    {
        size_t off = (size_t)(cmd - buf), n;

        FUZZ_ASSERT(++count <= len);            /* it ends */
        FUZZ_ASSERT(cmd >= done && cmd < buf + len);
        n = strlen(cmd);
        FUZZ_ASSERT(n > 0 && !blank(cmd[0]) && cmd[0] != ';');
        FUZZ_ASSERT(ref_command_end(orig + off) == orig + off + n);
        FUZZ_ASSERT(memcmp(cmd, orig + off, n) == 0);
        /* Skipped on the way: empty commands, nothing else. */
        for ( char *p = done; p < cmd; p++ )
            FUZZ_ASSERT(blank(orig[p - buf]) || orig[p - buf] == ';');
        if ( orig[off + n] == ';' )
            FUZZ_ASSERT(cursor == cmd + n + 1);
        else
            FUZZ_ASSERT(cursor == cmd + n && orig[off + n] == '\0');
        done = cursor;

        check_split(cmd, n, SHELL_MAX_ARGS);
    }
    FUZZ_ASSERT(cursor >= done && cursor <= buf + len && *cursor == '\0');
    for ( char *p = done; p < cursor; p++ )
        FUZZ_ASSERT(blank(orig[p - buf]) || orig[p - buf] == ';');
    /* Once at the end, it stays there. */
    FUZZ_ASSERT(shell_next_command(&cursor) == NULL);
    free(orig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int max, argc = -1;
    char *argv[1] = { (char *)1 };
    char *line, *cursor = NULL;
    size_t len;

    if ( size == 0 )
        return 0;
    max = (int8_t)data[0] % 24;
    data++;
    size--;

    /* The line ends at its first NUL, as a C string does. */
    len = strnlen((const char *)data, size);
    line = malloc(len + 1);
    memcpy(line, data, len);
    line[len] = '\0';

    check_numbers(line);
    check_split(line, len, max);

    memcpy(line, data, len);                /* shell_split rewrote it */
    check_commands(line, len);

    /* NULL lines and cursors are documented as harmless. */
    FUZZ_ASSERT(shell_split(NULL, &argc, argv, max) == SPLIT_OK);
    FUZZ_ASSERT(argc == 0 && argv[0] == NULL);
    FUZZ_ASSERT(shell_next_command(NULL) == NULL);
    FUZZ_ASSERT(shell_next_command(&cursor) == NULL);

    free(line);
    return 0;
}
