/*
 * gnttab.h: the monitor's grant-table command (monitor/cmd_gnttab.c), with
 * the shell's command signature; README.md lists what it does.
 */
#ifndef TINYPV_MONITOR_GNTTAB_H
#define TINYPV_MONITOR_GNTTAB_H

void cmd_gnttab(int argc, char **argv);

#endif /* TINYPV_MONITOR_GNTTAB_H */
