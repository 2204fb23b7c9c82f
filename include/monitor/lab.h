/*
 * lab.h: the monitor commands of the teaching labs (monitor/cmd_lab.c).
 *
 *   labcall TEXT      the lab hypercall: Xen prints TEXT (docs/lab-hypercall.md)
 *   trace [N|line]    the console path of the next N keys (docs/keystroke.md)
 *   breakring         corrupt the console ring on purpose: output falls back
 *                     to Xen's console (docs/lab-hypercall.md)
 *   breaktimer        bind VIRQ_TIMER again, which Xen refuses: no timers
 *                     from then on (docs/05-time.md)
 *
 * Each has the shell's command signature.
 */
#ifndef TINYPV_MONITOR_LAB_H
#define TINYPV_MONITOR_LAB_H

void cmd_labcall(int argc, char **argv);
void cmd_trace(int argc, char **argv);
void cmd_breakring(int argc, char **argv);
void cmd_breaktimer(int argc, char **argv);

#endif /* TINYPV_MONITOR_LAB_H */
