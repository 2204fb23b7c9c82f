/*
 * xenbus_path.c: checks of what xenbus reads from xenstore (pure).
 *
 * A frontend finds its backend through two nodes of its own directory,
 * device/<type>/<id>/backend (a path) and backend-id (a domain). dom0 is
 * trusted to write them, but anything that can write our directory can
 * write them, and a wrong path would have tinypv watch and believe
 * another domain's nodes (and, later, grant its pages to whoever that
 * is). So the path is not taken as it comes: it must be exactly the one
 * the protocol gives, /local/domain/<backend-id>/backend/<type>/<our
 * domid>/<id>, where the backend keeps the device's other half.
 *
 * The checks match the path piece by piece, never build it: no buffer to
 * size, nothing to truncate.
 */
#include <tinypv/xenbus_path.h>
#include <tinypv/xs_proto.h>        /* errno values */
#include <lib/string.h>

static const char *const state_names[] = {
    [XenbusStateUnknown]       = "Unknown",
    [XenbusStateInitialising]  = "Initialising",
    [XenbusStateInitWait]      = "InitWait",
    [XenbusStateInitialised]   = "Initialised",
    [XenbusStateConnected]     = "Connected",
    [XenbusStateClosing]       = "Closing",
    [XenbusStateClosed]        = "Closed",
    [XenbusStateReconfiguring] = "Reconfiguring",
    [XenbusStateReconfigured]  = "Reconfigured",
};

const char *xenbus_state_name(XenbusState s)
{
    if ( (unsigned int)s >= ARRAY_SIZE(state_names) )
        return "invalid";
    return state_names[s];
}

/* Decimal digits only, at most max of them, no leading zero but "0". */
static int parse_decimal(const char *s, size_t len, size_t max,
                         uint32_t *out)
{
    uint32_t v = 0;

    if ( len == 0 || len > max || (s[0] == '0' && len > 1) )
        return -EINVAL;
    for ( size_t i = 0; i < len; i++ )
    {
        if ( s[i] < '0' || s[i] > '9' )
            return -EINVAL;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int xenbus_parse_state(const char *s, size_t len, XenbusState *out)
{
    uint32_t v;

    if ( parse_decimal(s, len, 3, &v) || v > XenbusStateReconfigured )
        return -EINVAL;
    *out = (XenbusState)v;
    return 0;
}

int xenbus_parse_domid(const char *s, size_t len, domid_t *out)
{
    uint32_t v;

    if ( parse_decimal(s, len, 5, &v) || v >= DOMID_FIRST_RESERVED )
        return -EINVAL;
    *out = (domid_t)v;
    return 0;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

bool xenbus_valid_name(const char *s)
{
    size_t n = strnlen(s, XENBUS_NAME_MAX);

    if ( n == 0 || n == XENBUS_NAME_MAX )
        return false;
    if ( strcmp(s, ".") == 0 || strcmp(s, "..") == 0 )
        return false;
    for ( size_t i = 0; i < n; i++ )
        if ( !name_char(s[i]) )
            return false;
    return true;
}

/* A cursor over the path being matched. */
struct cursor {
    const char *p;
    size_t left;
};

static bool take_text(struct cursor *c, const char *text)
{
    size_t n = strlen(text);

    if ( n > c->left || memcmp(c->p, text, n) != 0 )
        return false;
    c->p += n;
    c->left -= n;
    return true;
}

/* A decimal component up to the next '/' (or the end), equal to want. */
static bool take_number(struct cursor *c, unsigned int want)
{
    size_t n = 0;
    domid_t v;

    while ( n < c->left && c->p[n] != '/' )
        n++;
    if ( xenbus_parse_domid(c->p, n, &v) || v != want )
        return false;
    c->p += n;
    c->left -= n;
    return true;
}

int xenbus_check_backend(const char *path, size_t len, const char *type,
                         unsigned int our_domid, const char *id,
                         domid_t be_domid, const char **why)
{
    struct cursor c = { path, len };

    if ( len == 0 || len >= XENBUS_PATH_MAX )
        *why = "empty or too long";
    else if ( strnlen(path, len) != len )
        *why = "holds a NUL byte";
    else if ( !take_text(&c, "/local/domain/") )
        *why = "not under /local/domain/";
    else if ( !take_number(&c, be_domid) )
        *why = "not in the directory of the domain backend-id names";
    else if ( !take_text(&c, "/backend/") || !take_text(&c, type) ||
              !take_text(&c, "/") )
        *why = "not that domain's backend directory for this device type";
    else if ( !take_number(&c, our_domid) )
        *why = "not the backend's directory for our domain";
    else if ( !take_text(&c, "/") || !take_text(&c, id) || c.left != 0 )
        *why = "not the backend's node for this device id";
    else
        return 0;
    return -EINVAL;
}

enum xenbus_action xenbus_backend_action(XenbusState fe, XenbusState be_old,
                                         XenbusState be_new, bool be_gone)
{
    if ( fe == XenbusStateClosed )
        return XENBUS_NOTHING;
    if ( be_gone || be_new == XenbusStateClosing ||
         be_new == XenbusStateClosed )
        return XENBUS_TEARDOWN;
    if ( be_new == be_old )
        return XENBUS_NOTHING;
    return XENBUS_NOTIFY;
}
