# shellcheck shell=sh disable=SC2034,SC2154 # BEFORE_UNPAUSE and $id: lib.sh's guest_start
# blkfront.sh: the blkfront group (issue 18, items 3-4): tinypv's block
# frontend against dom0's real blkback (a loop device set up by the
# /etc/xen/scripts/block hotplug script). Sourced by suite.sh after lib.sh
# and xenbus.sh (xb_wait_hotplug, xb_round_trip); the checks are
# cases.sh's check_blkfront.
#
# case_blkfront: one guest with two disks at create: xvda (4 MiB of
# random bytes, read-write) and xvdb (1 MiB, read-only). Then:
#   - `disk` lists both; `disk cksum xvda` and `disk cksum xvdb` print the
#     POSIX cksum dom0's cksum prints for the files (dom0-cksum-*)
#   - `disk read xvda 0 1`: the first sector as a hex dump (compared with
#     od's dump of the file's first 16 bytes)
#   - `disk write xvda 100 hello from tinypv`, and a write to xvdb,
#     refused: read-only
#   - xl block-attach of xvdc (2 MiB) while running: connected, its cksum
#     equals dom0's; `disk bench xvdc 10000` typed (10000 passes, 20 GB:
#     about a minute even at blkback's cached 370 MiB/s), and xl
#     block-detach of xvdc while it runs: the bench stops, the disk is
#     removed, the shell answers
#   - xl block-detach of xvda: dom0 reads sector 100 of the file back
#     (readback): the guest's text; then xl block-attach of xvda again
#   - `disk bench xvda`, then `disk cksum xvda all 40` typed (40 passes)
#     and, while it runs, xl save and xl restore: in the new domain xvda
#     reconnects, the read in flight is issued again, and every pass's
#     cksum, before, across and after the restore, equals dom0's
#   - the same across a local xl migrate (the receiver in this dom0: the
#     block script lets the new domain share the file, same VM uuid)
# Each step is followed by a command the shell must answer.
#
# A guest whose disks do not connect, or whose first cksum of xvda is not
# dom0's (a student tree of the blkfront lab, docs/labs/blkfront.md), is
# powered off there (bf_give_up): every later step would only wait out
# its timeouts, minutes of them, to fail anyway.

BF_DIR=/tmp/blkfront-disks
BF_VBD_B=51728      # xvdb
BF_TEXT="hello from tinypv"

bf_disks() {
    mkdir -p "$BF_DIR"
    dd if=/dev/urandom of="$BF_DIR/a.img" bs=1024 count=4096 2>/dev/null
    dd if=/dev/urandom of="$BF_DIR/ro.img" bs=1024 count=1024 2>/dev/null
    dd if=/dev/urandom of="$BF_DIR/c.img" bs=1024 count=2048 2>/dev/null
}

# BEFORE_UNPAUSE: both disks' hotplug done, and the console's tty there.
bf_wait_hotplug() {
    wait_until 40 sh -c "xenstore-read /local/domain/0/backend/vbd/$id/$BF_VBD_B/hotplug-status | grep -q connected"
    xb_wait_hotplug
}

bf_step() {
    echo "= $1" >>"$GDIR/xl-steps.log"
    shift
    timeout 60 "$@" >>"$GDIR/xl-steps.log" 2>&1
    echo "exit $?" >>"$GDIR/xl-steps.log"
}

# bf_give_up WHY: the rest of the case cannot pass; power off now.
bf_give_up() {
    log "guest $GUEST: $1; the rest of the blkfront case is skipped"
    echo "$1; the rest of the case was skipped" >"$GDIR/skipped"
    xb_keep
    guest_type 'poweroff\r'
    guest_wait_end 30
}

