/*
 * timer.c: one-shot timers on Xen's VIRQ_TIMER.
 *
 * Xen gives each vCPU a single programmable one-shot timer: set_timer_op
 * with an absolute system time. When it expires Xen sends VIRQ_TIMER. Many
 * timers are built on that one by keeping them in a list sorted by
 * deadline and always programming the earliest.
 *
 * The upcall handler only notes that the timer fired; callbacks run from
 * the main loop (timers_run), where they may print, sleep or take locks.
 * The list itself is touched only from the main loop, never from the
 * upcall, so it needs no masking.
 *
 * Xen also gives every vCPU a 100 Hz periodic timer on the same VIRQ, at
 * boot and again in a restored domain. tinypv has no use for ticks, and
 * every tick would wake an idle domain: timers_init() switches it off
 * before it binds VIRQ_TIMER, whenever it runs.
 */
#include <tinypv/clock.h>
#include <tinypv/events.h>
#include <tinypv/hypercall.h>
#include <tinypv/printk.h>

static struct timer *armed;             /* sorted by deadline, earliest first */
static volatile bool timer_fired;
static evtchn_port_t timer_port;
static bool timers_ready;

static void timer_event(evtchn_port_t port, void *ctx)
{
    timer_fired = true;
}

static void stop_periodic_timer(void)
{
    long rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);

    if ( rc )
        printk("warning: cannot stop the periodic timer (error %ld); "
               "an idle tinypv will wake 100 times a second\n", rc);
}

void timers_init(void)
{
    long rc;

    stop_periodic_timer();
    rc = evtchn_bind_virq(VIRQ_TIMER, &timer_port);
    if ( rc || evtchn_bind_handler(timer_port, timer_event, NULL, "timer") )
    {
        printk("timer: cannot bind VIRQ_TIMER (error %ld); no timers\n", rc);
        timers_ready = false;
        return;
    }
    timers_ready = true;
}

bool timers_available(void)
{
    return timers_ready;
}

/* Tell Xen about the earliest deadline (or that there is none). */
static void program_next(void)
{
    HYPERVISOR_set_timer_op(armed ? clock_to_xen(armed->deadline) : 0);
}

static void list_remove(struct timer *t)
{
    struct timer **p;

    for ( p = &armed; *p; p = &(*p)->next )
    {
        if ( *p == t )
        {
            *p = t->next;
            break;
        }
    }
    t->armed = false;
}

void timer_arm(struct timer *t, uint64_t deadline, timer_fn fn, void *ctx)
{
    struct timer **p;

    if ( t->armed )
        list_remove(t);
    t->deadline = deadline;
    t->fn = fn;
    t->ctx = ctx;
    for ( p = &armed; *p && (*p)->deadline <= deadline; p = &(*p)->next )
        ;
    t->next = *p;
    *p = t;
    t->armed = true;
    if ( armed == t && timers_ready )
        program_next();
}

void timer_cancel(struct timer *t)
{
    if ( !t->armed )
        return;
    list_remove(t);
    if ( timers_ready )
        program_next();
}

void timers_resume(bool new_domain)
{
    if ( new_domain )
    {
        timers_ready = false;
        timers_init();
    }
    timer_fired = true;
    if ( timers_ready )
        program_next();
}

bool timers_pending(void)
{
    return timer_fired || (armed && armed->deadline <= monotonic_ns());
}

void timers_run(void)
{
    struct timer *t;

    timer_fired = false;
    while ( armed && armed->deadline <= monotonic_ns() )
    {
        t = armed;
        list_remove(t);
        t->fn(t, t->ctx);
    }
    if ( timers_ready )
        program_next();
}
