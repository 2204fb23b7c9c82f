/*
 * fake_frontend_env.c: grants, pages and event channels for the host
 * tests of the frontends (fake_frontend_env.h). A grant is a slot of
 * fake_grants[] holding the page's address (references 0 to 7 are the
 * toolstack's, as in the real table); a page is an aligned malloc; ports
 * count up from 5. What the real services would refuse (ending a grant
 * that is not active) stops the test with a message: a driver that breaks
 * the grant table's rules has no later check worth running.
 */
#include "fake_frontend_env.h"
#include <tinypv/gnttab.h>
#include <tinypv/mm.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define REQUIRE(cond)                                                    \
    do {                                                                 \
        if ( !(cond) )                                                   \
        {                                                                \
            fprintf(stderr, "%s:%d: the driver broke a rule: %s\n",      \
                    __FILE__, __LINE__, #cond);                          \
            abort();                                                     \
        }                                                                \
    } while ( 0 )

void *fake_grants[FAKE_NREF];
bool fake_grant_ro[FAKE_NREF];
int fake_nrefs, fake_pages_out, fake_notifies;
evtchn_handler_t fake_handler;
static void *handler_ctx;
static evtchn_port_t next_port = 5;

int gnttab_grant_access(domid_t d, const void *va, bool ro, const char *o,
                        grant_ref_t *ref)
{
    REQUIRE(((uintptr_t)va & 4095) == 0);      /* whole pages only */
    for ( int i = 8; i < FAKE_NREF; i++ )
        if ( !fake_grants[i] )
        {
            fake_grants[i] = (void *)va;
            fake_grant_ro[i] = ro;
            *ref = (grant_ref_t)i;
            fake_nrefs++;
            return 0;
        }
    return -ENOSPC;
}

int gnttab_end_access(grant_ref_t ref, const char *o)
{
    REQUIRE(ref < FAKE_NREF && fake_grants[ref] != NULL);
    fake_grants[ref] = NULL;
    fake_nrefs--;
    return 0;
}

int gnttab_end_access_deferred(grant_ref_t ref, const char *o,
                               gnttab_release_fn release, void *ctx)
{
    gnttab_end_access(ref, o);
    release(ctx);
    return 0;
}

void *mem_alloc_pages(unsigned int order, enum page_owner owner)
{
    REQUIRE(order == 0);                        /* the drivers take pages one by one */
    fake_pages_out++;
    return aligned_alloc(4096, 4096);
}

int mem_free_pages(void *va, unsigned int order, enum page_owner owner)
{
    fake_pages_out--;
    free(va);
    return 0;
}

long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    *port = next_port++;
    return 0;
}

int evtchn_bind_handler(evtchn_port_t port, evtchn_handler_t h, void *ctx,
                        const char *name)
{
    fake_handler = h;
    handler_ctx = ctx;
    return 0;
}

void evtchn_unbind_handler(evtchn_port_t port) { fake_handler = NULL; }
long evtchn_close(evtchn_port_t port) { return 0; }
void evtchn_notify(evtchn_port_t port) { fake_notifies++; }
void evtchn_mask(evtchn_port_t port) { }

void fake_kick(evtchn_port_t port)
{
    if ( fake_handler )
        fake_handler(port, handler_ctx);
}
