/*
 * shell.h: the monitor, a small command shell on the console.
 */
#ifndef TINYPV_SHELL_H
#define TINYPV_SHELL_H

#include <tinypv/types.h>

/* Take console input (typed bytes go to the shell's line editor). */
void shell_start(void);

/* Print the prompt. */
void shell_prompt(void);

/*
 * After a message printed out of turn (a toolstack request, say), show the
 * prompt and the line being typed again, so the user sees where they are.
 */
void shell_redraw(void);

/*
 * Run commands separated by ';' (the `run=` boot option) as if typed,
 * each shown after the prompt.
 */
void shell_run_script(const char *script);

/* Has ^C been typed since the running command started? */
bool shell_interrupted(void);

/* Run one command line (modified in place). */
void shell_execute(char *line);

#endif /* TINYPV_SHELL_H */
