#!/bin/sh
# suite_lab.sh: the cases that need the lab hypervisor (tools/testbed/boot
# --xen lab), in a boot of their own; see lab_cases.sh.

. /tinypv/lib.sh
. /tinypv/lab_cases.sh

xl info | grep -E '^(xen_version|xen_extra|xen_commandline)' >"$OUT/xl-info.txt"
case_lab_xen
log "all lab cases done"
