/*
 * fake_frontend_env.h: the kernel services a split-driver frontend calls
 * (grants, pages, event channels), faked for the host tests of blkfront
 * and netfront (test_blkfront.c, test_netfront.c). Each test plays the
 * backend: it reaches the granted pages through fake_grants[] and fires
 * the frontend's event handler with fake_kick(). The counters say what
 * the driver still holds, so a test can check it gave everything back.
 */
#ifndef TINYPV_FAKE_FRONTEND_ENV_H
#define TINYPV_FAKE_FRONTEND_ENV_H

#include <tinypv/events.h>
#include <stdbool.h>

#define FAKE_NREF   1024

extern void *fake_grants[FAKE_NREF];    /* by reference: the page, or NULL */
extern bool fake_grant_ro[FAKE_NREF];   /* granted read-only */
extern int fake_nrefs;                  /* grants not ended */
extern int fake_pages_out;              /* pages allocated, not freed */
extern int fake_notifies;               /* evtchn_notify() calls */
extern evtchn_handler_t fake_handler;   /* the bound handler, or NULL */

/* The backend's event: run the bound handler, if there is one. */
void fake_kick(evtchn_port_t port);

#endif
