/*
 * net.h: the monitor's `net` and `ping` commands (monitor/cmd_net.c):
 * the network interfaces netfront drives, and echo requests sent to
 * another host of the link.
 */
#ifndef TINYPV_MONITOR_NET_H
#define TINYPV_MONITOR_NET_H

void cmd_net(int argc, char **argv);
void cmd_ping(int argc, char **argv);

#endif /* TINYPV_MONITOR_NET_H */
