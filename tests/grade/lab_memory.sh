# shellcheck shell=bash disable=SC2034 # LAB_*: read by tests/grade/grade
# lab_memory.sh: the grader of lab memory (docs/labs/memory.md), sourced
# by tests/grade/grade. The boot is the system suite's group "memory" on
# PV (dom0/memory.sh: guests of 4, 16, 512 and 900 MiB, and one of 64 MiB
# migrated); the checks are cases.sh's check_memory_* ones, with points,
# and memtest's own check of the buddy allocator (monitor/cmd_mem.c).

LAB_CASES["memory"]="memory"
LAB_HANDOUT["memory"]="docs/labs/memory.md"

# mem_split_merge: memtest's split-and-merge check passed, never failed.
mem_split_merge() {
    has_re '^memtest: split and merge: [0-9]+ single pages taken and given back, the free blocks as before; page_alloc_check: ok$' \
        "memtest: single pages taken and given back leave the free blocks as they were"
    count_is "memtest: FAIL: split and merge" 0
}

# mem_memtest_ok: memtest took and tested every free page, no FAIL, no crash.
mem_memtest_ok() {
    after_prompt "memtest" "memtest: ok: "
    memory_no_crash
}

# mem_map_reaches SIZE: the boot line says the linear map ends at the last frame.
mem_map_reaches() {
    local last
    last=$(printf '%x' $(($1 * 256 - 1)))
    has_re "^pv: linear map: frames 0x[0-9a-f]+-0x$last mapped by [0-9]+ L1 tables of ours \\(pinned\\) in [0-9]+ rounds?: " \
        "boot: the linear map reaches the last frame, 0x$last"
}

# mem_all_mapped SIZE: mem leaves no RAM unmapped; the last frame walks to its pfn.
mem_all_mapped() {
    if grep -a -q "^  not mapped " "$CASE_DIR/console.txt"; then
        fail "mem: no RAM left unmapped ($(grep -a -m 1 '^  not mapped ' "$CASE_DIR/console.txt"))"
    else
        pass "mem: no RAM left unmapped"
    fi
    after_prompt "walk $(memory_last_va "$1")" "is pfn 0x$(printf '%x' $(($1 * 256 - 1))) + 0x000"
}

# mem_migrated: memtest and the walk of the last frame, before and after.
mem_migrated() {
    local oks walks
    has "resume: restored in a new domain"
    oks=$(grep -a -c '^memtest: ok: ' "$CASE_DIR/console.txt")
    walks=$(grep -a -c "is pfn 0x3fff + 0x000" "$CASE_DIR/console.txt")
    if [ "$oks" -eq 2 ] && [ "$walks" -eq 2 ]; then
        pass "memtest and the walk of the last frame passed before and after the migration"
    else
        fail "memtest and the walk of the last frame passed before and after the migration ($oks memtest ok, $walks walks of 2)"
    fi
    memory_no_crash
}

grade_memory() {
    set_platform pv
    grade_case memory-4
    check 10 "4 MiB: split and merge: single pages taken and given back, the free blocks as before" \
        mem_split_merge
    check 10 "4 MiB: memtest takes and tests every free page" \
        mem_memtest_ok
    grade_case memory-16
    check 10 "16 MiB: the linear map reaches the last frame (L1 tables hooked by mmu_update)" \
        mem_map_reaches 16
    check 10 "16 MiB: no RAM left unmapped; the walk of the last frame ends in its pfn" \
        mem_all_mapped 16
    check 10 "16 MiB: memtest: split and merge, and every free page" \
        all_of mem_split_merge -- mem_memtest_ok
    grade_case memory-512
    check 10 "512 MiB: the linear map reaches the last frame, under 0.5 mmu_update per MiB (batched)" \
        all_of mem_map_reaches 512 -- mem_batched
    check 10 "512 MiB: all of it mapped, memtest passes over it" \
        all_of mem_all_mapped 512 -- mem_split_merge -- mem_memtest_ok
    grade_case memory-migrate
    check 10 "64 MiB, migrated: memtest and the walk of the last frame before and after" \
        mem_migrated
    grade_case memory-beyond
    check 10 "900 MiB: the map ends at the window's last frame (0x357ff), memtest passes on it" \
        all_of has_re "^pv: linear map: frames 0x[0-9a-f]+-0x357ff mapped by [0-9]+ L1 tables of ours" \
                      "boot: the linear map ends at the window's last frame, 0x357ff" \
            -- after_prompt "walk 0xf57ff000" "walk: 0xf57ff000 is pfn 0x357ff + 0x000" \
            -- mem_memtest_ok
    check 10 "every guest powers off (no exception, no panic)" \
        all_of reason_is poweroff -- use_case_reason memory-4 -- use_case_reason memory-16 \
            -- use_case_reason memory-512 -- use_case_reason memory-migrate
}

# use_case_reason NAME: that guest powered off (the checks move to it).
use_case_reason() {
    grade_case "$1"
    reason_is poweroff
}
