# shellcheck shell=sh disable=SC2034,SC2154 # BEFORE_UNPAUSE and $id: lib.sh's guest_start
# netfront.sh: the netfront group (issue 19): tinypv's network frontend
# and tiny IPv4 stack against dom0's real netback. No bridge: the vif's
# hotplug script is ours (tools/testbed/vif-tinypv): dom0's side of the
# vif is 169.254.0.1, the guest's address is routed to the vif.
# Link-local addresses only; the test bed's QEMU has no network device,
# so nothing sent here can leave the emulated machine. Sourced by
# suite.sh after lib.sh and suspend.sh (sr_save, sr_attach, sr_migrate);
# the checks are cases.sh's check_netfront.
#
# case_netfront: one guest with one vif (the PV guest takes its address
# from the command line, ip=, the PVH guest from the toolstack's ip in
# xenstore). Then, from dom0:
#   - 10 s idle with the vif connected: the guest's CPU time moves by
#     0.1 s at most (guest_cpu_seconds: dom0/cputime.c)
#   - ping -c 25 at each of 8 sizes from 0 to 1472 bytes (200 pings):
#     0% loss; then 25 at each size again from dom0/pingcheck.c, which
#     compares each reply's payload byte for byte with the request's
#   - a flood: ping -A (the next as soon as the answer is in) for 10 s,
#     and meanwhile a command typed at the monitor, answered
#   - 1 MiB to UDP port 7 (dom0/udpecho.c), echoed back: the cksum of
#     what came back equals the cksum of what was sent
#   - a flood of malformed frames (dom0/rawflood.c: bad lengths, bad
#     checksums, truncated headers, fragments, ARP for another host,
#     other MACs, IPv6, garbage), 2000 rounds of 12: dropped and counted
#     (`net`), then pings answered again; and netback put every frame the
#     socket took on the guest's RX ring, none thrown away after waiting
#     for a buffer (its counters, nf_vif_stats)
#   - tinypv's ping to dom0 (169.254.0.1)
#   - xl network-detach while dom0 pings, then network-attach: the
#     interface comes back, pings are answered again
#   - xl save / xl restore, then a local xl migrate: after each, the
#     interface reconnects and dom0's pings are answered
# Each step is followed by a command the shell must answer. Over the
# whole case netback never says "Guest Rx stalled" (RX ring empty, frames
# waiting, for 60 s).
#
# case_netfront_hostile: a hostile backend corrupting the RX ring's
# responses (dom0/hostile.c vif-rx: every response slot's id rewritten to
# 0xbeef for 8 s) while dom0 pings: the guest says once that the backend
# answered an id out of range and shuts the interface down; the rest of
# the kernel carries on (the shell, xenstore, a sleep).
#
# case_netfront_noaddr: no address from anywhere (below).

NF_MAC=00:16:3e:7e:00:01
NF_IP=169.254.1.2
NF_DOM0=169.254.0.1
NF_VIF="mac=$NF_MAC,ip=$NF_IP,script=vif-tinypv"
NF_SIZES="0 1 56 100 512 1000 1400 1472"
# Only the driver's connect line says this (`net` says "; 64 RX ...").
NF_CONNECTED=", 64 RX buffers posted"

# BEFORE_UNPAUSE: the vif's hotplug done (netback waits for it), and the
# console's tty there.
nf_wait_hotplug() {
    wait_until 40 sh -c "xenstore-read /local/domain/0/backend/vif/$id/0/hotplug-status | grep -q connected"
    wait_until 20 xenstore-read "/local/domain/$id/console/tty"
}

nf_step() {
    echo "= $1" >>"$GDIR/xl-steps.log"
    shift
    timeout 60 "$@" >>"$GDIR/xl-steps.log" 2>&1
    echo "exit $?" >>"$GDIR/xl-steps.log"
}

# nf_ping NAME ARGS...: dom0's ping of the guest, its output in ping-NAME.
nf_ping() {
    name=$1
    shift
    timeout 120 ping "$@" "$NF_IP" >"$GDIR/ping-$name" 2>&1
    echo "exit $?" >>"$GDIR/ping-$name"
}

# nf_vif_stats VIF: dom0's counters for the vif, one line: tx_packets
# (frames netback put on the guest's RX ring), rx_dropped (frames that
# waited 10 s for an RX buffer and were thrown away), tx_dropped.
nf_vif_stats() {
    d=/sys/class/net/$1/statistics
    echo "tx_packets $(cat "$d/tx_packets") rx_dropped $(cat "$d/rx_dropped") tx_dropped $(cat "$d/tx_dropped")"
}

# nf_rx_stalls: how many times netback has said a guest's RX ring sat
# empty with frames waiting for 60 s ("Guest Rx stalled").
nf_rx_stalls() {
    dmesg | grep -c "Guest Rx stalled"
}

