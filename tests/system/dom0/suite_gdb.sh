#!/bin/sh
# suite_gdb.sh: the guest that the host's gdb debugs (tests/system/run,
# boot_gdb: QEMU's gdb stub, gdb in batch mode). gdb stops it at
# start_kernel and in the console writer, then lets it run: it must still
# reach its prompt and answer, as if nothing had happened.

. /tinypv/lib.sh

# Stopped under gdb, everything in QEMU stands still: generous waits.
guest_start gdb-pv tinypv "" || exit 0
guest_wait_text "tinypv> " 1 120
guest_command "echo after gdb" 60
guest_type 'poweroff\r'
guest_wait_end 60
log "all gdb cases done"
