/*
 * xenbus.h: frontends find their backends through xenstore (xenbus/xenbus.c).
 *
 * The toolstack describes each device of ours in device/<type>/<id>/
 * (backend, backend-id, state, ...) and its other half in the backend's
 * directory. The bus lists device/, checks what it reads
 * (<tinypv/xenbus_path.h>), hands each device to the driver registered for
 * its type, watches the backend's state and tells the driver when it
 * moves. Everything runs from the main loop, in xenstore watch functions
 * and timers: nothing waits in a loop. docs/13-xenbus.md tells the story.
 *
 * A driver is two files (Unikraft's split): the data path, and the
 * xenstore handshake that calls the functions below.
 */
#ifndef TINYPV_XENBUS_H
#define TINYPV_XENBUS_H

#include <tinypv/types.h>
#include <tinypv/xenbus_path.h>
#include <tinypv/xenstore.h>
#include <tinypv/clock.h>

#define XENBUS_MAX_DEVICES  4       /* each takes one xenstore watch */
#define XENBUS_MAX_DRIVERS  4
#define XENBUS_NODE_MAX     48      /* "device/<type>/<id>", with its NUL */
#define XENBUS_WHY_MAX      96

struct xenbus_device;

struct xenbus_driver {
    const char *type;               /* "vbd", "vif", ... */
    /* A new device: start the handshake. 0, or -errno (the bus then
     * lists the device as failed and leaves it alone). */
    int (*probe)(struct xenbus_device *dev);
    /* The backend moved to a state other than Closing/Closed. */
    void (*backend_changed)(struct xenbus_device *dev, XenbusState state);
    /* Around a suspend (NULL: nothing to do). resume: in a new domain,
     * before the device is forgotten and probed again (NULL: remove). */
    int (*suspend)(struct xenbus_device *dev);
    int (*resume)(struct xenbus_device *dev);
    /* The backend is closing or gone: end grants, channels, requests. */
    void (*remove)(struct xenbus_device *dev);
    /* For `xenbus`: one line of what the driver knows (may be NULL). */
    void (*show)(struct xenbus_device *dev);
};

enum xenbus_dev_status {
    XENBUS_DEV_FREE,
    XENBUS_DEV_ACTIVE,      /* probed, the backend watched */
    XENBUS_DEV_REFUSED,     /* untrusted nodes failed a check */
    XENBUS_DEV_FAILED,      /* the driver's probe failed */
    XENBUS_DEV_CLOSED,      /* torn down; waits for its node to go */
};

struct xenbus_device {
    enum xenbus_dev_status status;
    char type[XENBUS_NAME_MAX];
    char id[XENBUS_NAME_MAX];
    char nodename[XENBUS_NODE_MAX];     /* device/<type>/<id> */
    char otherend[XENBUS_PATH_MAX];     /* the backend's directory, checked */
    domid_t otherend_id;
    XenbusState state;                  /* ours, as last written */
    XenbusState otherend_state;         /* the backend's, as last read */
    const struct xenbus_driver *drv;
    void *priv;                         /* the driver's */
    char why[XENBUS_WHY_MAX];           /* REFUSED/FAILED: what was wrong */
    char token[XENSTORE_TOKEN_MAX];     /* of the backend-state watch */
    /* A bounded wait for the backend (xenbus_wait_for). */
    struct timer wait_timer;
    XenbusState wait_for;
    uint32_t wait_ms;
    bool waiting;
};

/* After xenstore_init(): watch device/ and probe what is there. */
void xenbus_init(void);

/* A driver for devices of drv->type; before or after xenbus_init(). */
int xenbus_register_driver(const struct xenbus_driver *drv);

/* Write our state node (device/<type>/<id>/state). 0 or -errno. */
int xenbus_switch_state(struct xenbus_device *dev, XenbusState state);

/*
 * Read the backend's node key into buf (NUL-terminated; a value holding
 * a NUL is refused). Returns the length or -errno.
 */
int xenbus_read_otherend(struct xenbus_device *dev, const char *key,
                         char *buf, size_t size);

/* Read the backend's node key as an unsigned decimal number. 0 or -errno. */
int xenbus_read_otherend_u64(struct xenbus_device *dev, const char *key,
                             uint64_t *out);

/*
 * Write the connection keys (key i = value i, under our node) in one
 * transaction, started again while xenstored answers EAGAIN (a bounded
 * number of times). 0 or -errno, said on the console.
 */
int xenbus_write_keys(struct xenbus_device *dev, const char *const *keys,
                      const char *const *values, unsigned int n);

/*
 * A bounded wait, in the main loop: if the backend has not reached state
 * within ms, say so once on the console (which state it is stuck in,
 * and where) and call the driver's backend_changed with the state it
 * is in, dev->waiting then false. Reaching the state cancels it.
 */
void xenbus_wait_for(struct xenbus_device *dev, XenbusState state,
                     uint32_t ms);

/*
 * Around a suspend. xenbus_suspend(): the drivers' suspend (not called
 * yet: no driver has anything to quiesce). xenbus_resume(), after
 * xenstore_resume(): in a new domain every device is handed to its
 * driver's resume (or remove) and forgotten, then probed again.
 */
int xenbus_suspend(void);
void xenbus_resume(bool new_domain);

/* `xenbus`: every device, its states, backend and the driver's line. */
void xenbus_show(void);

#endif /* TINYPV_XENBUS_H */