# nf_flood SECS: ping -A (the next as soon as the answer is in) in runs
# of 200 until SECS have passed: each run ends by its count, so no ping
# is cut off in flight at a deadline (-w would). The runs' sums go to
# ping-flood in ping's own words, each run's summary to ping-flood-runs.
nf_flood() {
    end=$(($(now_ms) + $1 * 1000))
    : >"$GDIR/ping-flood-runs"
    while [ "$(now_ms)" -lt "$end" ]; do
        timeout 120 ping -A -q -c 200 "$NF_IP" >>"$GDIR/ping-flood-runs" 2>&1 ||
            echo "exit $?" >>"$GDIR/ping-flood-runs"
    done
    awk '/packets transmitted/ { t += $1; r += $4; n++ }
        END { printf "%d runs\n%d packets transmitted, %d packets received\n", n, t, r }' \
        "$GDIR/ping-flood-runs" >"$GDIR/ping-flood"
}

# nf_ping_loop: one ping at a time (1 s to answer), "ok" or "lost" a
# line, until ping-loop.stop appears (busybox's ping gives up for good
# when the vif, and with it the route, goes away).
nf_ping_loop() {
    rm -f "$GDIR/ping-loop.stop"
    while [ ! -f "$GDIR/ping-loop.stop" ]; do
        if ping -c 1 -W 1 "$NF_IP" >/dev/null 2>&1; then echo ok; else echo lost; fi
        sleep 0.5
    done >"$GDIR/ping-loop"
}

# suspend.sh's save and restore, waiting for the vif's hotplug (not a
# disk's) before the console client attaches.
nf_round_trip() {
    sr_round_trip_with nf_wait_hotplug
}

# nf_wait_end: the end of the case's guest. After a migration no xl -F
# watches it (XL_PID is empty, and busybox's kill -0 "" succeeds): the
# receiving xl, a daemon, logs why it ended (as case_suspend_migrate).
nf_wait_end() {
    if [ ! -s "$GDIR/domid_migrated" ]; then
        guest_wait_end 30
        return
    fi
    wait_until 30 sh -c "! xl domid $GUEST"
    sleep 1
    mv "$GDIR/xl.log" "$GDIR/xl.before-migrate.log"
    cat /var/log/xen/xl-"$GUEST"*.log >"$GDIR/xl.log" 2>&1
    record_reason
    exec 3>&-
    wait_until 5 sh -c "! kill -0 $CONSOLE_PID" || kill "$CONSOLE_PID" 2>/dev/null
    log "guest $GUEST: shut down, reason $(cat "$GDIR/reason")"
}

# nf_start NAME EXTRA VIF WAIT: a guest with that vif, started once the
# vif's hotplug is done, up to its prompt and WAIT (a netfront line).
nf_start() {
    BEFORE_UNPAUSE=nf_wait_hotplug
    guest_start "$PREFIX$1" "$IMAGE" "$2" "vif=['$3']"
    rc=$?
    BEFORE_UNPAUSE=""
    [ "$rc" = 0 ] || return 1
    guest_wait_text "tinypv> " 1 60
    guest_wait_text "$4" 1 30
    sleep 1     # the prompt redrawn after the messages
}

