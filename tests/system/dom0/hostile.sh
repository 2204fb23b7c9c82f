# hostile.sh: a hostile backend under the real Xen (sourced by suite.sh,
# after lib.sh). /tinypv/hostile (tests/system/dom0/hostile.c, built on the
# host) maps a live guest's console or xenstore page from dom0 and writes
# garbage into it; tests/system/cases.sh judges what the guest did.
#
# What the guest is expected to do, and what the cases can see:
#  - garbage bytes in the console's in ring are just input: the monitor
#    answers the next command;
#  - a corrupt console *input* ring is reported once, on the (still good)
#    output ring, and the guest carries on;
#  - a corrupt console *output* ring is reported once on Xen's debug
#    console, which a release Xen drops: so the cases check that the guest
#    never touched the page again (hostile compare), that its domain is not
#    crashed, and that `xl shutdown` (through xenstore) still powers it off;
#  - garbage messages with a sound frame are dropped, each with a message,
#    and xenstore goes on working;
#  - corrupt xenstore indices or a reply length over XENSTORE_PAYLOAD_MAX
#    make the guest give up on the xenstore ring, reported once; the monitor
#    keeps answering, and `xl destroy` ends the domain;
#  - a backend that keeps moving out_cons without ever catching up (and
#    rewrites out_prod) while the guest is told to power off: the guest's
#    last flush gives up after its bound (CONSOLE_FLUSH_TIMEOUT_MS, 10 s),
#    says how many bytes the backend had not taken, and the domain powers
#    off. This one runs on every platform (PV and PVH).

HOSTILE=/tinypv/hostile

# hostile RING ARGS...: run the program on the current guest's page; its
# output goes to hostile.log, a failure also to the case's error file.
hostile() {
    ring=$1
    shift
    echo "+ hostile $ring $*" >>"$GDIR/hostile.log"
    if ! "$HOSTILE" "$(cat "$GDIR/domid")" "$ring" "$@" >>"$GDIR/hostile.log" 2>&1; then
        echo "hostile $ring $* failed" >>"$GDIR/error"
        return 1
    fi
    echo "= done" >>"$GDIR/hostile.log"
}

# hostile_compare RING SAVED: what changed in the page since SAVED was
# taken, one line per region, into compare.SAVED (SAVED is page.SAVED).
hostile_compare() {
    "$HOSTILE" "$(cat "$GDIR/domid")" "$1" compare "$GDIR/page.$2" \
        >"$GDIR/compare.$2" 2>&1 || echo "hostile $1 compare $2 failed" >>"$GDIR/error"
}

# idle_cpu: the guest's CPU time over 3 s, after the corruption: a driver
# spinning on a ring it gave up on would show here.
idle_cpu() {
    guest_cpu_seconds >"$GDIR/cpu_before"
    sleep 3
    guest_cpu_seconds >"$GDIR/cpu_after"
}

# xl_state: the guest's state column in `xl list` (r, b, p, s, c, d).
xl_state() {
    xl list "$GUEST" 2>/dev/null | awk 'NR == 2 { print $5 }'
}

# guest_destroy: end the guest with xl destroy; records "destroyed".
guest_destroy() {
    xl destroy "$GUEST" >"$GDIR/xl_destroy.log" 2>&1
    echo $? >"$GDIR/xl_destroy.rc"
    guest_wait_end 30
    grep -q 'has been destroyed' "$GDIR/xl.log" && echo destroyed >"$GDIR/reason"
}

# case_hostile_console NAME IN_SET OUT_SET: garbage indices into the console
# page, first for the in ring, then for the out ring.
case_hostile_console() {
    name=$1 in_set=$2 out_set=$3
    guest_start "$name" tinypv "" || return
    guest_wait_text "tinypv> " 1 30
    # A canary in the page's unused tail, from now to the end.
    hostile console fill tail 0xa5
    hostile console save "$GDIR/page.start"
    guest_command "echo before the corruption"

    # In ring data: a full ring of pseudo-random bytes behind sound indices.
    # The line editor and the shell take whatever comes; afterwards ^C and
    # a command must still be answered.
    hostile console fill in random
    hostile console set in_prod=in_cons+1024
    xl sysrq "$name" t
    sleep 2
    guest_type '\003'
    guest_command "echo after garbage input"

    # In ring: xenconsoled sees it as screwed and stops writing into it. The
    # guest looks at the in ring after the next event: xenconsoled's
    # notification once it has drained the output of `xl sysrq t`.
    # shellcheck disable=SC2086 # the assignments are separate words
    hostile console set $in_set
    xl sysrq "$name" t
    guest_wait_text "console: input ring indices corrupt" 1 20
    guest_type 'echo typed into a corrupt ring\r'
    xl sysrq "$name" t
    guest_wait_text "sysrq: time" 3 20
    sleep 1

    # Out ring: the guest must stop using the page at its next write.
    # shellcheck disable=SC2086
    hostile console set $out_set
    hostile console save "$GDIR/page.corrupt"
    wc -c <"$GDIR/console.log" >"$GDIR/bytes.corrupt"
    xl sysrq "$name" t
    sleep 1
    xl sysrq "$name" h
    sleep 2
    hostile_compare console corrupt
    hostile_compare console start
    hostile console show
    xl_state >"$GDIR/state"
    idle_cpu

    # xenstore is untouched: the toolstack's poweroff request still works.
    timeout 30 xl shutdown -w "$name" >"$GDIR/xl_shutdown.log" 2>&1
    echo $? >"$GDIR/xl_shutdown.rc"
    guest_wait_end 30
}