case_blkfront() {
    bf_disks
    BEFORE_UNPAUSE=bf_wait_hotplug
    guest_start "${PREFIX}blkfront" "$IMAGE" "" \
        "disk=['format=raw,vdev=xvda,access=rw,target=$BF_DIR/a.img','format=raw,vdev=xvdb,access=ro,target=$BF_DIR/ro.img']"
    rc=$?
    BEFORE_UNPAUSE=""
    [ "$rc" = 0 ] || return
    guest_wait_text "tinypv> " 1 60
    if ! guest_wait_text "blkfront: xvda: connected" 1 30; then
        guest_command "disk"
        bf_give_up "xvda did not connect"
        return
    fi
    guest_wait_text "blkfront: xvdb: connected" 1 30
    sleep 1     # the prompt redrawn after the messages
    guest_command "disk"
    cksum <"$BF_DIR/a.img" >"$GDIR/dom0-cksum-a"
    cksum <"$BF_DIR/ro.img" >"$GDIR/dom0-cksum-ro"
    guest_command "disk cksum xvda" 120
    got=$(tr -d '\r' <"$GDIR/console.log" | sed -n 's/^xvda: cksum //p' | head -n 1)
    if [ "$got" != "$(cat "$GDIR/dom0-cksum-a")" ]; then
        bf_give_up "xvda's cksum is '$got', not dom0's"
        return
    fi
    guest_command "disk cksum xvdb" 60
    od -A x -t x1 -N 16 "$BF_DIR/a.img" >"$GDIR/dom0-od-a"
    guest_command "disk read xvda 0 1"
    guest_command "disk write xvda 100 $BF_TEXT"
    guest_command "disk write xvdb 0 must be refused"

    # A disk attached while the guest runs, then detached during a bench.
    bf_step attach-c xl block-attach "$GUEST" \
        "format=raw,vdev=xvdc,access=rw,target=$BF_DIR/c.img"
    guest_wait_text "blkfront: xvdc: connected" 1 30
    sleep 1
    cksum <"$BF_DIR/c.img" >"$GDIR/dom0-cksum-c"
    guest_command "disk cksum xvdc" 60
    guest_type 'disk bench xvdc 10000\r'
    sleep 1
    bf_step detach-c xl block-detach "$GUEST" xvdc
    guest_wait_text "blkfront: xvdc: removed" 1 30
    sleep 1
    guest_command "echo still here after detach"

    # The write, read back by dom0 once the disk is detached.
    bf_step detach-a xl block-detach "$GUEST" xvda
    guest_wait_text "xenbus: device/vbd/51712: removed by the toolstack" 1 30
    dd if="$BF_DIR/a.img" bs=512 skip=100 count=1 2>/dev/null |
        head -c ${#BF_TEXT} >"$GDIR/readback"
    cksum <"$BF_DIR/a.img" >"$GDIR/dom0-cksum-a2"
    bf_step attach-a xl block-attach "$GUEST" \
        "format=raw,vdev=xvda,access=rw,target=$BF_DIR/a.img"
    guest_wait_text "blkfront: xvda: connected" 2 30
    sleep 1
    guest_command "disk bench xvda" 120
    guest_command "disk"

    # xl save and restore, then a local migration, each while 40 passes
    # of cksum read the disk: every pass must give dom0's answer.
    guest_type 'disk cksum xvda all 40\r'
    sleep 1
    if xb_round_trip; then
        xl domid "$GUEST" >"$GDIR/domid_restored"
        guest_wait_text "xvda: cksum " 41 120
        guest_wait_text "blkfront: xvda: connected" 3 30
        sleep 1
        guest_command "disk"
        guest_type 'disk cksum xvda all 40\r'
        sleep 1
        if sr_migrate; then
            xl domid "$GUEST" >"$GDIR/domid_migrated"
            guest_wait_text "xvda: cksum " 81 120
            guest_wait_text "blkfront: xvda: connected" 4 30
            sleep 1
            guest_command "disk"
            xb_keep
            sr_end_migrated
            return
        fi
    fi
    xb_keep
    guest_type 'poweroff\r'
    guest_wait_end 30
}

blkfront_cases() {
    case_blkfront
}
