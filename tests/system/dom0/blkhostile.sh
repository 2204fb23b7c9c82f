# shellcheck shell=sh disable=SC2034,SC2154 # BEFORE_UNPAUSE and $id: lib.sh's guest_start
# blkhostile.sh: the blkhostile group (issue 18): a hostile block backend.
# dom0's real blkback serves tinypv's disks, and /tinypv/hostile (hostile.sh's
# program) maps a disk's ring page through its grant, as a backend does, and
# corrupts what blkback answers. Sourced by suite.sh after lib.sh and
# hostile.sh; the checks are cases.sh's check_blkhostile.
#
# case_blkhostile: one guest, three 1 MiB disks at create, one corruption
# each (so no disk is reused after it was shut down):
#   xvda  a response whose id is out of range (16: one past the last slot)
#   xvdb  a response with an unknown status (7)
#   xvdc  rsp_prod 0x10000 beyond what the guest asked for
# Each must be reported once, shut the disk down (the backend then closes
# and the bus removes it), and leave the rest working: the monitor answers,
# xenstore answers (`xs read name`), the other disks read right (xvdb's
# cksum equals dom0's after xvda went), and `xl shutdown` powers it off.
#
# The guest reads the ring only at an event, and only blkback can send one
# (it holds the port); blkback sends it after writing rsp_prod and its
# response. So for xvda and xvdb the program first moves rsp_event two
# ahead: blkback answers the next read without an event, the program
# rewrites that answer at leisure, and a second read (after ^C stops the
# first) brings blkback's event, with the forged answer in front of the
# real one. For xvdc, blkback writes rsp_prod itself at every answer, so
# the program keeps rewriting it (hostile hold) during a `disk cksum`; the
# guest sees a good value now and then, and a bad one soon after.

BH_DIR=/tmp/blkhostile-disks
BH_VBD_A=51712      # xvda
BH_VBD_B=51728      # xvdb
BH_VBD_C=51744      # xvdc

bh_disks() {
    mkdir -p "$BH_DIR"
    for d in a b c; do
        [ -f "$BH_DIR/$d.img" ] ||
            dd if=/dev/urandom of="$BH_DIR/$d.img" bs=1024 count=1024 2>/dev/null
    done
}

# BEFORE_UNPAUSE: the three disks' hotplug done, and the console's tty there.
bh_wait_hotplug() {
    for vbd in $BH_VBD_A $BH_VBD_B $BH_VBD_C; do
        wait_until 40 sh -c "xenstore-read /local/domain/0/backend/vbd/$id/$vbd/hotplug-status | grep -q connected"
    done
    wait_until 20 xenstore-read "/local/domain/$id/console/tty"
}

# bh_alive WHAT: the monitor and xenstore answer.
bh_alive() {
    guest_command "echo alive after $1"
    guest_command "xs read name"
}

# bh_forge DISK VBD FIELD=VALUE...: blkback's next answer on DISK rewritten
# before the guest sees it (see above), then the guest made to look.
bh_forge() {
    disk=$1 vbd=$2
    shift 2
    hostile "blkif/$vbd" show
    hostile "blkif/$vbd" set rsp_event=rsp_prod+2
    guest_type 'disk read %s 0 1\r' "$disk"
    hostile "blkif/$vbd" wait rsp_prod=rsp_event-1 30
    hostile "blkif/$vbd" forge "$@"
    # The read waits for an event that does not come: ^C ends it.
    guest_type '\003'
    guest_wait_text "disk: $disk: read at sector 0: interrupted" 1 20
    sleep 0.5
    guest_command "disk read $disk 0 1"
    guest_wait_text "blkfront: $disk: removed" 1 30
    sleep 0.5
}

# bh_hold DISK VBD: rsp_prod kept far ahead while DISK is read (at most
# three `disk cksum`s: the guest may look in the moment before the program
# has rewritten blkback's value, every time, in principle).
bh_hold() {
    disk=$1 vbd=$2
    echo "+ hostile blkif/$vbd hold rsp_prod+0x10000 300 (in the background)" >>"$GDIR/hostile.log"
    "$HOSTILE" "$(cat "$GDIR/domid")" "blkif/$vbd" hold rsp_prod+0x10000 300 \
        >>"$GDIR/hostile.log" 2>&1 &
    holder=$!
    sleep 0.5
    for try in 1 2 3; do
        guest_command "disk cksum $disk" 60
        [ "$(count_text "blkfront: $disk: the backend answered")" -gt 0 ] && break
    done
    echo "$try" >"$GDIR/hold_tries"
    if kill "$holder" 2>/dev/null && wait "$holder"; then
        echo "= done" >>"$GDIR/hostile.log"
    else
        echo "hostile blkif/$vbd hold failed or ended early" >>"$GDIR/error"
    fi
    guest_wait_text "blkfront: $disk: removed" 1 30
    sleep 0.5
}

case_blkhostile() {
    bh_disks
    BEFORE_UNPAUSE=bh_wait_hotplug
    guest_start "${PREFIX}blkhostile" "$IMAGE" "" \
        "disk=['format=raw,vdev=xvda,access=rw,target=$BH_DIR/a.img','format=raw,vdev=xvdb,access=rw,target=$BH_DIR/b.img','format=raw,vdev=xvdc,access=rw,target=$BH_DIR/c.img']"
    rc=$?
    BEFORE_UNPAUSE=""
    [ "$rc" = 0 ] || return
    guest_wait_text "tinypv> " 1 60
    guest_wait_text "blkfront: xvdc: connected" 1 30
    sleep 1     # the prompt redrawn after the messages
    cksum <"$BH_DIR/b.img" >"$GDIR/dom0-cksum-b"

    bh_forge xvda $BH_VBD_A id=16
    bh_alive xvda
    guest_command "disk cksum xvdb" 60
    bh_forge xvdb $BH_VBD_B status=7
    bh_alive xvdb
    bh_hold xvdc $BH_VBD_C
    bh_alive xvdc
    guest_command "disk"
    xb_keep

    timeout 30 xl shutdown -w "$GUEST" >"$GDIR/xl_shutdown.log" 2>&1
    echo $? >"$GDIR/xl_shutdown.rc"
    guest_wait_end 30
}

blkhostile_cases() {
    case_blkhostile
}
