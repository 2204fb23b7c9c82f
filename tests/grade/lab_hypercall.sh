# shellcheck shell=bash disable=SC2034 # LAB_*: read by tests/grade/grade
# lab_hypercall.sh: the grader of lab hypercall (docs/labs/hypercall.md,
# docs/lab-hypercall.md), sourced by tests/grade/grade. The boot is the
# lab hypervisor's (tools/testbed/boot --xen lab: dom0/suite_lab.sh,
# case_lab_xen); the checks are tests/system/cases_lab.sh's, with points.

LAB_CASES["hypercall"]="labxen"
LAB_HANDOUT["hypercall"]="docs/labs/hypercall.md"

grade_hypercall() {
    local id
    RESULTS=$LAB_RESULTS grade_case lab-xen
    id=$(cat "$CASE_DIR/domid" 2>/dev/null)
    check 20 "labcall: Xen takes the text and returns its length" \
        after_prompt "labcall hello from tinypv" "labcall: Xen took 17 bytes"
    check 20 "Xen prints the text with the caller's domain id (xl dmesg)" \
        xl_dmesg_has "lab_print: d$id says \"hello from tinypv\" (17 bytes)"
    check 10 "a text over 128 bytes: -E2BIG" \
        after_prompt "labcall --too-long" "labcall: -E2BIG: Xen takes at most 128 bytes"
    check 10 "a pointer Xen cannot read: -EFAULT, and Xen carries on" \
        after_prompt "labcall --bad-pointer" "labcall: -EFAULT: Xen could not read the text"
    check 5 "the guest powers off afterwards" \
        reason_is poweroff
}
