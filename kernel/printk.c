/*
 * printk.c: formatted output to the console.
 *
 * The format engine (lib/format.c) hands over characters in runs; we collect
 * them in a small buffer on the stack and pass full buffers to the console.
 * However long the message, the backend is notified once, at the end.
 * early_printk() is the same engine with the platform's early console as
 * the sink, whatever state the console ring is in.
 */
#include <tinypv/printk.h>
#include <tinypv/console.h>
#include <tinypv/platform.h>
#include <lib/string.h>

struct printk_buffer {
    char data[128];
    size_t used;
    void (*flush)(const char *s, size_t n);
};

static void printk_sink(void *ctx, const char *s, size_t n)
{
    struct printk_buffer *pb = ctx;
    size_t take;

    while ( n )
    {
        if ( pb->used == sizeof(pb->data) )
        {
            pb->flush(pb->data, pb->used);
            pb->used = 0;
        }
        take = MIN(n, sizeof(pb->data) - pb->used);
        memcpy(pb->data + pb->used, s, take);
        pb->used += take;
        s += take;
        n -= take;
    }
}

void vprintk(const char *fmt, va_list ap)
{
    struct printk_buffer pb = { .used = 0, .flush = console_put };

    vformat(printk_sink, &pb, fmt, ap);
    if ( pb.used )
        console_put(pb.data, pb.used);
    console_kick();
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void early_printk(const char *fmt, ...)
{
    struct printk_buffer pb = { .used = 0, .flush = arch_early_write };
    va_list ap;

    va_start(ap, fmt);
    vformat(printk_sink, &pb, fmt, ap);
    va_end(ap);
    if ( pb.used )
        arch_early_write(pb.data, pb.used);
}
