# lib.sh: running one tinypv guest at a time under the real toolstack,
# from inside the test bed's dom0 (busybox sh). Sourced by the suites.
#
# A guest's life, as a test sees it:
#
#   guest_start NAME IMAGE EXTRA   xl create -p -F (paused, xl stays in the
#                                  foreground to report the shutdown reason),
#                                  attach xenconsole to a FIFO for input and a
#                                  file for output, then xl unpause: nothing
#                                  the guest prints is missed
#   guest_type TEXT                type into the console (printf format)
#   guest_wait_text PATTERN N SECS wait until PATTERN has appeared N times
#   guest_wait_end SECS            wait for the domain to shut down; writes
#                                  the reason (poweroff, reboot, crash, ...)
#
# Everything about guest NAME lands in $OUT/NAME/: console.log (the bytes
# xenconsoled delivered), xl.log, reason, and notes from the test.

CONFIG=/tinypv/domain_config
GUEST=""            # the current guest's name
GDIR=""             # and its result directory
XL_PID=""
CONSOLE_PID=""
STUDENT_WAIT=15     # s, the longest wait of a student pass (guest_wait_text)

# Each line starts with dom0's uptime: where a boot's time goes.
log() {
    read -r up _ </proc/uptime
    echo "suite: [$up] $*"
}

# now_ms: milliseconds since dom0 booted (/proc/uptime has hundredths).
now_ms() {
    read -r up _ </proc/uptime
    echo $((${up%.*} * 1000 + 1${up#*.}0 - 1000))
}

# wait_until SECS COMMAND...: poll every 0.1 s; fails after SECS.
wait_until() {
    n=$(($1 * 10))
    shift
    while ! "$@" >/dev/null 2>&1; do
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        sleep 0.1
    done
}

# THROTTLE=1 guest_start ...: dom0 reads this guest's console slowly, and
# xenconsoled (restarted with --overflow-data=keep and a 4 KiB console/limit
# for the domain) stops draining the ring while its buffer is full, so the
# guest's ring stays full most of the time.
THROTTLE=0

# BEFORE_UNPAUSE=FUNCTION guest_start ...: run FUNCTION (with $id set to
# the new domain's id) while the domain is still paused.
BEFORE_UNPAUSE=""

# throttle: copy stdin to stdout, 4 KiB at a time with a pause in between:
# at most 80 KiB/s (seen: 35 KiB/s in the emulated dom0), well under what
# the slowest guest writes (PVH under TCG, ~150 KiB/s), so the writer is
# always ahead of the reader and the check on full-ring waits (cases.sh)
# is not a race between the two.
throttle() {
    while dd bs=4096 count=1 2>"$GDIR/throttle.err"; do
        grep -q '^0+0 records in' "$GDIR/throttle.err" && break
        sleep 0.05
    done
}

restart_xenconsoled() {
    kill "$(cat /run/xen/xenconsoled.pid)" 2>/dev/null
    wait_until 10 sh -c "! pidof xenconsoled"
    xenconsoled --pid-file=/run/xen/xenconsoled.pid --log=none "$@"
    wait_until 10 pidof xenconsoled
}

# guest_start NAME IMAGE EXTRA [XL_OPTION...]
guest_start() {
    GUEST=$1
    # A student pass (suite.sh's STUDENTS): every guest carries the lab's
    # prefix, also a case that names itself without one.
    case ${PREFIX:-} in
        student-*) case $1 in "$PREFIX"*) ;; *) GUEST=$PREFIX$1 ;; esac ;;
    esac
    GDIR=$OUT/$GUEST
    image=$2
    extra=$3
    shift 3
    mkdir -p "$GDIR"
    log "guest $GUEST: $image, extra='$extra'"

    [ "$THROTTLE" = 1 ] && kill "$(cat /run/xen/xenconsoled.pid)"
    xl create -p -F "$CONFIG" "kernel=\"/tinypv/$image\"" "name=\"$GUEST\"" \
        "extra=\"$extra\"" 'on_reboot="destroy"' "$@" >"$GDIR/xl.log" 2>&1 &
    XL_PID=$!
    if ! wait_until 30 xl domid "$GUEST"; then
        echo "xl create did not produce a domain" >"$GDIR/error"
        cat "$GDIR/xl.log"
        return 1
    fi
    xl domid "$GUEST" >"$GDIR/domid"
    id=$(cat "$GDIR/domid")
    [ -n "$BEFORE_UNPAUSE" ] && "$BEFORE_UNPAUSE"
    if [ "$THROTTLE" = 1 ]; then
        # xenconsoled reads console/limit when it first sees the domain.
        xenstore-write "/local/domain/$(cat "$GDIR/domid")/console/limit" 4096
        restart_xenconsoled --overflow-data=keep
        wait_until 10 xenstore-read "/local/domain/$(cat "$GDIR/domid")/console/tty"
    fi

    # The console client reads keystrokes from a FIFO; fd 3 holds its write
    # end open for the guest's whole life (EOF would end the client).
    rm -f "$GDIR/input"
    mkfifo "$GDIR/input"
    if [ "$THROTTLE" = 1 ]; then
        xenconsole --interactive --type pv "$(cat "$GDIR/domid")" \
            <"$GDIR/input" 2>"$GDIR/console.err" | throttle >"$GDIR/console.log" &
    else
        xenconsole --interactive --type pv "$(cat "$GDIR/domid")" \
            <"$GDIR/input" >"$GDIR/console.log" 2>"$GDIR/console.err" &
    fi
    CONSOLE_PID=$!
    exec 3>"$GDIR/input"
    sleep 0.5           # let xenconsole attach before the first byte
    now_ms >"$GDIR/start_ms"
    xl unpause "$GUEST"
}

