# balloon.sh: xl mem-set and the balloon (issue 17, item 5), sourced by
# suite.sh after lib.sh and suspend.sh (whose sr_* helpers it uses); the
# group "balloon" runs it on both platforms.
#
# One guest of 32 MiB lives through it all, and memtest runs after every
# change:
#
#   xl mem-set 16, then 32           xl list follows within seconds
#   xl mem-set 16, xl save/restore   the P2M (PV) has holes in the image
#   xl migrate (local)               ... and in the stream
#   four hostile memory/target       garbage, -5, 99999999999999, empty:
#     values (xenstore-write)        refused, one message each
#   xl mem-set 1                     below the floor: stops at the floor
#   xl mem-set 32                    all of it back
#   memory/target = 65536            above the cap (the frames there are,
#                                    Xen's maximum): capped
#
# Each step leaves in $OUT/CASE/: mem_STEP (what xl list showed when it was
# reached, MiB), mem_STEP_ms (how long after the request), and the logs of
# xl mem-set, save and migrate.

BL_MEMORY="memory=32"

# bl_xl_mem: the domain's memory as `xl list` shows it, in MiB.
bl_xl_mem() {
    xl list "$GUEST" 2>/dev/null | awk 'NR == 2 { print $3 }'
}

# bl_settle STEP MIB SECS: poll xl list until it shows MIB (or SECS pass);
# then the guest's own end-of-change line; note both.
bl_settle() {
    step=$1 want=$2 start=$(now_ms) n=$(($3 * 10))
    while [ "$(bl_xl_mem)" != "$want" ] && [ "$n" -gt 0 ]; do
        n=$((n - 1))
        sleep 0.1
    done
    echo $(($(now_ms) - start)) >"$GDIR/mem_${step}_ms"
    bl_xl_mem >"$GDIR/mem_$step"
    xl list "$GUEST" >>"$GDIR/xl-list.txt" 2>&1
}

# bl_wait_end_line N: the N-th "balloon: done" or "balloon: stopped" line,
# then a moment for the prompt the monitor draws again after it.
bl_wait_end_line() {
    n=$1
    i=0
    while [ $(($(count_text "balloon: done") + $(count_text "balloon: stopped"))) -lt "$n" ]; do
        i=$((i + 1))
        if [ $i -gt 600 ]; then
            echo "waited 60 s for balloon end line x$n" >>"$GDIR/timeouts"
            break
        fi
        sleep 0.1
    done
    sleep 1
}

# bl_ends: how many change-end lines the console has now.
bl_ends() {
    echo $(($(count_text "balloon: done") + $(count_text "balloon: stopped")))
}

# bl_mem_set STEP MIB: xl mem-set as a user types it; wait for xl list to
# show MIB and for the guest's end line. With MIB's suffix "-floor" only
# the end line is awaited (the guest stops above the target).
bl_mem_set() {
    ends=$(bl_ends)
    mib=${2%-floor}
    {
        echo "+ xl mem-set $GUEST $mib"
        xl mem-set "$GUEST" "$mib" 2>&1
        echo "exit $?"
    } >>"$GDIR/mem-set.log"
    if [ "$mib" = "$2" ]; then
        bl_settle "$1" "$mib" 30
        bl_wait_end_line $((ends + 1))
    else
        start=$(now_ms)
        bl_wait_end_line $((ends + 1))
        echo $(($(now_ms) - start)) >"$GDIR/mem_${1}_ms"
        bl_xl_mem >"$GDIR/mem_$1"
        xl list "$GUEST" >>"$GDIR/xl-list.txt" 2>&1
    fi
}

# bl_target VALUE: write memory/target as any dom0 process could.
bl_target() {
    xenstore-write -- "/local/domain/$(xl domid "$GUEST")/memory/target" "$1"
}

case_balloon() {
    guest_start "${PREFIX}balloon" "$IMAGE" "" "$BL_MEMORY" || return
    guest_wait_text "tinypv> " 1 60
    bl_xl_mem >"$GDIR/mem_boot"
    guest_command "mem"

    bl_mem_set down 16
    guest_command "mem"
    guest_command "memtest" 180
    bl_mem_set up 32
    guest_command "memtest" 180

    # Holes in the P2M through xl save / xl restore, then xl migrate.
    bl_mem_set down2 16
    sr_round_trip 1 || return
    bl_settle restored 16 10
    guest_command "mem"
    guest_command "memtest" 180
    if ! sr_migrate; then
        sr_abandon "xl migrate failed"
        return
    fi
    guest_wait_text "resume: restored in a new domain" 2 60
    bl_settle migrated 16 10
    guest_command "memtest" 180

    # Hostile values: refused, one message each; the kernel carries on.
    # (Not n: guest_wait_text counts down its own n.)
    refusals=0
    for v in garbage -5 99999999999999 ""; do
        refusals=$((refusals + 1))
        bl_target "$v"
        guest_wait_text "balloon: memory/target = " "$refusals" 20
    done
    sleep 1
    guest_command "echo alive after hostile targets"
    bl_xl_mem >"$GDIR/mem_hostile"

    # Below the floor: libxl allows 1 MiB; the guest stops at its floor.
    bl_mem_set floor 1-floor
    guest_command "mem"
    guest_command "memtest" 180

    bl_mem_set back 32
    guest_command "memtest" 180
    # Above the cap: Xen's maximum is 33 MiB now, the frames 32: capped.
    bl_target 65536
    guest_wait_text "is above what the domain can have" 1 20
    sleep 2
    bl_xl_mem >"$GDIR/mem_capped"
    guest_command "echo alive after the cap"
    guest_command "stats"
    sr_end_migrated
}

# case_balloon_maxmem: a domain created with less than its maximum
# (memory=16, maxmem=32) grows past its boot size. The frames between
# the boot RAM and the maximum are known to the kernel from boot on
# (away, with no memory behind them), and xl mem-set 32 fills them:
#
#   boot (16 MiB of 32)          the balloon states the cap: 32 MiB
#   xl mem-set 32, memtest       grown past the boot size, all usable
#   xl mem-set 16, then 32       down and back
#   xl save / xl restore         the grown P2M (PV) through the stream
#   xl migrate (local)           ... and through a live migration
#   memtest                      after each, still all there
BL_MAXMEM="memory=16"

case_balloon_maxmem() {
    guest_start "${PREFIX}balloon-maxmem" "$IMAGE" "" "$BL_MAXMEM" \
        "maxmem=32" || return
    guest_wait_text "tinypv> " 1 60
    bl_xl_mem >"$GDIR/mem_boot"
    guest_command "mem"
    bl_mem_set grow 32
    guest_command "mem"
    guest_command "memtest" 180
    bl_mem_set shrink 16
    bl_mem_set regrow 32
    sr_round_trip 1 || return
    bl_settle restored 32 10
    guest_command "mem"
    guest_command "memtest" 180
    if ! sr_migrate; then
        sr_abandon "xl migrate failed"
        return
    fi
    guest_wait_text "resume: restored in a new domain" 2 60
    bl_settle migrated 32 10
    guest_command "memtest" 180
    guest_command "stats"
    sr_end_migrated
}
