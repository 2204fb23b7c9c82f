/*
 * mem.h: the monitor's memory commands (monitor/cmd_mem.c), with the
 * shell's command signature; README.md lists what each does.
 */
#ifndef TINYPV_MONITOR_MEM_H
#define TINYPV_MONITOR_MEM_H

void cmd_mem(int argc, char **argv);
void cmd_memtest(int argc, char **argv);

#endif /* TINYPV_MONITOR_MEM_H */
