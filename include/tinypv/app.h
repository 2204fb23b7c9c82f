/*
 * app.h: the application the kernel runs once it is up (in tinypv the
 * monitor, monitor/app.c). start_kernel() hands it every command-line
 * option, then starts it as its last step. docs/09-porting.md.
 */
#ifndef TINYPV_APP_H
#define TINYPV_APP_H

#include <tinypv/types.h>

/*
 * A command-line option (value NULL for a bare `key`), in the order
 * given, before app_start(). false: not one of the application's; the
 * kernel warns that it is unknown.
 */
bool app_option(const char *key, const char *value);

/*
 * Start: the console, events, timers and xenstore work. It returns once
 * it has set itself up (its console input handler, say); the main loop
 * (kernel_main_loop()) then runs what it arranged.
 */
void app_start(void);

#endif /* TINYPV_APP_H */
