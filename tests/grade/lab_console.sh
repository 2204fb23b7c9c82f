# shellcheck shell=bash disable=SC2034 # LAB_*: read by tests/grade/grade
# lab_console.sh: the grader of lab console (docs/labs/console.md), sourced
# by tests/grade/grade. The boot is the system suite's group "boot" on PV
# (dom0/suite.sh: case_boot_notes, case_boot_legacy); the checks are the
# console parts of tests/system/cases.sh's, with points.

LAB_CASES["console"]="boot"
LAB_HANDOUT["console"]="docs/labs/console.md"

# burst_notes_bounded: the 256 KiB burst notified at least once and at most
# once per write call plus once per full ring (2 KiB), as the output-flood
# case checks it (cases.sh's check_output_floods).
burst_notes_bounded() {
    local line bytes calls notes
    line=$(burst_figures)
    read -r bytes _ _ _ _ calls _ _ notes _ <<<"$line"
    if [ -n "$notes" ] && [ "$notes" -ge 1 ] &&
       [ "$notes" -le $((calls + bytes / 2048)) ]; then
        pass "burst: $notes notifications for $calls writes of $bytes bytes"
    else
        fail "burst: notifications at most one per write (+1 per 2 KiB): '$line'"
    fi
}

grade_console() {
    set_platform pv
    grade_case boot-notes
    check 10 "banner: the first lines reach dom0 through the ring" \
        has "tinypv 0.1: $BANNER"
    check 10 "the monitor answers a typed command" \
        after_prompt "echo hello world" "hello world"
    check 20 "256 KiB burst: dom0's cksum equals the kernel's (the ring wraps)" \
        burst_matches
    check 10 "notify once per write, not per byte" \
        burst_notes_bounded
    check 10 "flush before shutdown: the last line reaches dom0" \
        last_line_is "tinypv: shutting down (reason: poweroff)"
    grade_case boot-legacy
    check 10 "a scripted boot: burst cksum equal, last line flushed" \
        all_of burst_matches -- last_line_is "tinypv: shutting down (reason: poweroff)"
}
