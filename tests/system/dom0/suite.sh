#!/bin/sh
# suite.sh: tinypv's system tests, run inside the test bed's dom0 by
# tests/system/run. Each case starts one guest under the real toolstack and
# leaves what happened in $OUT/CASE/; tests/system/run judges it afterwards.
# The order is fixed and every case runs even if an earlier one failed.

. /tinypv/lib.sh
. /tinypv/suspend.sh
. /tinypv/hostile.sh

# The notes image: banner, a 256 KiB output burst, an unknown option, then
# the monitor answering typed commands.
case_boot_notes() {
    guest_start boot-notes tinypv "burst=256K frobnicate=1" || return
    guest_wait_text "tinypv> " 1 60
    burst_cksum
    guest_command "help"
    guest_command "echo hello world"
    guest_command "info"
    guest_command "xen"
    guest_command "stats"
    guest_command "evtchn"
    guest_command "frobnicate"
    guest_command "poweroff 9"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# The legacy image (only the __xen_guest string): same burst, scripted exit.
case_boot_legacy() {
    guest_start boot-legacy tinypv-legacy 'burst=256K run=\"stats; poweroff\"' || return
    guest_wait_end 60
    burst_cksum
}

# 64 KiB of input in one burst, then: still alive? every byte counted?
case_input_flood() {
    guest_start input-flood tinypv "" || return
    guest_wait_text "tinypv> " 1 30
    guest_type_file /tinypv/flood.bin
    # The burst ends with a line that is answered "F<last> ..."; wait for it.
    last=$(tail -n 1 /tinypv/flood.expected | cut -d' ' -f1)
    guest_wait_text "$last" 2 120
    guest_command "echo alive" 30
    guest_command "stats" 30
    wc -c </tinypv/flood.bin >"$GDIR/flood_bytes"

    # Idle at the prompt: CPU time over 5 s, as xl reports it.
    guest_cpu_seconds >"$GDIR/cpu_before"
    sleep 5
    guest_cpu_seconds >"$GDIR/cpu_after"
    guest_command "stats" 30
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# Faults on purpose: each must dump registers and end as "crash".
case_fault() {
    guest_start "fault-$1" tinypv "run=\\\"crash $1\\\"" || return
    guest_wait_end 30
}

# A bad command line is reported, and the kernel carries on.
case_bad_cmdline() {
    guest_start bad-cmdline tinypv 'burst=lots run=\"echo still here; reboot\" x=\"open' || return
    guest_wait_end 30
}

# Clocks: 50 uptime readings, the date against dom0's, sleep against dom0's
# wall time, and ^C interrupting a sleep.
case_time() {
    uptimes=$(for i in $(seq 50); do printf 'uptime; '; done)
    guest_start time tinypv "run=\\\"$uptimes\\\"" || return
    guest_wait_text "tinypv> " 51 60
    guest_command "date"
    date -u +%s >"$GDIR/dom0_date"

    start=$(now_ms)
    guest_command "sleep 2"
    echo $(($(now_ms) - start)) >"$GDIR/sleep2_ms"

    start=$(now_ms)
    guest_type 'sleep 30\r'
    sleep 1
    guest_type '\003'
    guest_wait_text "sleep: interrupted" 1 10
    echo $(($(now_ms) - start)) >"$GDIR/sleep_interrupted_ms"
    guest_command "echo after sleep"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# The toolstack: xenstore from the shell, then xl sysrq and xl shutdown.
case_toolstack() {
    guest_start xl-shutdown tinypv "" || return
    guest_wait_text "tinypv> " 1 30
    id=$(cat "$GDIR/domid")
    guest_command "xs read name"
    guest_command "xs write data/x 42"
    xenstore-read "/local/domain/$id/data/x" >"$GDIR/dom0_data_x" 2>&1
    guest_command "xs read /nonexistent"
    guest_command "xs read data/nonexistent"
    guest_command "xs ls control"
    guest_command "echo still fine"
    xl sysrq xl-shutdown t
    guest_wait_text "sysrq: time" 1 20
    xl sysrq xl-shutdown h
    guest_wait_text "sysrq: h help" 1 20
    # Suspend is no longer refused: the suspend cases (suspend.sh) run it.
    start=$(now_ms)
    timeout 60 xl shutdown -w xl-shutdown >"$GDIR/xl_shutdown.log" 2>&1
    echo $(($(now_ms) - start)) >"$GDIR/shutdown_ms"
    guest_wait_end 30
}

case_sysrq_crash() {
    guest_start sysrq-crash tinypv "" || return
    guest_wait_text "tinypv> " 1 30
    xl sysrq sysrq-crash c
    guest_wait_end 30
}

case_reboot() {
    guest_start xl-reboot tinypv "" || return
    guest_wait_text "tinypv> " 1 30
    xl reboot xl-reboot
    guest_wait_end 30
}

# 10 MiB of output through xenconsoled: not one byte lost or changed.
case_output_flood() {
    guest_start output-flood tinypv 'burst=10M run=\"stats; poweroff\"' || return
    guest_wait_end 300
    burst_cksum
}

# The same with dom0 reading slowly: the ring is full most of the time.
# The guest's flush only knows that xenconsoled took the bytes from the
# ring; what xenconsoled still buffers for a slow reader dies with the
# domain. So the test lets the reader catch up before asking for poweroff.
case_output_flood_throttled() {
    THROTTLE=1
    guest_start output-throttled tinypv 'burst=512K'
    rc=$?
    THROTTLE=0
    [ $rc -eq 0 ] || return
    guest_wait_text "tinypv> " 1 300
    guest_type 'poweroff\r'
    guest_wait_end 60
    burst_cksum
}

# 1 MiB typed into the console: every line answered or refused.
case_input_flood_1m() {
    guest_start input-flood-1m tinypv "" || return
    guest_wait_text "tinypv> " 1 30
    guest_type_file /tinypv/flood1m/flood.bin
    last=$(tail -n 1 /tinypv/flood1m/flood.expected | cut -d' ' -f1)
    guest_wait_text "$last" 2 300
    guest_command "stats" 60
    wc -c </tinypv/flood1m/flood.bin >"$GDIR/flood_bytes"
    guest_type 'poweroff\r'
    guest_wait_end 60
}

case_boot_notes
case_boot_legacy
case_time
case_toolstack
case_reboot
case_sysrq_crash
case_input_flood
for kind in pagefault invalid divide gp panic; do
    case_fault "$kind"
done
case_bad_cmdline
case_output_flood
case_output_flood_throttled
case_input_flood_1m
hostile_cases
. /tinypv/lab_cases.sh
case_lab_enosys_trace
suspend_cases
log "all cases done"
