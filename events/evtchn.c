/*
 * evtchn.c: operations on single event-channel ports: send, poll, bind a
 * VIRQ, and the pending and mask bits in shared_info.
 */
#include <tinypv/events.h>
#include <tinypv/hypercall.h>
#include <tinypv/hypervisor.h>
#include <tinypv/barrier.h>
#include <tinypv/clock.h>

static xen_ulong_t port_bit(evtchn_port_t port)
{
    return (xen_ulong_t)1 << (port % BITS_PER_EVTCHN_WORD);
}

void evtchn_notify(evtchn_port_t port)
{
    struct evtchn_send send = { .port = port };

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

bool evtchn_test_and_clear_pending(evtchn_port_t port)
{
    xen_ulong_t *word = &shared_info->evtchn_pending[port / BITS_PER_EVTCHN_WORD];

    /* Xen sets bits concurrently: a locked read-modify-write is required. */
    return __atomic_fetch_and(word, ~port_bit(port), __ATOMIC_SEQ_CST)
           & port_bit(port);
}

bool evtchn_is_pending(evtchn_port_t port)
{
    return read_once(&shared_info->evtchn_pending[port / BITS_PER_EVTCHN_WORD])
           & port_bit(port);
}

bool evtchn_is_masked(evtchn_port_t port)
{
    return read_once(&shared_info->evtchn_mask[port / BITS_PER_EVTCHN_WORD])
           & port_bit(port);
}

void evtchn_mask(evtchn_port_t port)
{
    __atomic_fetch_or(&shared_info->evtchn_mask[port / BITS_PER_EVTCHN_WORD],
                      port_bit(port), __ATOMIC_SEQ_CST);
}

/*
 * Xen raises the upcall only when a pending bit goes from 0 to 1 on an
 * unmasked port. An event that arrived while the port was masked set the
 * bit but raised nothing, and nothing would ever raise it later: so after
 * unmasking we check, and raise it ourselves the way Xen would have
 * (selector bit, upcall flag, and a hypercall to get it delivered).
 */
void evtchn_unmask(evtchn_port_t port)
{
    struct vcpu_info *v = this_vcpu();
    unsigned long flags = upcall_save_and_mask();

    __atomic_fetch_and(&shared_info->evtchn_mask[port / BITS_PER_EVTCHN_WORD],
                       ~port_bit(port), __ATOMIC_SEQ_CST);
    if ( evtchn_is_pending(port) )
    {
        __atomic_fetch_or(&v->evtchn_pending_sel,
                          (xen_ulong_t)1 << (port / BITS_PER_EVTCHN_WORD),
                          __ATOMIC_SEQ_CST);
        write_once(&v->evtchn_upcall_pending, 1);
    }
    upcall_restore(flags);      /* delivers it if upcalls are enabled */
}

/*
 * Sleep until the port is pending or the kernel's clock reaches deadline
 * (ns, 0 = no deadline). Works with upcalls masked: Xen looks at the pending bit
 * only. Returns at once if the bit is already set, hence evtchn_wait().
 */
static void evtchn_poll(evtchn_port_t port, uint64_t deadline)
{
    struct sched_poll poll = {
        .nr_ports = 1,
        .timeout = clock_to_xen(deadline),
    };

    set_xen_guest_handle(poll.ports, &port);
    HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

bool evtchn_wait(evtchn_port_t port, uint64_t deadline)
{
    if ( evtchn_test_and_clear_pending(port) )
        return true;
    evtchn_poll(port, deadline);
    return false;
}

long evtchn_bind_virq(unsigned int virq, evtchn_port_t *port)
{
    struct evtchn_bind_virq bind = { .virq = virq, .vcpu = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind);

    if ( rc == 0 )
        *port = bind.port;
    return rc;
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close close = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
}

long evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound alloc = {
        .dom = DOMID_SELF,
        .remote_dom = remote,
    };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);

    if ( rc == 0 )
        *port = alloc.port;
    return rc;
}
