# shellcheck shell=bash disable=SC2034 # LAB_*: read by tests/grade/grade
# lab_blkfront.sh: the grader of lab blkfront (docs/labs/blkfront.md),
# sourced by tests/grade/grade. The boot is the system suite's groups
# "gnttab" (dom0/gnttab.sh: the monitor's grants mapped by dom0's gntmap,
# as a backend maps them) and "blkfront" (dom0/blkfront.sh: two disks
# against dom0's blkback, a write read back, save/restore and migration
# during reads), on PV; the checks are cases.sh's check_gnttab and
# check_blkfront ones, with points.

LAB_CASES["blkfront"]="gnttab blkfront"
LAB_HANDOUT["blkfront"]="docs/labs/blkfront.md"

# The references the gnttab case used (dom0/gnttab.sh wrote them down).
gr_refs() {
    GR_REF=$(cat "$CASE_DIR/ref_match" 2>/dev/null)
    GR_REF7=$(cat "$CASE_DIR/ref_otherdom" 2>/dev/null)
    GR_REF0=$(cat "$CASE_DIR/ref_deferred" 2>/dev/null)
    GR_REFRO=$(cat "$CASE_DIR/ref_readonly" 2>/dev/null)
}

# gr_busy_refused: `gnttab end` while dom0 maps the page is refused.
gr_busy_refused() {
    local busy
    busy=$(line_of "^gnttab: ref $GR_REF is still mapped by domain 0 \(flags 0x[0-9a-f]+ reading writing\): not ended, the page stays granted$")
    if [ "$busy" -gt 0 ]; then
        pass "gnttab end $GR_REF while dom0 maps it: refused (GTF_reading, GTF_writing)"
    else
        fail "gnttab end $GR_REF while dom0 maps it: refused and reported"
    fi
}

# gr_ended: after dom0 unmapped it, the end succeeds and it maps no more.
gr_ended() {
    local busy ended
    busy=$(line_of "^gnttab: ref $GR_REF is still mapped by domain 0 ")
    ended=$(line_of "^gnttab: ref $GR_REF ended; page freed$")
    if [ "$ended" -gt "$busy" ] && [ "$busy" -gt 0 ]; then
        pass "after dom0 unmapped it, gnttab end $GR_REF ends it"
    else
        fail "after dom0 unmapped it, gnttab end $GR_REF ends it (lines $busy, $ended)"
    fi
    gnt_refused ended "ref $GR_REF once ended"
}

# bf_write_back: the write reached the file; the read-only disk refused one.
bf_write_back() {
    after_prompt "disk write xvda 100 hello from tinypv" "disk: xvda: wrote sector 100 (17 bytes of text)"
    if [ "$(cat "$CASE_DIR/readback" 2>/dev/null)" = "hello from tinypv" ]; then
        pass "dom0 reads the guest's write back from the file after the detach"
    else
        fail "dom0 reads the guest's write back from the file after the detach (got '$(cat "$CASE_DIR/readback" 2>/dev/null)')"
    fi
    after_prompt "disk write xvdb 0 must be refused" "disk: xvdb is read-only (the backend said so): write refused"
}

# bf_passes: 80 passes of cksum across xl save/restore and xl migrate, each
# dom0's, and xvda connected again after each. (Whether a read was in
# flight at the save is the backend's timing: blkback answers what it has
# before the suspend, so nothing may be left to issue again.)
bf_passes() {
    has "resume: restored in a new domain"
    bf_cksum_passes
    count_is "blkfront: xvda: connected" 4
}

grade_blkfront() {
    set_platform pv
    grade_case gnttab
    gr_refs
    check 10 "a page granted to dom0 maps in dom0, with the guest's cksum" \
        all_of gnt_maps match "ref $GR_REF, granted to dom0" -- gnt_cksum_matches match "$GR_REF" 1
    check 5 "a grant names its domain: a page granted to domain 7 does not map in dom0" \
        gnt_refused otherdom-granted-to-7 "ref $GR_REF7 (granted to domain 7)"
    check 5 "a read-only grant maps read-only, never writable" \
        all_of gnt_refused readonly-w "ref $GR_REFRO (read-only) writable" \
            -- gnt_maps readonly-r "ref $GR_REFRO (read-only) read-only"
    check 10 "end of access while dom0 maps the page: refused" \
        gr_busy_refused
    check 10 "after dom0 unmaps it: the end succeeds, the reference maps no more" \
        gr_ended
    check 5 "a deferred end completes by itself once dom0 unmaps the page" \
        has_re "gnttab: ref $GR_REF0 ended after domain 0 unmapped it; page freed$" \
            "the deferred ref $GR_REF0 ended by itself once dom0 unmapped it"
    grade_case blkfront
    check 10 "both disks connect (blkback maps the granted ring)" \
        all_of has "blkfront: xvda: connected, 8192 sectors (4096 KiB), sector-size 512, read-write" \
            -- has "blkfront: xvdb: connected, 2048 sectors (1024 KiB), sector-size 512, read-only"
    check 15 "disk cksum of xvda and xvdb: dom0's cksum of the files (every sector read)" \
        all_of bf_same "at boot" xvda dom0-cksum-a 1 -- bf_same "a read-only disk" xvdb dom0-cksum-ro 1
    check 5 "disk read xvda 0 1: the first bytes as dom0's od shows them" \
        has_re "^00000000  $(awk 'NR == 1 { $1 = ""; sub(/^ /, ""); print; exit }' "$CASE_DIR/dom0-od-a" 2>/dev/null || echo X)  \|" \
            "disk read xvda 0: the first 16 bytes as dom0's od shows them"
    check 10 "a write reaches the file (dom0 reads it back); the read-only disk refuses one" \
        bf_write_back
    check 5 "a disk attached while running reads as dom0's file" \
        all_of has "blkfront: xvdc: connected, 4096 sectors (2048 KiB)" \
            -- bf_same "attached while running" xvdc dom0-cksum-c 1
    check 10 "80 passes of cksum across xl save/restore and xl migrate, xvda reconnected each time" \
        bf_passes
}
