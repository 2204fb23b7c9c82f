# shellcheck shell=bash disable=SC2034 # LAB_*: read by tests/grade/grade
# lab_xenstore.sh: the grader of lab xenstore (docs/labs/xenstore.md),
# sourced by tests/grade/grade. The boot is the system suite's groups
# "boot" (the kernel learns its domain id: case_boot_notes's `info`) and
# "xlshutdown" (xs commands typed at the monitor, checked against dom0's
# xenstore, then xl sysrq and xl shutdown, which reach the kernel as watch
# events: dom0/suite.sh's case_toolstack), on PV; the checks are those of
# tests/system/cases.sh (check_boot_notes, check_toolstack), with points.

LAB_CASES["xenstore"]="boot xlshutdown"
LAB_HANDOUT["xenstore"]="docs/labs/xenstore.md"

# dom0_read_42: dom0's xenstore-read of the node the guest wrote.
dom0_read_42() {
    local got
    got=$(cat "$CASE_DIR/dom0_data_x" 2>/dev/null)
    if [ "$got" = 42 ]; then
        pass "xs write data/x 42: dom0's xenstore-read prints 42"
    else
        fail "xs write data/x 42: dom0's xenstore-read prints '$got'"
    fi
}

grade_xenstore() {
    set_platform pv
    grade_case boot-notes
    check 10 "the kernel reads its domain id from xenstore (info)" \
        has_re "^  xenstore ring 0x[0-9a-f]+ \\(pfn 0x[0-9a-f]+, [a-z ]+\\), event channel [0-9]+, domid $(cat "$CASE_DIR/domid" 2>/dev/null)\$" \
        "info: the xenstore ring's line ends with the domain's id"
    grade_case xl-shutdown
    check 15 "xs read name: the domain's own name" \
        after_prompt "xs read name" "xl-shutdown"
    check 10 "xs write data/x 42: dom0 reads 42" \
        dom0_read_42
    check 15 "error answers: permission denied, no such entry" \
        all_of after_prompt "xs read /nonexistent" "xs read /nonexistent: permission denied" \
        -- after_prompt "xs read data/nonexistent" "xs read data/nonexistent: no such entry"
    check 10 "xs ls control: the directory's names" \
        after_prompt "xs ls control" "shutdown"
    check 20 "xl sysrq t and h: the watch on control/sysrq fires" \
        all_of has_re '^sysrq: time [0-9]{4}-[0-9]{2}-[0-9]{2}T' "xl sysrq t prints the time" \
        -- has "sysrq: h help, t time and statistics, c crash"
    check 20 "xl shutdown -w: the watch on control/shutdown fires, the guest powers off" \
        all_of xl_shutdown_returned \
        -- last_line_is "tinypv: the toolstack asked for poweroff; shutting down" \
        -- reason_is poweroff
}
