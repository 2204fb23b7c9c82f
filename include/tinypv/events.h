/*
 * events.h: event channels, Xen's interrupts.
 *
 * An event channel is a numbered port; either end can "send" on it, which
 * sets the port's bit in shared_info->evtchn_pending. If the port is not
 * masked (evtchn_mask), Xen also sets this vCPU's bit for that word in
 * evtchn_pending_sel and its evtchn_upcall_pending flag, and, unless
 * evtchn_upcall_mask is set, enters the guest's event callback (the
 * "upcall", arch/x86/pv/entry.S on PV), which calls do_hypervisor_callback().
 *
 * Handlers run in the upcall with events masked: they should note that
 * work exists and leave the work to the main loop. A port is served at
 * most a few times per turn of the main loop (events/dispatch.c); then it
 * is masked until the main loop calls evtchn_end_turn().
 */
#ifndef TINYPV_EVENTS_H
#define TINYPV_EVENTS_H

#include <tinypv/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

/* The 2-level event channel ABI: a word of words of pending bits. */
#define BITS_PER_EVTCHN_WORD    (sizeof(xen_ulong_t) * 8)
#define NR_EVENT_PORTS          (BITS_PER_EVTCHN_WORD * BITS_PER_EVTCHN_WORD)

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *ctx);

/* --- ports ---------------------------------------------------------------- */

/* Signal the other end of a port (EVTCHNOP_send). */
void evtchn_notify(evtchn_port_t port);

/* Atomically clear a port's pending bit; returns whether it was set. */
bool evtchn_test_and_clear_pending(evtchn_port_t port);
bool evtchn_is_pending(evtchn_port_t port);
bool evtchn_is_masked(evtchn_port_t port);

/* Stop upcalls for one port; its events stay pending. */
void evtchn_mask(evtchn_port_t port);
/* Allow them again; an event that arrived while masked is raised now. */
void evtchn_unmask(evtchn_port_t port);

/*
 * One step of waiting for the other end of a port, with upcalls masked (the
 * console writer waiting for ring space, a xenstore call for its answer).
 * If an event came since the caller last looked (the pending bit is set),
 * consume it and return true at once: the caller re-reads its ring, and
 * since the upcall will now never see that event, it also takes over
 * whatever else the event may have announced. Otherwise sleep in
 * SCHEDOP_poll until an event or the deadline, and return false; an event
 * that arrives between the test and the poll ends the poll at once.
 */
bool evtchn_wait(evtchn_port_t port, uint64_t deadline);

/* Bind a virtual IRQ (VIRQ_TIMER, ...) of vCPU 0 to a new port; -errno. */
long evtchn_bind_virq(unsigned int virq, evtchn_port_t *port);

/* A new port that domain `remote` may bind to (EVTCHNOP_alloc_unbound); -errno. */
long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);

/* Close a port of ours (EVTCHNOP_close): the other end sees it gone; -errno. */
long evtchn_close(evtchn_port_t port);

/* --- handlers ------------------------------------------------------------- */

/* The most ports one SCHEDOP_poll can name (Xen's limit). */
#define EVTCHN_POLL_MAX         128

/*
 * Call handler(port, ctx) from the upcall whenever the port fires, and
 * unmask the port. Returns 0, or -1 if the port is out of range or taken,
 * or EVTCHN_POLL_MAX ports have handlers already (the PVH idle names
 * every one of them to Xen, which takes no more).
 */
int evtchn_bind_handler(evtchn_port_t port, evtchn_handler_t handler,
                        void *ctx, const char *name);

/* Mask the port and forget its handler. */
void evtchn_unbind_handler(evtchn_port_t port);

/*
 * Forget every handler without touching shared_info: after a restore the
 * old ports are gone (the new domain starts with all of them closed and
 * masked), and each driver binds its new port again.
 */
void evtchn_forget_all(void);

/* Events delivered to a port's handler so far. */
uint64_t evtchn_event_count(evtchn_port_t port);

/* Times the port used its budget up and was held for the main loop. */
uint64_t evtchn_hold_count(evtchn_port_t port);

/*
 * The main loop's side of the budget. evtchn_ports_held(): is a port
 * masked, waiting for the end of the turn? (Work for the main loop: it
 * must not sleep with a port held.) evtchn_end_turn(): the main loop has
 * done its work; unmask the held ports (an event that came meanwhile is
 * raised, not lost) and give every port its budget again.
 */
bool evtchn_ports_held(void);
void evtchn_end_turn(void);

/* The ports with a handler: how many, and (in *ports) which. */
unsigned int evtchn_bound_ports(const evtchn_port_t **ports);

/* Call fn for each port with a handler (for the `evtchn` command). */
typedef void (*evtchn_visit_fn)(evtchn_port_t port, const char *name,
                                uint64_t count, void *ctx);
void evtchn_for_each_bound(evtchn_visit_fn fn, void *ctx);

/* --- the upcall ------------------------------------------------------------ */

/*
 * Upcall masking: the guest's "interrupts off". save_and_mask returns the
 * previous state for restore, which delivers events that became pending
 * while masked.
 */
unsigned long upcall_save_and_mask(void);
void upcall_restore(unsigned long saved);

/* Allow upcalls (after arch_init_traps() registered the callback). */
void upcall_enable(void);

/* Upcalls delivered so far. */
uint64_t upcall_count(void);

/*
 * The idle step of the main loop: with upcalls masked, ask has_work(); if
 * there is none, block in Xen until an event arrives, in a way that no
 * wake-up can slip in between the question and the sleep (PV:
 * SCHEDOP_block, which unmasks and sleeps in one step; PVH: SCHEDOP_poll
 * on every bound port, with interrupts still off). Either way the event
 * that ends the sleep is delivered before this returns.
 */
void events_wait_for_work(bool (*has_work)(void));

#endif /* TINYPV_EVENTS_H */
