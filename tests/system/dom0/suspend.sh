# suspend.sh: the save/restore/migrate cases, sourced by suite.sh after
# lib.sh (busybox sh in dom0). Each case runs one guest through the real
# toolstack's xl save, xl restore, xl save -c or xl migrate, and leaves its
# notes in $OUT/CASE/ for tests/system/cases.sh.
#
# A guest that was saved and restored, or migrated, lives on in a new
# domain: a new domid, a new xl process watching it and a new console
# client. The helpers below re-attach all of that, appending the new
# domain's console output to the same console.log, so the case's log reads
# as one life.
#
# Save images live in dom0's RAM (tmpfs), next to every earlier case's
# results: one at a time, deleted at once, and of 8 MiB guests (a 16 MiB
# one's image did not always fit late in the suite).

SR_IMAGE=/tmp/tinypv-save.img
SR_MEMORY="memory=8"

# A suite that runs the cases once per platform sets IMAGE (the kernel to
# boot) and PREFIX (before each case name); without them: PV, no prefix.

# sr_wait_gone SECS: until the domain's old xl and console client are gone.
# Fails (leaving them) if the old xl is still there: the domain did not go.
sr_wait_gone() {
    n=$(($1 * 10))
    while [ -n "$XL_PID" ] && kill -0 "$XL_PID" 2>/dev/null; do
        n=$((n - 1))
        if [ "$n" -le 0 ]; then
            log "guest $GUEST: the old domain's xl is still there after $1 s"
            echo "old xl still there after $1 s" >>"$GDIR/error"
            return 1
        fi
        sleep 0.1
    done
    [ -n "$XL_PID" ] && wait "$XL_PID" 2>/dev/null
    exec 3>&-
    wait_until 10 sh -c "! kill -0 $CONSOLE_PID" || kill "$CONSOLE_PID" 2>/dev/null
    wait "$CONSOLE_PID" 2>/dev/null
    return 0
}

# sr_abandon WHY: a step failed; say so, end the domain, go on with the next case.
sr_abandon() {
    log "guest $GUEST: $1; destroying it"
    echo "$1" >>"$GDIR/error"
    xl list >>"$GDIR/error" 2>&1
    xl destroy "$GUEST" 2>/dev/null
    guest_wait_end 10
    rm -f "$SR_IMAGE"
}

# sr_wait_end_unwatched SECS: the end of a domain no xl watches any more
# (xl create -F stops watching once its domain has suspended, so after
# xl save -c nobody applies on_poweroff): wait for the shutdown, take the
# reason code from `xl list -v`, destroy the domain ourselves.
sr_wait_end_unwatched() {
    n=$(($1 * 10))
    while :; do
        xl list -v "$GUEST" >"$GDIR/xl_list" 2>&1
        code=$(awk 'NR == 2 && $5 ~ /s/ { print $8 }' "$GDIR/xl_list")
        [ -n "$code" ] && break
        n=$((n - 1))
        if [ "$n" -le 0 ]; then
            log "guest $GUEST: still running after $1 s, destroying it"
            code=timeout
            break
        fi
        sleep 0.1
    done
    xl destroy "$GUEST"
    echo "reason code from xl list -v: $code" >>"$GDIR/xl.log"
    case $code in
        0) echo poweroff ;; 1) echo reboot ;; 2) echo suspend ;;
        3) echo crash ;; timeout) echo timeout ;; *) echo "unknown ($code)" ;;
    esac >"$GDIR/reason"
    exec 3>&-
    wait_until 5 sh -c "! kill -0 $CONSOLE_PID" || kill "$CONSOLE_PID" 2>/dev/null
    log "guest $GUEST: shut down, reason $(cat "$GDIR/reason")"
}

# sr_attach: console client for the (new, paused) domain, then unpause.
sr_attach() {
    if ! wait_until 30 xl domid "$GUEST"; then
        echo "no domain $GUEST after $1" >>"$GDIR/error"
        return 1
    fi
    domid=$(xl domid "$GUEST")
    echo "$domid" >>"$GDIR/domids"
    rm -f "$GDIR/input"
    mkfifo "$GDIR/input"
    xenconsole --interactive --type pv "$domid" \
        <"$GDIR/input" >>"$GDIR/console.log" 2>>"$GDIR/console.err" &
    CONSOLE_PID=$!
    exec 3>"$GDIR/input"
    sleep 0.5
    xl unpause "$GUEST"
}