case_netfront() {
    extra=""
    [ "$IMAGE" = tinypv ] && extra="ip=$NF_IP/16"
    nf_start netfront "$extra" "$NF_VIF" "netfront: vif0: address" || return
    nf_rx_stalls >"$GDIR/rx-stalls-before"
    guest_command "net"
    { ip addr; ip route; } >"$GDIR/dom0-ip.txt" 2>&1
    # Idle with a vif: no busy-waiting, so (almost) no CPU time.
    guest_cpu_seconds >"$GDIR/cpu_before"
    sleep 10
    guest_cpu_seconds >"$GDIR/cpu_after"

    # 200 pings, sizes 0 to 1472; then as many again from pingcheck,
    # which compares every reply's payload with what it sent.
    for s in $NF_SIZES; do
        nf_ping "size-$s" -c 25 -A -s "$s"
    done
    # shellcheck disable=SC2086 # one word per size
    timeout 120 /tinypv/pingcheck "$NF_IP" 25 $NF_SIZES >"$GDIR/pingcheck.txt" 2>&1
    echo "exit $?" >>"$GDIR/pingcheck.txt"
    guest_command "net"

    # A flood for 10 s; the monitor answers meanwhile.
    nf_flood 10 &
    fpid=$!
    sleep 3
    guest_command "echo still here during the flood" 30
    wait "$fpid"
    guest_command "net"

    # 1 MiB through UDP echo.
    /tinypv/udpecho "$NF_IP" 7 1048576 /tmp/nf-sent /tmp/nf-echoed \
        >"$GDIR/udpecho.txt" 2>&1
    echo "exit $?" >>"$GDIR/udpecho.txt"
    cksum </tmp/nf-sent >"$GDIR/udp-sent-cksum"
    cksum </tmp/nf-echoed >"$GDIR/udp-echoed-cksum"
    rm -f /tmp/nf-sent /tmp/nf-echoed
    guest_command "net"

    # Malformed frames, straight onto the vif: dropped, counted, no harm;
    # and every one the socket took reaches the guest's RX ring (none
    # waits for a buffer until netback throws it away).
    nfvif="vif$(xl domid "$GUEST").0"
    nf_vif_stats "$nfvif" >"$GDIR/vif-before-rawflood"
    /tinypv/rawflood "$nfvif" "$NF_MAC" "$NF_IP" 2000 >"$GDIR/rawflood.txt" 2>&1
    echo "exit $?" >>"$GDIR/rawflood.txt"
    sleep 1
    guest_command "net"
    nf_vif_stats "$nfvif" >"$GDIR/vif-after-rawflood"
    nf_ping after-rawflood -c 10 -A

    # tinypv pings dom0.
    guest_command "ping $NF_DOM0 3" 30

    # Detach while dom0 pings, then attach again.
    nf_ping_loop &
    ppid=$!
    sleep 3
    nf_step detach xl network-detach "$GUEST" "$NF_MAC"
    guest_wait_text "netfront: vif0: removed" 1 30
    sleep 2
    guest_command "echo still here after detach"
    # xl network-attach takes the settings as separate words.
    nf_step attach xl network-attach "$GUEST" "mac=$NF_MAC" "ip=$NF_IP" \
        script=vif-tinypv
    guest_wait_text "$NF_CONNECTED" 2 30
    sleep 1
    nf_ping after-attach -c 10 -A
    sleep 2
    : >"$GDIR/ping-loop.stop"
    wait "$ppid"
    guest_command "net"

    # xl save and restore, then a local migration: pings answered after each.
    if nf_round_trip; then
        xl domid "$GUEST" >"$GDIR/domid_restored"
        guest_wait_text "$NF_CONNECTED" 3 30
        sleep 1
        nf_ping after-restore -c 10 -A
        guest_command "net"
        if sr_migrate; then
            xl domid "$GUEST" >"$GDIR/domid_migrated"
            guest_wait_text "$NF_CONNECTED" 4 30
            sleep 1
            nf_ping after-migrate -c 10 -A
            guest_command "ping $NF_DOM0 2" 30
            guest_command "net"
        fi
    fi
    cp /var/log/xen/xen-hotplug.log "$GDIR/xen-hotplug.log" 2>/dev/null
    dmesg | tail -n 40 >"$GDIR/dmesg-tail.txt" 2>/dev/null
    nf_rx_stalls >"$GDIR/rx-stalls-after"
    guest_type 'poweroff\r'
    nf_wait_end
}

case_netfront_hostile() {
    nf_start netfront-hostile "" "$NF_VIF" "netfront: vif0: address" || return
    nf_ping before -c 3 -A
    /tinypv/hostile "$(cat "$GDIR/domid")" vif-rx corrupt 8 \
        >"$GDIR/hostile.log" 2>&1 &
    hpid=$!
    sleep 1
    nf_ping during -c 5 -W 2
    wait "$hpid"
    echo "exit $?" >>"$GDIR/hostile.log"
    guest_wait_text "the interface is shut down" 1 30
    sleep 2
    guest_command "net"
    guest_command "echo still here after the hostile backend"
    guest_command "xs read name"
    guest_command "sleep 1"
    guest_command "xenbus"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# case_netfront_noaddr: a vif without ip= (vif-tinypv then gives dom0's
# side 169.254.0.1/16) and no ip= on the command line: the interface
# connects and says it has no address; tinypv's ping says why it cannot;
# dom0's pings go unanswered, their ARP requests dropped and counted.
# Meanwhile a second guest with a vif runs beside it, at the address this
# one lacks (its own /32 route): dom0 reaches it, then it is destroyed,
# and the first carries on.
nf_second_guest() {
    second="${PREFIX}netfront-second"
    xl create "$CONFIG" "kernel=\"/tinypv/$IMAGE\"" "name=\"$second\"" \
        "extra=\"ip=$NF_IP/16\"" 'on_reboot="destroy"' \
        "vif=['mac=00:16:3e:7e:00:02,ip=$NF_IP,script=vif-tinypv']" \
        >"$GDIR/second.log" 2>&1
    echo "exit $?" >>"$GDIR/second.log"
    wait_until 60 ping -c 1 -W 1 "$NF_IP"
    nf_ping second -c 10 -A
    xl destroy "$second" >>"$GDIR/second.log" 2>&1
}

case_netfront_noaddr() {
    nf_start netfront-noaddr "" "mac=$NF_MAC,script=vif-tinypv" \
        "netfront: vif0: no address" || return
    guest_command "net"
    guest_command "ping $NF_DOM0 1" 30
    nf_ping noaddr -c 3 -W 1
    nf_second_guest
    guest_command "net"
    guest_command "echo still here without an address"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

netfront_cases() {
    case_netfront
    case_netfront_hostile
    case_netfront_noaddr
}