# case_hostile_store_data: messages with a sound frame and garbage content,
# then a reply header whose len is garbage.
case_hostile_store_data() {
    guest_start hostile-store-data tinypv "" || return
    guest_wait_text "tinypv> " 1 30
    hostile store fill tail 0x5a
    hostile store save "$GDIR/page.start"
    guest_command "xs read name"

    # Each lands in front of the next answer: the guest reads it first.
    hostile store inject 15 0 4 'abcd'                # an event without NULs
    guest_command "xs read name"
    hostile store inject 2 4242 3 'xyz'               # nobody asked for it
    guest_command "xs read domid"
    hostile store inject 0xdeadbeef 7 6 'x\0y\0z\0'   # no such type
    guest_command "xs write data/garbage survived"
    xenstore-read "/local/domain/$(cat "$GDIR/domid")/data/garbage" \
        >"$GDIR/dom0_data" 2>&1

    # A length beyond XENSTORE_PAYLOAD_MAX: the stream cannot be trusted.
    hostile store inject 2 0 0xfffffff0
    guest_command "xs read name"
    guest_command "xs read name"
    guest_command "echo monitor still answers"
    hostile_compare store start
    xl_state >"$GDIR/state"
    idle_cpu

    # The guest no longer reads xenstore, so it cannot see this request.
    timeout 5 xl shutdown -w hostile-store-data >"$GDIR/xl_shutdown.log" 2>&1
    echo $? >"$GDIR/xl_shutdown.rc"
    guest_command "echo still here after xl shutdown"
    guest_destroy
}

# case_hostile_store_index NAME SET: garbage indices into the xenstore page.
case_hostile_store_index() {
    name=$1 set=$2
    guest_start "$name" tinypv "" || return
    guest_wait_text "tinypv> " 1 30
    hostile store fill tail 0x5a
    hostile store save "$GDIR/page.start"
    guest_command "xs read name"
    # shellcheck disable=SC2086
    hostile store set $set
    hostile store save "$GDIR/page.corrupt"
    guest_command "xs read name"
    guest_command "xs read name"
    guest_command "echo monitor still answers"
    xl sysrq "$name" t
    sleep 1
    hostile_compare store corrupt
    hostile_compare store start
    xl_state >"$GDIR/state"
    idle_cpu

    timeout 5 xl shutdown -w "$name" >"$GDIR/xl_shutdown.log" 2>&1
    echo $? >"$GDIR/xl_shutdown.rc"
    guest_command "echo still here after xl shutdown"
    guest_destroy
}

# case_hostile_flush: `xl shutdown` while dom0 keeps the out ring from
# ever looking drained. xenconsoled is stopped for the while, so that only
# the churn moves out_cons (xenconsoled's drains would let the old flush
# see an empty ring now and then); the churn keeps what the guest writes
# meanwhile (churn.out), since nobody else reads it. Before issue 15 the
# flush restarted its bound at every move of out_cons and the domain never
# shut down: the case destroys it after FLUSH_WAIT s.
FLUSH_WAIT=25
case_hostile_flush() {
    local xcpid churn start n
    guest_start "${PREFIX}hostile-flush" "$IMAGE" "" || return
    guest_wait_text "tinypv> " 1 30
    guest_command "echo before the churn"
    xcpid=$(cat /run/xen/xenconsoled.pid)
    kill -STOP "$xcpid"
    echo "+ hostile console churn 60 50 churn.out" >>"$GDIR/hostile.log"
    "$HOSTILE" "$(cat "$GDIR/domid")" console churn 60 50 "$GDIR/churn.out" \
        >>"$GDIR/hostile.log" 2>&1 &
    churn=$!
    sleep 1
    start=$(now_ms)
    timeout 10 xl shutdown "$GUEST" >"$GDIR/xl_shutdown.log" 2>&1
    echo $? >"$GDIR/xl_shutdown.rc"
    n=$((FLUSH_WAIT * 10))
    while kill -0 "$XL_PID" 2>/dev/null && [ "$n" -gt 0 ]; do
        sleep 0.1
        n=$((n - 1))
    done
    echo $(($(now_ms) - start)) >"$GDIR/shutdown_ms"
    if kill -0 "$XL_PID" 2>/dev/null; then
        log "guest $GUEST: still running $FLUSH_WAIT s after xl shutdown, destroying it"
        xl destroy "$GUEST"
        echo timeout >"$GDIR/reason"
    fi
    if kill "$churn" 2>/dev/null && wait "$churn"; then
        echo "= done" >>"$GDIR/hostile.log"
    else
        echo "hostile console churn failed or ended early" >>"$GDIR/error"
    fi
    kill -CONT "$xcpid"
    guest_wait_end 10
}

hostile_cases() {
    # prod far ahead of cons / cons ahead of prod; huge values. For the out
    # ring it is out_cons that goes bad: the guest never reads back out_prod
    # (its own index), so garbage there would change nothing.
    case_hostile_console hostile-console \
        "in_cons=in_prod+100" "out_cons=out_prod-65536"
    case_hostile_console hostile-console-huge \
        "in_prod=0xffffff00 in_cons=0x10" "out_cons=out_prod+1"
    case_hostile_store_data
    # the guest's own index of the reply ring (xenstored checks it too)
    case_hostile_store_index hostile-store-rsp "rsp_cons=rsp_prod+4096"
    # the request ring: as for the console's out ring, it is xenstored's
    # index that goes bad: the guest keeps its own req_prod and never reads
    # the page's back, so garbage there would change nothing for it
    case_hostile_store_index hostile-store-req "req_cons=req_prod+0x80000000"
}
