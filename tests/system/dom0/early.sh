# shellcheck shell=sh disable=SC2034 # BEFORE_UNPAUSE: lib.sh's guest_start hook
# early.sh: what a PVH guest says before its console ring, or without one,
# under the real Xen (sourced by suite.sh, after lib.sh; the PVH pass of
# group "early"). tests/system/cases.sh judges the results.
#
#  - pvh-bad-port: the console's event channel is 2^32 + the real one. A
#    kernel that narrows the 64-bit HVM parameter takes the real port; the
#    check (ring_problem()) refuses it: the console stays off, the refusal
#    is said once on port 0xe9 (xl dmesg), and the kernel carries on:
#    `xl shutdown`, through xenstore, still powers it off.
#  - pvh-bad-store-gfn: the xenstore ring's frame is 2^52 + the real one,
#    which `gfn << 12` would wrap back to the real page. Refused: xenstore
#    stays off, the console works, `poweroff` typed ends the domain.
#  - pvh-quiet-log: the same guest under Xen's default guest_loglvl of a
#    release build (none/warning): Xen logs port 0xe9 at guest debug level,
#    so xl dmesg shows none of its early lines; the test bed's own
#    guest_loglvl=all (tools/testbed/boot) is put back afterwards.
#
# /tinypv/hvmparam (dom0/hvmparam.c, built on the host by tests/system/run)
# reads and writes a paused guest's HVM parameters.

HVMPARAM=/tinypv/hvmparam

# hvmparam NAME [VALUE]: on the current guest; logged in hvmparam.log, a
# failure also in the case's error file.
hvmparam() {
    echo "+ hvmparam $*" >>"$GDIR/hvmparam.log"
    if ! "$HVMPARAM" "$(cat "$GDIR/domid")" "$@" >>"$GDIR/hvmparam.log" 2>&1; then
        echo "hvmparam $* failed" >>"$GDIR/error"
        return 1
    fi
}

# Run by guest_start while the domain is paused (BEFORE_UNPAUSE).
bad_console_port() {
    hvmparam console_evtchn
    hvmparam console_evtchn +0x100000000
}

bad_store_gfn() {
    hvmparam store_pfn
    hvmparam store_pfn +0x10000000000000
}

# dmesg_wait TEXT SECS: until Xen's log has a line TEXT for this guest.
dmesg_wait() {
    wait_until "$2" sh -c "xl dmesg | grep -q -F '(d$(cat "$GDIR/domid")) $1'"
}

case_pvh_bad_port() {
    BEFORE_UNPAUSE=bad_console_port
    guest_start pvh-bad-port tinypv-pvh "" || { BEFORE_UNPAUSE=""; return; }
    BEFORE_UNPAUSE=""
    # No console ring: everything goes to port 0xe9, the prompt included.
    # (A kernel that took the port has its banner on the console instead:
    # the checks say so; the wait is only noted here.)
    dmesg_wait "tinypv 0.1:" 60 || echo "waited 60 s for the banner in xl dmesg" >>"$GDIR/timeouts"
    sleep 2
    timeout 30 xl shutdown -w pvh-bad-port >"$GDIR/xl_shutdown.log" 2>&1
    echo $? >"$GDIR/xl_shutdown.rc"
    guest_wait_end 30
    xl dmesg >"$GDIR/xl-dmesg.txt" 2>&1
}

case_pvh_bad_store_gfn() {
    BEFORE_UNPAUSE=bad_store_gfn
    guest_start pvh-bad-store-gfn tinypv-pvh "" || { BEFORE_UNPAUSE=""; return; }
    BEFORE_UNPAUSE=""
    guest_wait_text "tinypv> " 1 60
    guest_command "xs read name"
    guest_command "echo carrying on without xenstore"
    xl dmesg >"$GDIR/xl-dmesg.txt" 2>&1
    guest_type 'poweroff\r'
    guest_wait_end 30
}

case_pvh_quiet_log() {
    dir=$OUT/pvh-quiet-log
    mkdir -p "$dir"
    xl set-parameters guest_loglvl=none/warning >"$dir/set-parameters.log" 2>&1
    echo "set guest_loglvl=none/warning: exit $?" >>"$dir/set-parameters.log"
    if guest_start pvh-quiet-log tinypv-pvh 'run=\"poweroff\"'; then
        guest_wait_end 60
        xl dmesg >"$GDIR/xl-dmesg.txt" 2>&1
    fi
    xl set-parameters guest_loglvl=all >>"$dir/set-parameters.log" 2>&1
    echo "set guest_loglvl=all: exit $?" >>"$dir/set-parameters.log"
}

early_cases() {
    case_pvh_bad_port
    case_pvh_bad_store_gfn
    case_pvh_quiet_log
}
