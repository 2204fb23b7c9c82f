/*
 * disk.h: the monitor's `disk` command (monitor/cmd_disk.c): the disks
 * blkfront drives, and reading, writing, checksumming and timing them.
 */
#ifndef TINYPV_MONITOR_DISK_H
#define TINYPV_MONITOR_DISK_H

void cmd_disk(int argc, char **argv);

#endif /* TINYPV_MONITOR_DISK_H */
