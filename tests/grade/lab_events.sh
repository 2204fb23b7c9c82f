# shellcheck shell=bash disable=SC2034 # LAB_*: read by tests/grade/grade
# lab_events.sh: the grader of lab events (docs/labs/events.md), sourced by
# tests/grade/grade. The boot is the system suite's groups "boot" (typed
# commands: dom0/suite.sh's case_boot_notes), "evflood" (typing and a sleep
# while dom0 floods 16 ports: dom0/evflood.sh) and "xlshutdown" (xl sysrq
# and xl shutdown, which reach the kernel through the xenstore port:
# case_toolstack), all on PV; the checks are those of tests/system/cases.sh
# (check_boot_notes, check_evflood, check_toolstack), with points.

LAB_CASES["events"]="boot evflood xlshutdown"
LAB_HANDOUT["events"]="docs/labs/events.md"

# stats_read_all_typed: the `stats` of boot-notes counts as console input
# every byte dom0 had typed up to and including "stats\r" (dom0 waits for
# each prompt before it types on, so nothing later can be in the count).
stats_read_all_typed() {
    local typed got
    typed=$(python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
i = d.find(b"stats\r")
print(i + 6 if i >= 0 else -1)' "$CASE_DIR/typed" 2>/dev/null)
    got=$(sed -n 's/^console input: \([0-9]*\) bytes.*/\1/p' "$CASE_DIR/console.txt" | head -n 1)
    if [ -n "$got" ] && [ "$got" = "$typed" ]; then
        pass "stats: the console read the $typed bytes typed before it"
    else
        fail "stats: the console read the ${typed:-?} bytes typed before it (it says '${got}')"
    fi
}

# evtchn_counted NAME: the `evtchn` table lists port NAME with events.
evtchn_counted() {
    local n
    n=$(awk '$0 == "tinypv> evtchn" { on = 1; next }
        on && /^tinypv> / { exit }
        on && $2 == name { print $3; exit }' name="$1" "$CASE_DIR/console.txt")
    if [ -n "$n" ] && [ "$n" -ge 1 ]; then
        pass "evtchn: port '$1' counted $n events"
    else
        fail "evtchn: port '$1' counted events (got '$n')"
    fi
}

# evflood_ok: the evflood case got as far as the flood (the guest took
# `evtchn listen 0 16`, typed at its prompt).
evflood_ok() {
    if [ -f "$CASE_DIR/error" ]; then
        fail "evflood: $(cat "$CASE_DIR/error")"
    else
        pass "evflood: the guest offered its ports and the flood ran"
    fi
}

# evflood_uptimes: the two uptimes around `sleep 1` are 1 to 3 s apart
# (check_evflood's test): the timer's VIRQ reached its handler meanwhile.
evflood_uptimes() {
    local ups
    ups=$(sed -n 's/^up \([0-9]*\.[0-9]*\) s$/\1/p' "$CASE_DIR/console.txt" | head -n 2 | tr '\n' ' ')
    if awk -v u="$ups" 'BEGIN { n = split(u, a, " "); d = a[2] - a[1]; exit !(n == 2 && d >= 0.95 && d <= 3) }'; then
        pass "sleep 1 during the flood: uptime $ups"
    else
        fail "sleep 1 during the flood: uptime '$ups' (1-3 s apart wanted)"
    fi
}

# evflood_served_and_held: the listening ports' events were counted, and
# the budget masked them for the main loop (the table's held column).
evflood_served_and_held() {
    local events held
    events=$(awk '$2 == "listen" { n += $3 } END { print n + 0 }' "$CASE_DIR/console.txt")
    held=$(awk '$2 == "listen" { n += $6 } END { print n + 0 }' "$CASE_DIR/console.txt")
    if [ "$events" -ge 1 ] && [ "$held" -ge 1 ]; then
        pass "evtchn: $events events served on the flooded ports, held $held times"
    else
        fail "evtchn: events served on the flooded ports ('$events') and held ('$held')"
    fi
}

grade_events() {
    set_platform pv
    grade_case boot-notes
    check 10 "a typed command reaches the monitor (event dispatched, in ring read)" \
        after_prompt "echo hello world" "hello world"
    check 10 "every command typed at the boot is answered" \
        all_of after_prompt "help" "poweroff [CODE]" \
        -- after_prompt "frobnicate" "unknown command 'frobnicate' (try 'help')" \
        -- after_prompt "poweroff 9" "usage: poweroff [CODE]"
    check 10 "stats: every byte typed was read from the ring" \
        stats_read_all_typed
    check 10 "evtchn: the console port's events are counted" \
        evtchn_counted console
    check 10 "poweroff typed at the prompt: the guest powers off" \
        all_of last_line_is "tinypv: shutting down (reason: poweroff)" -- reason_is poweroff
    grade_case evflood
    check 10 "typed echos while dom0 floods 16 ports" \
        all_of evflood_ok -- flood_step echo1 "a typed echo" 10000 \
        -- after_prompt "echo during the flood 1" "during the flood 1" \
        -- flood_step echo2 "a second typed echo" 10000 \
        -- after_prompt "echo during the flood 2" "during the flood 2"
    check 10 "sleep 1 during the flood: the timer's event gets through" \
        all_of evflood_ok -- flood_step sleep "uptime, sleep 1, uptime" 15000 -- evflood_uptimes
    check 10 "the flooded ports are served, and held for the main loop" \
        all_of evflood_ok -- evflood_served_and_held
    check 10 "xl shutdown -w during the flood" \
        all_of evflood_ok -- flood_step shutdown "xl shutdown -w" 20000 -- reason_is poweroff
    grade_case xl-shutdown
    check 10 "xl sysrq: the xenstore port's events reach the kernel" \
        all_of has_re '^sysrq: time [0-9]{4}-[0-9]{2}-[0-9]{2}T' "xl sysrq t prints the time" \
        -- has "sysrq: h help, t time and statistics, c crash"
}
