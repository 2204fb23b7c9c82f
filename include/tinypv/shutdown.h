/*
 * shutdown.h: the ways out of tinypv. Each flushes the console first
 * (docs/03-console.md: xenconsoled drops what is left when a domain dies).
 */
#ifndef TINYPV_SHUTDOWN_H
#define TINYPV_SHUTDOWN_H

#include <tinypv/types.h>

/* Flush the console and ask Xen to end the domain with this reason. */
void shutdown(unsigned int reason) __noreturn;    /* SHUTDOWN_* */

void poweroff(void) __noreturn;

/* "poweroff", "reboot", "crash"...: for messages. */
const char *shutdown_reason_name(unsigned int reason);
void reboot(void) __noreturn;

/* Print "panic: <message>", flush, and shut down with SHUTDOWN_crash. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#endif /* TINYPV_SHUTDOWN_H */
