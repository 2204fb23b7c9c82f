# shellcheck shell=sh disable=SC2034,SC2154,SC2129 # BEFORE_UNPAUSE and $id: lib.sh's guest_start
# xenbus.sh: the xenbus group (issue 18, part 2): tinypv's bus against
# dom0's real block backend (xen-blkback on a loop device, set up by the
# /etc/xen/scripts/block hotplug script). Sourced by suite.sh after lib.sh;
# the checks are cases.sh's check_xenbus.
#
# case_xenbus: one guest created with a disk (xvda, a 4 MiB file made
# here). Its vbd driver, blkfront, connects (blkfront.sh tests the disk
# itself); `xenbus` lists it, both ends Connected.
# Then, while the guest runs: `xl block-attach` of a second disk (xvdb,
# 51728): probed and listed; `xl block-detach` of it: the backend goes
# Closing, the frontend Closed, the toolstack removes the device and
# `xenbus` no longer lists it; `xl block-list` before and after, in
# block-list-attached and block-list-detached. The shell answers after
# each step (guest_command waits for the prompt). Then xl save and xl
# restore: in the new domain xvda is forgotten and probed again, its
# backend now under the new domid.
#
# case_xenbus_hostile: the same disk, but before the guest runs dom0
# rewrites device/vbd/51712/backend to dom0's own frontend directory,
# /local/domain/0/backend/vbd/0/51712 (another domain's): refused, once,
# with a message; `xenbus` lists it as refused; the shell still answers.

XB_DIR=/tmp/xenbus-disks
XB_VBD_A=51712      # xvda: (202 << 8) | (0 << 4)
XB_VBD_B=51728      # xvdb

xb_disks() {
    mkdir -p "$XB_DIR"
    [ -f "$XB_DIR/a.img" ] || dd if=/dev/urandom of="$XB_DIR/a.img" bs=1024 count=4096 2>/dev/null
    [ -f "$XB_DIR/b.img" ] || dd if=/dev/urandom of="$XB_DIR/b.img" bs=1024 count=2048 2>/dev/null
}

# xb_keep: the hotplug script's log and dom0's kernel messages, for a look.
xb_keep() {
    cp /var/log/xen/xen-hotplug.log "$GDIR/xen-hotplug.log" 2>/dev/null
    dmesg | tail -n 40 >"$GDIR/dmesg-tail.txt" 2>/dev/null
}

# BEFORE_UNPAUSE hook: libxl adds the console only after the disk's
# hotplug script has run; let it finish before the guest prints.
# xenconsole gives up at once if console/tty (xenconsoled's) is not there.
xb_wait_hotplug() {
    wait_until 40 sh -c "xenstore-read /local/domain/0/backend/vbd/$id/$XB_VBD_A/hotplug-status | grep -q connected"
    wait_until 20 xenstore-read "/local/domain/$id/console/tty"
}

# suspend.sh's sr_round_trip, waiting as xb_wait_hotplug does before the
# console client attaches (sr_attach): xl restore adds the disk first.
xb_round_trip() {
    sr_round_trip_with xb_wait_hotplug
}

case_xenbus() {
    xb_disks
    BEFORE_UNPAUSE=xb_wait_hotplug
    guest_start "${PREFIX}xenbus" "$IMAGE" "" \
        "disk=['format=raw,vdev=xvda,access=rw,target=$XB_DIR/a.img']"
    rc=$?
    BEFORE_UNPAUSE=""
    [ "$rc" = 0 ] || return
    guest_wait_text "tinypv> " 1 60
    guest_wait_text "blkfront: xvda: connected" 1 30
    sleep 1     # the prompt redrawn after the message
    guest_command "xenbus"
    xenstore-ls -f "/local/domain/0/backend/vbd/$(cat "$GDIR/domid")" \
        >"$GDIR/backend-nodes.txt" 2>&1

    echo "= attach" >>"$GDIR/xl-steps.log"
    timeout 60 xl block-attach "$GUEST" \
        "format=raw,vdev=xvdb,access=rw,target=$XB_DIR/b.img" \
        >>"$GDIR/xl-steps.log" 2>&1
    echo "exit $?" >>"$GDIR/xl-steps.log"
    guest_wait_text "blkfront: xvdb: connected" 1 30
    sleep 1
    guest_command "xenbus"
    xl block-list "$GUEST" >"$GDIR/block-list-attached" 2>&1

    echo "= detach" >>"$GDIR/xl-steps.log"
    timeout 60 xl block-detach "$GUEST" xvdb >>"$GDIR/xl-steps.log" 2>&1
    echo "exit $?" >>"$GDIR/xl-steps.log"
    guest_wait_text "xenbus: device/vbd/$XB_VBD_B: removed by the toolstack" 1 20
    sleep 1
    guest_command "xenbus"
    xl block-list "$GUEST" >"$GDIR/block-list-detached" 2>&1

    # A new domain: xvda's backend is now under the new domid.
    if xb_round_trip; then
        xl domid "$GUEST" >"$GDIR/domid_restored"
        guest_wait_text "blkfront: xvda: connected" 2 30
        sleep 1
        guest_command "xenbus"
    fi
    xb_keep
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# BEFORE_UNPAUSE hook: once the toolstack wrote the frontend's nodes,
# point backend at another domain's directory.
xb_hostile_backend() {
    xb_wait_hotplug
    node=/local/domain/$id/device/vbd/$XB_VBD_A
    wait_until 20 xenstore-read "$node/backend"
    xenstore-read "$node/backend" >"$GDIR/backend-before" 2>&1
    xenstore-write "$node/backend" "/local/domain/0/backend/vbd/0/$XB_VBD_A"
}

case_xenbus_hostile() {
    xb_disks
    BEFORE_UNPAUSE=xb_hostile_backend
    guest_start "${PREFIX}xenbus-hostile" "$IMAGE" "" \
        "disk=['format=raw,vdev=xvda,access=rw,target=$XB_DIR/a.img']"
    rc=$?
    BEFORE_UNPAUSE=""
    [ "$rc" = 0 ] || return
    guest_wait_text "tinypv> " 1 60
    guest_wait_text "xenbus: device/vbd/$XB_VBD_A: refused" 1 20
    sleep 1
    guest_command "xenbus"
    guest_command "echo still here"
    xb_keep
    guest_type 'poweroff\r'
    guest_wait_end 30
}

xenbus_cases() {
    case_xenbus
    case_xenbus_hostile
}
