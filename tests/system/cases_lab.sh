# shellcheck shell=bash
# cases_lab.sh: what the teaching labs' cases must have shown (sourced by
# tests/system/run): dom0/lab_cases.sh runs them.

# xl_dmesg_has TEXT: the lab guest's `xl dmesg` holds a line with TEXT.
xl_dmesg_has() {
    if tr -d '\r' <"$CASE_DIR/xl-dmesg.txt" 2>/dev/null | grep -a -q -F -- "$1"; then
        pass "xl dmesg shows: $1"
    else
        fail "xl dmesg shows: $1"
    fi
}

# xl_dmesg_once TEXT: the lab guest's `xl dmesg` holds TEXT exactly once
# (a report that must not repeat).
xl_dmesg_once() {
    local n
    n=$(tr -d '\r' <"$CASE_DIR/xl-dmesg.txt" 2>/dev/null | grep -a -c -F -- "$1")
    if [ "${n:-0}" -eq 1 ]; then
        pass "xl dmesg shows once: $1"
    else
        fail "xl dmesg shows once: $1 (${n:-0} times)"
    fi
}

# The normal hypervisor: no lab hypercall, and the keystroke trace.
check_lab_enosys_trace() {
    use_case lab-trace || return
    after_prompt "labcall hello from tinypv" \
        "labcall: -ENOSYS: this Xen has no hypercall 63 (lab_print)"
    after_prompt "echo still here" "still here"
    has "trace: armed for the next 3 keystroke(s); type them"
    has_re '^trace: 3 keystroke\(s\), [0-9]+ step\(s\), all recorded$' "trace of 3 keys: every step recorded"
    # Each key: its event, the ring code's notification, the byte handed
    # to the shell, its echo at out_prod and the notification for it.
    local key
    for key in x y z; do
        has_re "event on port [0-9]+ \(console\): in ring holds 1 byte\(s\)" "an event announces a typed byte"
        has_re "the shell gets 1 byte\(s\) \"$key\" \(in_cons [0-9]+ -> [0-9]+, in_prod [0-9]+\)" "'$key' read from the in ring"
        has_re "write 1 byte\(s\) \"$key\": out_prod [0-9]+ -> [0-9]+ \(out_cons [0-9]+\)" "'$key' echoed into the out ring"
    done
    has_re "notify port [0-9]+: bytes taken, in_cons is now [0-9]+" "input side notifies"
    has_re "notify port [0-9]+: output published up to out_prod [0-9]+" "output side notifies"
    count_is "trace: done" 2
    has "trace: armed for the next line; type it"
    has_re '^trace: 12 keystroke\(s\), ' "trace line: the 12 bytes of 'echo traced\\r'"
    has_re 'write 6 byte\(s\) "traced"' "trace line: the command's output is in the story"
    after_prompt "stats" "corrupt rings reported: 0"
    last_line_is "tinypv: shutting down (reason: poweroff)"
    reason_is poweroff
}

# The lab hypervisor: the hypercall's line and tinypv's console_io lines.
check_lab_xen() {
    local saved=$RESULTS
    RESULTS=$LAB_RESULTS
    if use_case lab-xen; then
        after_prompt "labcall hello from tinypv" "labcall: Xen took 17 bytes"
        after_prompt "labcall --too-long" "labcall: -E2BIG: Xen takes at most 128 bytes"
        after_prompt "labcall --bad-pointer" "labcall: -EFAULT: Xen could not read the text"
        has "breakring: moving out_cons 4 KiB behind out_prod"
        local id
        id=$(cat "$CASE_DIR/domid" 2>/dev/null)
        xl_dmesg_has "lab_print: d$id says \"hello from tinypv\" (17 bytes)"
        xl_dmesg_has "(d$id) tinypv: early console until the ring is found"
        # The report of a corrupt output ring goes to Xen's debug console,
        # which only this (verbose debug) Xen shows: here it must be there,
        # once, however much the guest writes after it.
        xl_dmesg_once "(d$id) console: ring indices corrupt (out_prod="
        xl_dmesg_has "(d$id) breakring: this line was written after the ring broke"
        xl_dmesg_has "(d$id) after the break"
        xl_dmesg_has "(d$id) tinypv: shutting down (reason: poweroff)"
        reason_is poweroff
    fi
    RESULTS=$saved
}

# check_crash_names KIND NAME...: the crash report of `crash KIND` names
# the faulting function and its callers, innermost first.
check_crash_names() {
    local kind=$1 first=$2
    shift 2
    use_case "fault-$kind" || return
    if [ "$kind" != panic ]; then
        has_re "^\*\*\* exception [0-9]+: .* at eip 0x[0-9a-f]{8} \($first\+0x[0-9a-f]+/0x[0-9a-f]+\)" \
            "the report names the faulting function ($first)"
    fi
    has "  call trace (innermost first):"
    local trace name want=0 n=0
    trace=$(sed -n '/^  call trace/,/^[^ ]/p' "$CASE_DIR/console.txt" \
        | sed -n 's/^    #[0-9]* *0x[0-9a-f]*  \([^+]*\)+.*/\1/p' | tr '\n' ' ')
    # The names must appear in this order (others may come in between).
    for name in "$first" "$@"; do
        want=$((want + 1))
        if grep -q -E "(^| )$name( |$)" <<<"$trace"; then
            trace=${trace#*"$name" }
            n=$((n + 1))
        fi
    done
    if [ "$n" -eq "$want" ]; then
        pass "call trace names $first $* in order"
    else
        fail "call trace names $first $* in order (got: $(sed -n '/^  call trace/,/^[^ ]/p' "$CASE_DIR/console.txt" | tr '\n' '|' | head -c 600))"
    fi
}

check_lab_cases() {
    check_lab_enosys_trace
    check_crash_names pagefault fault_page trigger_fault cmd_crash shell_execute start_kernel
    check_crash_names divide fault_divide trigger_fault cmd_crash start_kernel
    check_crash_names invalid fault_invalid trigger_fault cmd_crash start_kernel
    check_crash_names gp fault_gp trigger_fault cmd_crash start_kernel
    check_crash_names panic trigger_fault cmd_crash shell_execute start_kernel
    if [ -n "${LAB_RESULTS:-}" ]; then
        check_lab_xen
    fi
}

# The gdb case (run's boot_gdb): gdb stopped the PV guest at start_kernel
# and in the console writer, read the ring's indices, and let it go on to
# its prompt.
check_gdb() {
    local log=$OUT/gdb.log saved=$RESULTS
    section "gdb in batch mode"
    expect "gdb stopped the PV guest at start_kernel (cs 0xe019: its ring-1 code)" \
        grep -q '^GDB: stopped in start_kernel, cs 0xe019' "$log"
    expect "gdb stopped in xencons_kick and read out_prod, out_cons and the writer's prod" \
        grep -qE '^GDB: in xencons_kick, cs 0xe019, out_prod [0-9]+, out_cons [0-9]+, prod [0-9]+$' "$log"
    # shellcheck disable=SC2016 # gdb's $1, not the shell's
    expect "gdb printed the writer's stats" grep -q '^\$1 = {.*notifications' "$log"
    if ! grep -q '^GDB: in xencons_kick' "$log"; then
        tail -n 15 "$log"
    fi
    RESULTS=${GDB_RESULTS:?}
    if use_case gdb-pv; then
        after_prompt "echo after gdb" "after gdb"
        reason_is poweroff
    fi
    RESULTS=$saved
}
