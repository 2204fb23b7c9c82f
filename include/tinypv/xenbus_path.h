/*
 * xenbus_path.h: the pure checks of the xenbus layer (xenbus/xenbus_path.c).
 *
 * Everything xenbus reads from xenstore about a device is written by
 * someone else (the toolstack, the backend, anybody dom0 lets write our
 * device/ directory) and is checked here before it is used: the states,
 * the backend's domain id and path, the names of types and ids. Pure: no
 * xenstore, no printing; host-tested and fuzzed.
 */
#ifndef TINYPV_XENBUS_PATH_H
#define TINYPV_XENBUS_PATH_H

#include <tinypv/types.h>
#include <xen/xen.h>
#include <xen/io/xenbus.h>

#define XENBUS_NAME_MAX     16      /* a type or an id, with its NUL */
#define XENBUS_PATH_MAX     128     /* a backend path, with its NUL */

/* "Initialising", "Connected", ...; "invalid" for a value outside 0..8. */
const char *xenbus_state_name(XenbusState s);

/*
 * A state node's value (len bytes, not necessarily NUL-terminated): one
 * to three decimal digits, no sign or blanks, 0..8 (XenbusStateUnknown to
 * XenbusStateReconfigured). 0 or -EINVAL.
 */
int xenbus_parse_state(const char *s, size_t len, XenbusState *out);

/*
 * A domain id (backend-id, or one inside a path): decimal, no leading
 * zero but "0" itself, below DOMID_FIRST_RESERVED. 0 or -EINVAL.
 */
int xenbus_parse_domid(const char *s, size_t len, domid_t *out);

/*
 * A device type or id as found under device/: 1 to XENBUS_NAME_MAX - 1
 * characters from [A-Za-z0-9_.-], not "." or "..": safe to put in a path
 * and to print.
 */
bool xenbus_valid_name(const char *s);

/*
 * The backend path (len bytes, as read) of our device <type>/<id> must be
 * exactly /local/domain/<be_domid>/backend/<type>/<our_domid>/<id>, with
 * be_domid the value of backend-id: anything else would make us watch
 * and trust another domain's nodes. 0, or -EINVAL with *why saying which
 * part is wrong (a constant string).
 */
int xenbus_check_backend(const char *path, size_t len, const char *type,
                         unsigned int our_domid, const char *id,
                         domid_t be_domid, const char **why);

/* What a change of the backend's state asks of the frontend. */
enum xenbus_action {
    XENBUS_NOTHING,     /* same state, or one the driver need not hear of */
    XENBUS_NOTIFY,      /* tell the driver (backend_changed) */
    XENBUS_TEARDOWN,    /* Closing, Closed or gone: remove, then go Closed */
};

/*
 * The frontend is in fe, the backend was in be_old and is now in be_new
 * (be_gone: its state node is gone, or holds no valid state). A frontend
 * already Closed has nothing left to tear down.
 */
enum xenbus_action xenbus_backend_action(XenbusState fe, XenbusState be_old,
                                         XenbusState be_new, bool be_gone);

#endif /* TINYPV_XENBUS_PATH_H */
