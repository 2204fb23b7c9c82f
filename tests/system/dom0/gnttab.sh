# gnttab.sh: grant tables against dom0's real grant mapping (issue 18,
# part 1). Sourced by suite.sh after lib.sh and suspend.sh; the checks are
# cases.sh's check_gnttab.
#
# One guest per platform. The guest grants pages of known text with the
# monitor's `gnttab grant`, and dom0 maps them with /tinypv/gntmap (Linux's
# gntdev, Xen's GNTTABOP_map_grant_ref: what a backend does). Each step
# leaves dom0's side in $GDIR/gntmap.log, one "= STEP" line before each
# gntmap run; the guest's side is its console. In order:
#
#   reserved    the toolstack's entries (0: console, 1: xenstore) still
#               map: tinypv left them alone
#   match       a page granted to dom0 maps, with the guest's cksum
#   busy        dom0 holds a writable mapping: `gnttab end` is refused,
#               `gnttab` shows the flags; after dom0 unmaps, it ends
#   ended       the ended reference no longer maps
#   range       references past the table, and a free one, do not map
#   otherdom    a page granted to domain 7 does not map in dom0; a page
#               granted to dom0 does not map under a wrong domid
#   readonly    a read-only grant maps read-only, not writable
#   deferred    `gnttab release` of a mapped page is deferred, and ends
#               by itself once dom0 unmaps it
#   restore     xl save + xl restore with a grant active: it is gone in
#               the new domain; a new grant maps, with its cksum; the
#               reserved entries map again

GNTMAP=/tinypv/gntmap

# gnt_map STEP ARGS...: run gntmap, its output under "= STEP" in the log.
gnt_map() {
    step=$1
    shift
    echo "= $step" >>"$GDIR/gntmap.log"
    $GNTMAP "$@" >>"$GDIR/gntmap.log" 2>&1
    echo "exit $?" >>"$GDIR/gntmap.log"
}

# gnt_hold STEP FILE ARGS...: gntmap in the background, mapped until FILE.
gnt_hold() {
    step=$1 file=$2
    shift 2
    rm -f "$file"
    $GNTMAP "$@" hold "$file" >"$GDIR/hold-$step.log" 2>&1 &
    hold_pid=$!
    wait_until 10 grep -q -E "mapped|failed" "$GDIR/hold-$step.log"
}

# gnt_release FILE: let the held mapping go, wait for gntmap's end.
gnt_release() {
    touch "$1"
    wait "$hold_pid"
    echo "exit $?" >>"$GDIR/hold-$step.log"
}

# gnt_grant ARGS: `gnttab grant ARGS`; prints the new reference.
gnt_grant() {
    guest_command "gnttab grant $*" >/dev/null
    tr -d '\r' <"$GDIR/console.log" |
        sed -n 's/^gnttab: ref \([0-9]*\) grants frame .*/\1/p' | tail -n 1
}

case_gnttab() {
    guest_start "${PREFIX}gnttab" "$IMAGE" "" "$SR_MEMORY" || return
    guest_wait_text "tinypv> " 1 30
    id=$(cat "$GDIR/domid")
    guest_command "gnttab"

    gnt_map reserved-console "$id" 0
    gnt_map reserved-xenstore "$id" 1

    ref=$(gnt_grant 0)
    echo "$ref" >"$GDIR/ref_match"
    gnt_map match "$id" "$ref"

    gnt_hold busy "$GDIR/unmap-busy" -w "$id" "$ref"
    guest_command "gnttab end $ref"
    guest_command "gnttab"
    gnt_release "$GDIR/unmap-busy"
    guest_command "gnttab end $ref"
    gnt_map ended "$id" "$ref"

    gnt_map range-past "$id" 2048
    gnt_map range-far "$id" 100000
    gnt_map range-free "$id" $((ref + 9))

    ref7=$(gnt_grant 7)
    echo "$ref7" >"$GDIR/ref_otherdom"
    gnt_map otherdom-granted-to-7 "$id" "$ref7"
    ref0=$(gnt_grant 0)
    echo "$ref0" >"$GDIR/ref_deferred"
    gnt_map otherdom-wrong-domid $((id + 50)) "$ref0"

    refro=$(gnt_grant 0 ro)
    echo "$refro" >"$GDIR/ref_readonly"
    gnt_map readonly-w -w "$id" "$refro"
    gnt_map readonly-r "$id" "$refro"

    gnt_hold deferred "$GDIR/unmap-deferred" "$id" "$ref0"
    guest_command "gnttab release $ref0"
    gnt_release "$GDIR/unmap-deferred"
    guest_wait_text "gnttab: ref $ref0 ended after domain 0 unmapped it" 1 10
    guest_command "gnttab"

    # The read-only grant stays active across the save.
    sr_round_trip 1 || return
    newid=$(xl domid "$GUEST")
    echo "$newid" >"$GDIR/domid_restored"
    guest_command "gnttab"
    gnt_map restore-lost "$newid" "$refro"
    gnt_map restore-reserved "$newid" 1
    ref2=$(gnt_grant 0)
    echo "$ref2" >"$GDIR/ref_restored"
    gnt_map restore-new "$newid" "$ref2"
    guest_command "gnttab end $refro"
    guest_command "gnttab end $ref2"
    guest_command "gnttab"
    guest_type 'poweroff\r'
    guest_wait_end 30
}
