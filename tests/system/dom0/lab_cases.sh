# lab_cases.sh: the teaching labs' cases (issue 12), sourced by suite.sh
# (the normal hypervisor) and by suite_lab.sh (the lab hypervisor, its own
# boot). tests/system/cases_lab.sh judges what they leave in $OUT/CASE/.

# The normal hypervisor: the lab hypercall is missing (-ENOSYS), the
# kernel carries on; then a trace of three keystrokes and of a line.
case_lab_enosys_trace() {
    guest_start lab-trace tinypv "" || return
    guest_wait_text "tinypv> " 1 30
    guest_command "labcall hello from tinypv"
    guest_command "echo still here"
    guest_type 'trace 3\r'
    guest_wait_text "trace: armed" 1 10
    # One key per event: each is its own story.
    for key in x y z; do
        guest_type "$key"
        sleep 0.5
    done
    guest_wait_text "trace: done" 1 10
    guest_type '\025'               # ^U: forget "xyz"
    guest_command "trace line"
    guest_type 'echo traced\r'
    guest_wait_text "trace: done" 2 10
    guest_command "stats"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# The lab hypervisor: the hypercall's message and tinypv's console_io
# lines (the early ones, and everything after a corrupt ring) in xl dmesg.
case_lab_xen() {
    xl dmesg -c >/dev/null          # only this guest's lines from here on
    guest_start lab-xen tinypv 'run=\"labcall hello from tinypv; labcall --too-long; labcall --bad-pointer; breakring; echo after the break; poweroff\"' || return
    guest_wait_end 60
    xl dmesg >"$GDIR/xl-dmesg.txt" 2>&1
}