# sr_save: xl save, wait until the old domain is gone, time it.
sr_save() {
    free >>"$GDIR/save.log" 2>&1
    start=$(now_ms)
    xl save "$GUEST" "$SR_IMAGE" >>"$GDIR/save.log" 2>&1
    rc=$?
    echo "xl save exit $rc" >>"$GDIR/save.log"
    echo $(($(now_ms) - start)) >>"$GDIR/save_ms"
    if [ "$rc" -ne 0 ]; then
        # On the serial log too, in case the results never come back.
        log "guest $GUEST: xl save failed (exit $rc):"
        tail -n 8 "$GDIR/save.log"
        return 1
    fi
    ls -l "$SR_IMAGE" >>"$GDIR/save.log" 2>&1
    sr_wait_gone 30
}

# sr_restore: xl restore (paused, foreground like guest_start), attach.
# The old domain's xl log is kept aside: guest_wait_end reads the reason
# of the domain that ends the case from xl.log.
sr_restore() {
    n=$(($(cat "$GDIR/domids" 2>/dev/null | wc -l) + 1))
    mv "$GDIR/xl.log" "$GDIR/xl.before-restore-$n.log"
    xl restore -F -p "$SR_IMAGE" >"$GDIR/xl.log" 2>&1 &
    XL_PID=$!
    sr_attach "xl restore"
    rc=$?
    rm -f "$SR_IMAGE"
    return $rc
}

# sr_round_trip: save, restore, wait for the resume line number N.
sr_round_trip() {
    sr_save || { sr_abandon "xl save failed"; return 1; }
    sr_restore || { sr_abandon "xl restore failed"; return 1; }
    guest_wait_text "resume: restored in a new domain" "$1" 60
}

# sr_after N: the shell still answers, the N-th time (output tagged N).
sr_after() {
    guest_command "echo alive after $1" 30
    guest_command "xs read name" 30
    guest_command "sleep 1" 30
    guest_command "uptime" 30
    guest_command "date" 30
    date -u +%s >>"$GDIR/dom0_dates"
}