# guest_type FORMAT [ARGS...]: printf into the console (\r is Enter).
# Every byte typed is also kept in $GDIR/typed, so a check can count what
# the guest was given instead of assuming what a case types.
guest_type() {
    # shellcheck disable=SC2059 # the format is the point
    printf "$@" | tee -a "$GDIR/typed" >&3
}

# guest_type_file FILE: send a file's bytes in one go.
guest_type_file() {
    tee -a "$GDIR/typed" <"$1" >&3
}

# typed_bytes: how many bytes were typed into this guest so far.
typed_bytes() {
    wc -c <"$GDIR/typed" 2>/dev/null || echo 0
}

# count_text PATTERN: how many console lines contain PATTERN (fixed string).
count_text() {
    grep -a -c -F -- "$1" "$GDIR/console.log" 2>/dev/null || true
}

# guest_wait_text PATTERN N SECS: until PATTERN is on N lines of the console.
guest_wait_text() {
    pattern=$1 want=$2 secs=$3
    # A student pass (tests/grade/selftest) only has to show the student
    # tree failing: no wait longer than STUDENT_WAIT there. A solved
    # tree's guest answers in a few seconds even under emulation.
    case ${PREFIX:-} in
        student-*) [ "$secs" -le "$STUDENT_WAIT" ] || secs=$STUDENT_WAIT ;;
    esac
    n=$((secs * 10))
    while [ "$(count_text "$pattern")" -lt "$want" ]; do
        n=$((n - 1))
        if [ "$n" -le 0 ]; then
            log "guest $GUEST: timed out waiting for '$pattern' x$want"
            echo "waited $secs s for '$pattern' x$want" >>"$GDIR/timeouts"
            return 1
        fi
        sleep 0.1
    done
}

# guest_command TEXT [SECS]: type a command and wait for the next prompt.
# A guest that has already missed its prompt once gets 2 s: it has failed,
# and a student tree (tests/grade) that prints nothing must not cost minutes.
guest_command() {
    prompts=$(count_text "tinypv> ")
    guest_type '%s\r' "$1"
    secs=${2:-20}
    grep -q "for 'tinypv> '" "$GDIR/timeouts" 2>/dev/null && secs=2
    guest_wait_text "tinypv> " $((prompts + 1)) "$secs"
}

# guest_secs SECS: SECS, or 2 once this guest has missed something it was
# waited for (a line in $GDIR/timeouts): it has failed, and a student tree
# that never answers (tests/grade) must not cost a full limit per step.
guest_secs() {
    if [ -s "$GDIR/timeouts" ]; then echo 2; else echo "$1"; fi
}

# guest_cpu_seconds: the domain's CPU time, to the microsecond from
# dom0/cputime.c, or else to the tenth of a second as `xl list` shows it.
guest_cpu_seconds() {
    [ -x /tinypv/cputime ] && /tinypv/cputime "$(xl domid "$GUEST")" 2>/dev/null && return
    xl list "$GUEST" | awk 'NR == 2 { print $6 }'
}

# guest_wait_end SECS: wait for the domain to go; record why it went.
# A guest that has missed a wait already gets 5 s (see guest_secs).
guest_wait_end() {
    secs=$1
    [ -s "$GDIR/timeouts" ] && [ "$secs" -gt 5 ] && secs=5
    n=$((secs * 10))
    while kill -0 "$XL_PID" 2>/dev/null; do
        n=$((n - 1))
        if [ "$n" -le 0 ]; then
            log "guest $GUEST: still running after $secs s, destroying it"
            xl destroy "$GUEST"
            echo timeout >"$GDIR/reason"
            break
        fi
        sleep 0.1
    done
    now_ms >"$GDIR/end_ms"
    wait "$XL_PID" 2>/dev/null
    exec 3>&-
    # The console client ends by itself once xenconsoled drops the domain.
    wait_until 5 sh -c "! kill -0 $CONSOLE_PID" || kill "$CONSOLE_PID" 2>/dev/null
    [ -f "$GDIR/reason" ] || record_reason
    log "guest $GUEST: shut down, reason $(cat "$GDIR/reason")"
}

# xl -F prints "Domain N has shut down, reason code R 0xR".
record_reason() {
    code=$(sed -n 's/.*has shut down, reason code \([0-9]*\).*/\1/p' "$GDIR/xl.log" | head -n 1)
    case $code in
        0) echo poweroff ;;
        1) echo reboot ;;
        2) echo suspend ;;
        3) echo crash ;;
        4) echo watchdog ;;
        *) echo "unknown" ;;
    esac >"$GDIR/reason"
}

# burst_cksum: cksum of what dom0 received between the burst markers.
burst_cksum() {
    sed -n '/^burst: begin/,/^burst: end/p' "$GDIR/console.log" \
        | sed '1d;$d' | cksum >"$GDIR/burst.dom0"
}
