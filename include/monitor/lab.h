/*
 * lab.h: the monitor commands of the teaching labs (monitor/cmd_lab.c),
 * with the shell's command signature; README.md lists what each does.
 */
#ifndef TINYPV_MONITOR_LAB_H
#define TINYPV_MONITOR_LAB_H

void cmd_labcall(int argc, char **argv);
void cmd_trace(int argc, char **argv);
void cmd_breakring(int argc, char **argv);
void cmd_breaktimer(int argc, char **argv);

#endif /* TINYPV_MONITOR_LAB_H */