# xl save + xl restore; a line typed just before the save.
case_suspend_save_restore() {
    guest_start "${PREFIX:-}sr-save" "${IMAGE:-tinypv}" "" "$SR_MEMORY" || return
    guest_wait_text "tinypv> " 1 30
    guest_command "uptime"
    guest_command "xs ls control"
    guest_type 'echo typed before save\r'
    sr_round_trip 1 || return
    sr_after 1
    guest_command "stats"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# xl save -c: a checkpoint; the same domain carries on.
case_suspend_checkpoint() {
    guest_start "${PREFIX:-}sr-checkpoint" "${IMAGE:-tinypv}" "" "$SR_MEMORY" || return
    guest_wait_text "tinypv> " 1 30
    guest_command "uptime"
    xl save -c "$GUEST" "$SR_IMAGE" >"$GDIR/save.log" 2>&1
    rc=$?
    echo "xl save -c exit $rc" >>"$GDIR/save.log"
    rm -f "$SR_IMAGE"
    [ "$rc" -eq 0 ] || { log "guest $GUEST: xl save -c failed:"; tail -n 8 "$GDIR/save.log"; }
    guest_wait_text "resume: checkpoint resumed" 1 30
    xl domid "$GUEST" >"$GDIR/domid_after" 2>&1
    sr_after 1
    guest_command "stats"
    guest_type 'poweroff\r'
    sr_wait_end_unwatched 30
}

# sr_migrate: a local live migration (the receiver runs in this dom0), the
# old domain gone and the console re-attached to the new one; 1 if not.
sr_migrate() {
    xl migrate -s "" "$GUEST" "xl migrate-receive -p" >"$GDIR/migrate.log" 2>&1
    rc=$?
    echo "xl migrate exit $rc" >>"$GDIR/migrate.log"
    if [ "$rc" -ne 0 ]; then
        log "guest $GUEST: xl migrate failed (exit $rc):"
        tail -n 8 "$GDIR/migrate.log"
        return 1
    fi
    sr_wait_gone 30 || return 1
    # shellcheck disable=SC2034 # read by sr_wait_gone and sr_attach
    XL_PID=""
    sr_attach "xl migrate"
}

# sr_round_trip_with WAIT: xl save, then xl restore of a guest with
# devices: WAIT (their hotplug, which xl restore runs before the console)
# before the console client attaches (sr_attach). For xenbus.sh's disks
# and netfront.sh's vif.
# shellcheck disable=SC2034 # id: read by WAIT
sr_round_trip_with() {
    sr_save || { sr_abandon "xl save failed"; return 1; }
    n=$(($(wc -l <"$GDIR/domids" 2>/dev/null || echo 0) + 1))
    mv "$GDIR/xl.log" "$GDIR/xl.before-restore-$n.log"
    xl restore -F -p "$SR_IMAGE" >"$GDIR/xl.log" 2>&1 &
    XL_PID=$!
    wait_until 30 xl domid "$GUEST" && id=$(xl domid "$GUEST") && "$1"
    sr_attach "xl restore"
    rc=$?
    rm -f "$SR_IMAGE"
    [ "$rc" = 0 ] || { sr_abandon "xl restore failed"; return 1; }
    guest_wait_text "resume: restored in a new domain" 1 60
}

# sr_end_migrated: `poweroff` typed into a migrated guest. The receiving
# xl watches it as a daemon (no xl create -F to wait for): wait for the
# domain to go, then its log and shutdown reason as guest_wait_end keeps
# them.
sr_end_migrated() {
    guest_type 'poweroff\r'
    wait_until 30 sh -c "! xl domid $GUEST"
    sleep 1
    sr_wait_gone 5 || true
    mv "$GDIR/xl.log" "$GDIR/xl.before-migrate.log"
    cat /var/log/xen/xl-"$GUEST"*.log >"$GDIR/xl.log" 2>&1
    record_reason
    log "guest $GUEST: shut down, reason $(cat "$GDIR/reason")"
}

# A local live migration: the receiver runs in this dom0, no ssh.
case_suspend_migrate() {
    guest_start "${PREFIX:-}sr-migrate" "${IMAGE:-tinypv}" "" "$SR_MEMORY" || return
    guest_wait_text "tinypv> " 1 30
    guest_command "uptime"
    start=$(now_ms)
    xl migrate -s "" "$GUEST" "xl migrate-receive -p" >"$GDIR/migrate.log" 2>&1
    rc=$?
    echo "xl migrate exit $rc" >>"$GDIR/migrate.log"
    echo $(($(now_ms) - start)) >"$GDIR/migrate_ms"
    if [ "$rc" -ne 0 ]; then
        log "guest $GUEST: xl migrate failed (exit $rc):"
        tail -n 8 "$GDIR/migrate.log"
        sr_abandon "xl migrate failed"
        return
    fi
    sr_wait_gone 30 || { sr_abandon "the old domain stayed"; return; }
    # The receiving xl watches the new domain as a daemon, logging here.
    XL_PID=""
    sr_attach "xl migrate" || { sr_abandon "no migrated domain"; return; }
    guest_wait_text "resume: restored in a new domain" 1 60
    sr_after 1
    guest_command "stats"
    sr_end_migrated
}

# Three save/restore round trips in a row.
case_suspend_three() {
    guest_start "${PREFIX:-}sr-three" "${IMAGE:-tinypv}" "" "$SR_MEMORY" || return
    guest_wait_text "tinypv> " 1 30
    guest_command "uptime"
    for i in 1 2 3; do
        sr_round_trip "$i" || return
        sr_after "$i"
    done
    guest_command "stats"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# xl save in the middle of a 1 MiB output burst: no byte lost or doubled.
case_suspend_flood() {
    guest_start "${PREFIX:-}sr-flood" "${IMAGE:-tinypv}" "burst=1M" "$SR_MEMORY" || return
    guest_wait_text "burst: begin" 1 30
    sleep 2
    sr_round_trip 1 || return
    guest_wait_text "tinypv> " 1 120
    burst_cksum
    sr_after 1
    guest_type 'poweroff\r'
    guest_wait_end 30
}

suspend_cases() {
    case_suspend_save_restore
    case_suspend_checkpoint
    case_suspend_migrate
    case_suspend_three
    case_suspend_flood
}
