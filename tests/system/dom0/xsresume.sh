# xsresume.sh: xenstore across a save and restore taken while a watch storm
# fills the guest's xenstore reply ring (issue 15, defect 3). Sourced by
# suite.sh after lib.sh, suspend.sh and hostile.sh (busybox sh in dom0).
#
# Once the guest has suspended it reads nothing more, and xenstored goes
# on writing the storm's watch events into the reply ring until it is
# full: the saved page holds up to 1024 unread bytes, the last message
# almost always cut short (xenstored writes what fits). What a restored
# guest then finds in its page depends on the toolstack:
#
#   PV, oxenstored     the page as saved: indices, unread bytes, cut message
#   PV, C xenstored    the saved bytes, but the four indices zeroed (the
#                      XS_INTRODUCE of the new domain resets the ring)
#   PVH                the whole page zeroed (libxc clears it on restore),
#                      and the indices zeroed again by the introduce
#
# The test bed runs C xenstored, so a guest that keeps the old stream
# (tinypv before the fix: xenstore_resume() only moved the page address)
# is never shown the old bytes here. The case therefore puts them back:
# `xl save -p` keeps the old domain (paused) after the save, its page is
# copied, and once the new domain exists (introduced, still paused) the
# copy's rings and indices are loaded into the new page, as oxenstored
# would have handed it back. Then the guest runs: its first xenstore
# traffic after the restore (setting its watches again, reading its domid)
# comes after the old, cut message. On PVH no toolstack hands the page
# back like that; the case runs there too, to show the guest does not
# depend on who cleared the page.
#
# Notes left in $GDIR for cases.sh: save.log, page.saved, hostile.log
# (the old page's indices, then the new page's as the toolstack handed it
# over), load.log (what the unread bytes held: "cut" is the window this
# case is about), storm_writes, xl_shutdown.log, shutdown_ms.

XSR_STOP=/tmp/xsr-storm.stop
XSR_PAIRS=20            # writes per xenstore-write call

# Before the guest runs: control/sysrq, empty, and the guest's own (a
# node dom0 creates is dom0's, and xenstored sends watch events only for
# nodes the watcher may read; `xl sysrq` gives it to the guest the same way).
xsr_nodes() {
    xenstore-write "/local/domain/$id/control/sysrq" ""
    xenstore chmod "/local/domain/$id/control/sysrq" "b$id"
}

# xsr_storm PATH: write "" to PATH, XSR_PAIRS times per call, until
# $XSR_STOP exists. Every write is one watch event for the guest's
# control/sysrq watch (an empty value asks for nothing: the guest reads it
# and carries on), about 50 bytes in its reply ring.
xsr_storm() {
    path=$1
    set --
    i=0
    while [ "$i" -lt "$XSR_PAIRS" ]; do
        set -- "$@" "$path" ""
        i=$((i + 1))
    done
    writes=0
    while [ ! -e "$XSR_STOP" ]; do
        xenstore-write "$@" 2>/dev/null || break
        writes=$((writes + XSR_PAIRS))
    done
    echo "$writes" >"$GDIR/storm_writes"
}

# xsr_unread DOMID: the bytes waiting in that domain's xenstore reply ring.
xsr_unread() {
    show=$("$HOSTILE" "$1" store show 2>/dev/null)
    prod=$(echo "$show" | sed -n 's/.*rsp_prod=\(0x[0-9a-f]*\).*/\1/p')
    cons=$(echo "$show" | sed -n 's/.*rsp_cons=\(0x[0-9a-f]*\).*/\1/p')
    [ -n "$prod" ] && [ -n "$cons" ] && echo $(( (prod - cons) & 0xffffffff ))
}

# xsr_restore_paused: xl restore -p, until the new domain is complete
# (introduced to xenstored, paused). xl logs "Waiting for domain ..." only
# once the restore is done.
xsr_restore_paused() {
    mv "$GDIR/xl.log" "$GDIR/xl.before-restore-1.log"
    xl restore -F -p "$SR_IMAGE" >"$GDIR/xl.log" 2>&1 &
    XL_PID=$!
    wait_until 60 grep -q "Waiting for domain" "$GDIR/xl.log"
}

case_xs_resume() {
    BEFORE_UNPAUSE=xsr_nodes
    guest_start "${PREFIX}xs-resume" "$IMAGE" "" "$SR_MEMORY"
    rc=$?
    BEFORE_UNPAUSE=""
    [ $rc -eq 0 ] || return
    guest_wait_text "tinypv> " 1 30
    guest_command "uptime"
    old=$id

    rm -f "$XSR_STOP"
    xsr_storm "/local/domain/$old/control/sysrq" &
    storm_pid=$!
    sleep 1
    xl save -p "$GUEST" "$SR_IMAGE" >"$GDIR/save.log" 2>&1
    rc=$?
    echo "xl save -p exit $rc" >>"$GDIR/save.log"
    # A short save may end before the storm has filled the ring (the
    # guest stopped reading at its suspend); a longer one would not. The
    # old domain stays paused: let the storm go on until its ring is full.
    n=100
    while [ "$rc" -eq 0 ] && [ "$n" -gt 0 ] &&
          [ "$(xsr_unread "$old")" != 1024 ]; do
        n=$((n - 1))
        sleep 0.2
    done
    echo "reply ring after the save: $(xsr_unread "$old") bytes unread" >>"$GDIR/save.log"
    touch "$XSR_STOP"
    wait "$storm_pid"
    rm -f "$XSR_STOP"
    if [ "$rc" -ne 0 ]; then
        sr_abandon "xl save -p failed"
        return
    fi

    # The old domain, paused with its suspend cancelled: its page as the
    # storm left it, then the domain goes.
    echo "+ old domain $old, after the save" >>"$GDIR/hostile.log"
    "$HOSTILE" "$old" store show >>"$GDIR/hostile.log" 2>&1
    "$HOSTILE" "$old" store save "$GDIR/page.saved" >>"$GDIR/hostile.log" 2>&1 ||
        echo "hostile store save failed" >>"$GDIR/error"
    xl destroy "$GUEST"
    sr_wait_gone 30 || { sr_abandon "the old domain stayed"; return; }

    if ! xsr_restore_paused; then
        sr_abandon "xl restore -p did not complete"
        return
    fi
    new=$(xl domid "$GUEST")
    echo "+ new domain $new, as the toolstack handed it over" >>"$GDIR/hostile.log"
    "$HOSTILE" "$new" store show >>"$GDIR/hostile.log" 2>&1
    "$HOSTILE" "$new" store load "$GDIR/page.saved" >"$GDIR/load.log" 2>&1 ||
        echo "hostile store load failed" >>"$GDIR/error"
    sr_attach "xl restore" || { sr_abandon "no restored domain"; return; }
    rm -f "$SR_IMAGE"
    guest_wait_text "resume: restored in a new domain" 1 60

    # xenstore answers, and the toolstack's shutdown request arrives.
    guest_command "xs read name" 30
    start=$(now_ms)
    timeout 40 xl shutdown -w "$GUEST" >"$GDIR/xl_shutdown.log" 2>&1
    echo "exit $?" >>"$GDIR/xl_shutdown.log"
    echo $(($(now_ms) - start)) >"$GDIR/shutdown_ms"
    guest_wait_end 30
}
