#!/bin/sh
# bench.sh: tinypv's system figures, measured inside the test bed's dom0
# (run by bench/system-bench). Every figure goes to $OUT/bench.txt as
# "LABEL/NAME VALUE UNIT" lines; bench/system-bench prints them as a table,
# one column per image, with ratios against the first.
#
# /tinypv/bench-images lists the images to measure, one a line:
#   LABEL IMAGE [XL_OPTION...]
# e.g. "baseline tinypv-baseline", "pv tinypv", "pvh tinypv-pvh type=\"pvh\"".
# Every image runs the same figures in the same boot, one after another.

. /tinypv/lib.sh

figure() { echo "$*" >>"$OUT/bench.txt"; log "figure: $*"; }

# console_sed SCRIPT: sed -n over the guest's console, without the CRs.
console_sed() { tr -d '\r' <"$GDIR/console.log" | sed -n "$1"; }

# wait_first_byte SECS: until the console log is not empty.
wait_first_byte() {
    n=$(($1 * 100))
    while [ ! -s "$GDIR/console.log" ]; do
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        sleep 0.01
    done
}

# boot_time NAME IMAGE PROMPT FIGURE: ms from unpause to first byte and to
# PROMPT, as figures FIGURE.first_byte_ms and FIGURE.prompt_ms.
# (xl create -p itself, the domain build, is reported apart.)
boot_time() {
    t0=$(now_ms)
    # shellcheck disable=SC2086 # XL_OPTS are separate words on purpose
    guest_start "$1" "$2" "" $XL_OPTS || return
    created=$(($(cat "$GDIR/start_ms") - t0))
    wait_first_byte 30
    first=$(($(now_ms) - $(cat "$GDIR/start_ms")))
    if guest_wait_text "$3" 1 30; then
        prompt=$(($(now_ms) - $(cat "$GDIR/start_ms")))
    else
        prompt=none
    fi
    figure "$4.create_ms $created ms"
    figure "$4.first_byte_ms $first ms"
    figure "$4.prompt_ms $prompt ms"
}

# The figures of one image: LABEL IMAGE, then XL_OPTS in the environment.
bench_boot_times() {
    for i in 1 2 3; do
        boot_time "$1-boot-$i" "$2" "tinypv> " "$1/boot-$i"
        guest_type 'poweroff\r'
        guest_wait_end 30
    done
}

# Debian's 32-bit PV GRUB, for scale: another small PV guest's boot.
bench_grub_boot() {
    XL_OPTS=""
    for i in 1 2 3; do
        boot_time "grub-boot-$i" grub-i386-xen.bin "grub>" "grub/boot-$i"
        xl destroy "$GUEST"
        guest_wait_end 30
    done
}

# The smallest memory= with which tinypv reaches its prompt and runs stats.
bench_footprint() {
    smallest=none
    for mb in 16 8 4 3 2 1; do
        # shellcheck disable=SC2086
        guest_start "$1-mem-$mb" "$2" 'run=\"stats; poweroff\"' "memory=$mb" \
            $XL_OPTS || break
        guest_wait_end 30
        if grep -a -q '^console output: ' "$GDIR/console.log" &&
           [ "$(cat "$GDIR/reason")" = poweroff ]; then
            smallest=$mb
        else
            break
        fi
    done
    figure "$1/footprint.smallest_memory $smallest MiB"
}

bench_idle() {
    # shellcheck disable=SC2086
    guest_start "$1-idle" "$2" "" $XL_OPTS || return
    guest_wait_text "tinypv> " 1 30
    sleep 1
    before=$(guest_cpu_seconds)
    sleep 10
    after=$(guest_cpu_seconds)
    figure "$1/idle.cpu_before $before s"
    figure "$1/idle.cpu_after_10s $after s"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# flood_rates LABEL: the burst line as numbers: bytes, ms, notifications
# (its format is in monitor/selftest.c).
flood_rates() {
    # shellcheck disable=SC2046 # three numbers, split on purpose
    set -- $(console_sed 's/^burst: \([0-9]*\) bytes in \([0-9]*\) ms, [0-9]* printk calls, \([0-9]*\) notifications.*/\1 \2 \3/p') "$1"
    [ $# -eq 4 ] && [ "$2" -gt 0 ] || return 0
    figure "$4/flood10m.kib_per_s $(($1 / 1024 * 1000 / $2)) KiB/s"
    figure "$4/flood10m.notify_per_mib $(($3 * 1048576 / $1)) /MiB"
}

bench_floods() {
    # shellcheck disable=SC2086
    guest_start "$1-flood-10m" "$2" 'burst=10M run=\"poweroff\"' $XL_OPTS || return
    guest_wait_end 300
    burst_cksum
    figure "$1/flood10m.kernel $(console_sed 's/^burst: \([0-9]* bytes in.*\)$/\1/p')"
    flood_rates "$1"
    figure "$1/flood10m.cksum_kernel $(console_sed 's/^burst: cksum \([0-9]* [0-9]*\)$/\1/p')"
    figure "$1/flood10m.cksum_dom0 $(cat "$GDIR/burst.dom0")"

    # shellcheck disable=SC2086
    guest_start "$1-burst-256k" "$2" 'burst=256K run=\"poweroff\"' $XL_OPTS || return
    guest_wait_end 60
    burst_cksum
    figure "$1/burst256k.kernel $(console_sed 's/^burst: \([0-9]* bytes in.*\)$/\1/p')"
    figure "$1/burst256k.cksum_match $( [ "$(console_sed 's/^burst: cksum \([0-9]* [0-9]*\)$/\1/p')" = "$(cat "$GDIR/burst.dom0")" ] && echo yes || echo NO)"

    # shellcheck disable=SC2086
    guest_start "$1-input-1m" "$2" "" $XL_OPTS || return
    guest_wait_text "tinypv> " 1 30
    last=$(tail -n 1 /tinypv/flood1m/flood.expected | cut -d' ' -f1)
    t0=$(now_ms)
    guest_type_file /tinypv/flood1m/flood.bin
    guest_wait_text "$last" 2 300
    figure "$1/input1m.ms $(($(now_ms) - t0)) ms"
    figure "$1/input1m.bytes $(wc -c </tinypv/flood1m/flood.bin) bytes"
    guest_command "stats" 60
    figure "$1/input1m.kernel_read $(console_sed 's/^console input: \([0-9]*\) bytes.*/\1/p' | tail -n 1) bytes"
    guest_type 'poweroff\r'
    guest_wait_end 60
}

# Memory (issue 17): boot time at 16 and 512 MiB (PV maps every frame at
# boot: what does it cost?), memtest's MiB/s, and on PV the mmu_update
# hypercalls per MiB the linear map took (stats).
bench_memory() {
    saved_opts=$XL_OPTS
    for mb in 16 512; do
        XL_OPTS="$saved_opts memory=$mb"
        boot_time "$1-mem$mb" "$2" "tinypv> " "$1/mem$mb"
        guest_command "stats" 30
        guest_command "memtest" 600
        figure "$1/mem$mb.memtest_mib_per_s $(console_sed 's/^memtest: ok: .* \([0-9]*\.[0-9]\) MiB\/s$/\1/p') MiB/s"
        per_mib=$(console_sed 's/.* \([0-9]*\.[0-9]*\) mmu_update per MiB mapped.*/\1/p')
        [ -n "$per_mib" ] && figure "$1/mem$mb.mmu_update_per_mib $per_mib /MiB"
        build_us=$(console_sed 's/.* mmu_update per MiB mapped, \([0-9]*\) us$/\1/p')
        [ -n "$build_us" ] && figure "$1/mem$mb.linear_map_us $build_us us"
        guest_type 'poweroff\r'
        guest_wait_end 60
    done
    XL_OPTS=$saved_opts
}

# --- disks, and the Linux peer (issue 18) ------------------------------------
#
# One 32 MiB file of random bytes, made once, is xvda (read-only, through
# dom0's blkback on a loop device) for every tinypv image and then for a
# Linux PV domU: dom0's own Debian kernel with a tiny initramfs
# (tools/testbed/domu-init) that times a dd of its xvda, writes 10 MiB to
# its hvc0, then puts its vif's eth0 on 169.254.1.3 and answers dom0's
# pings and UDP echo stream (net_measure, as for tinypv in bench_net; its
# UDP echo is tools/testbed/udp-echod.c) until dom0 destroys it.
# bench_peer_ratios then sets tinypv's disk, console and network figures
# against Linux's from the same boot.

BENCH_DISK=/tmp/bench-disk.img
BENCH_DISK_XL="disk=['format=raw,vdev=xvda,access=ro,target=$BENCH_DISK']"
PEER_TIMEOUT=300    # s until the Linux domU must have said "linux-peer: done"
PEER_IP=169.254.1.3
PEER_VIF_XL="vif=['mac=00:16:3e:7e:00:02,ip=$PEER_IP,script=vif-tinypv']"

bench_disk_file() {
    [ -s "$BENCH_DISK" ] ||
        dd if=/dev/urandom of="$BENCH_DISK" bs=1048576 count=32 2>/dev/null
}

# BEFORE_UNPAUSE: xvda's hotplug done (else blkback may not be there yet)
# and the console's tty there.
# shellcheck disable=SC2154 # $id: lib.sh's guest_start sets it
bench_wait_vbd() {
    wait_until 40 sh -c "xenstore-read /local/domain/0/backend/vbd/$id/51712/hotplug-status | grep -q connected"
    wait_until 20 xenstore-read "/local/domain/$id/console/tty"
}

# per_mib COUNT KIB: COUNT per MiB read, one decimal.
per_mib() {
    awk -v c="$1" -v k="$2" 'BEGIN { printf "%.1f\n", c * 1024 / k }'
}

# tinypv's `disk bench xvda` (its line is monitor/cmd_disk.c's): MiB/s,
# and per MiB the grant references the requests carried, the grants made
# meanwhile and the notifications sent to the backend.
bench_disk() {
    bench_disk_file
    # shellcheck disable=SC2034 # lib.sh's guest_start reads it
    BEFORE_UNPAUSE=bench_wait_vbd
    # shellcheck disable=SC2086
    guest_start "$1-disk" "$2" "" $XL_OPTS "$BENCH_DISK_XL"
    rc=$?
    BEFORE_UNPAUSE=""
    [ "$rc" = 0 ] || { figure "$1/disk.read_mib_per_s none"; return; }
    guest_wait_text "tinypv> " 1 60
    if guest_wait_text "blkfront: xvda: connected" 1 30; then
        sleep 1     # the prompt redrawn after the message
        guest_command "disk bench xvda" 300
    fi
    line=$(console_sed 's/^\(disk: xvda: read [0-9]* KiB in .*\)$/\1/p' | tail -n 1)
    figure "$1/disk.kernel ${line:-none}"
    # shellcheck disable=SC2046 # numbers, split on purpose
    set -- "$1" $(echo "$line" | sed -n 's/^disk: xvda: read \([0-9]*\) KiB in [0-9]* ms: \([0-9.]*\) MiB\/s.*/\1 \2/p')
    if [ $# -eq 3 ]; then
        figure "$1/disk.read_mib_per_s $3 MiB/s"
        kib=$2
        # shellcheck disable=SC2046
        set -- "$1" $(echo "$line" | sed -n 's/.*; \([0-9]*\) requests, \([0-9]*\) grant refs, \([0-9]*\) grants, \([0-9]*\) notifications).*/\1 \2 \3 \4/p')
        if [ $# -eq 5 ] && [ "$kib" -gt 0 ]; then
            figure "$1/disk.requests_per_mib $(per_mib "$2" "$kib") /MiB"
            figure "$1/disk.grant_refs_per_mib $(per_mib "$3" "$kib") /MiB"
            figure "$1/disk.grants_per_mib $(per_mib "$4" "$kib") /MiB"
            figure "$1/disk.notify_per_mib $(per_mib "$5" "$kib") /MiB"
        fi
    else
        figure "$1/disk.read_mib_per_s none"
    fi
    guest_type 'poweroff\r'
    guest_wait_end 60
}

# peer_rate LINE_PATTERN: "BYTES US" from the domU's line "linux-peer:
# PATTERN BYTES bytes in US us".
peer_rate() {
    console_sed "s/^linux-peer: $1 \([0-9]*\) bytes in \([0-9]*\) us.*/\1 \2/p" | tail -n 1
}

# peer_wait_done SECS: until the domU's "linux-peer: done" line (or its
# end). Not guest_wait_text: its grep of a 10 MiB log every 0.1 s is
# slower than the flood; the log's last KiB is enough.
peer_wait_done() {
    n=$(($1 * 2))
    while kill -0 "$XL_PID" 2>/dev/null; do
        tail -c 1024 "$GDIR/console.log" | tr -d '\r' | grep -q '^linux-peer: done' &&
            return 0
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        sleep 0.5
    done
    return 1
}

# bench_peer_net_none: the Linux network figures when there are none.
bench_peer_net_none() {
    figure "linux/net.ping_median_us none"
    figure "linux/net.udp_echo_kib_s none"
}

# The Linux PV domU: disk MiB/s (buffered, and O_DIRECT), the 10 MiB
# console write in KiB/s, the bytes dom0 received of it, and with group
# net its ping round trip and UDP echo throughput (net_measure, the same
# as tinypv's; the echo is the domU's udp-echod). Fails soft: a figure it
# never printed is "none", and the domain is destroyed after PEER_TIMEOUT
# s whatever it does.
bench_peer() {
    if [ ! -s /tinypv/dom0-vmlinuz ] || [ ! -s /tinypv/domu-initrd.cpio.gz ]; then
        log "no Linux domU kernel or initramfs in /tinypv (tools/testbed/setup)"
        figure "linux/disk.read_mib_per_s none"
        figure "linux/console10m.kib_per_s none"
        only net && bench_peer_net_none
        return
    fi
    bench_disk_file
    vif=""
    only net && vif=$PEER_VIF_XL
    # shellcheck disable=SC2034 # lib.sh's guest_start reads it
    BEFORE_UNPAUSE=bench_wait_vbd
    # shellcheck disable=SC2086 # $vif: one word or none
    guest_start linux-peer dom0-vmlinuz "console=hvc0 quiet" \
        'ramdisk="/tinypv/domu-initrd.cpio.gz"' memory=128 "$BENCH_DISK_XL" $vif
    rc=$?
    # shellcheck disable=SC2034
    BEFORE_UNPAUSE=""
    if [ "$rc" = 0 ]; then
        guest_wait_text "linux-peer: up" 1 120 &&
            figure "linux/boot.up_ms $(($(now_ms) - $(cat "$GDIR/start_ms"))) ms"
        peer_wait_done "$PEER_TIMEOUT"
        if [ -n "$vif" ]; then
            if tail -c 1024 "$GDIR/console.log" | tr -d '\r' |
               grep -q "^linux-peer: net up $PEER_IP"; then
                net_measure linux "$PEER_IP"
            else
                log "linux-peer: no net"
                bench_peer_net_none
            fi
        fi
        # It sleeps after its last line when it has a network.
        kill -0 "$XL_PID" 2>/dev/null && xl destroy "$GUEST"
        guest_wait_end 30
    elif [ -n "$vif" ]; then
        bench_peer_net_none
    fi
    # shellcheck disable=SC2046
    set -- $(peer_rate "disk read")
    if [ $# -eq 2 ] && [ "$2" -gt 0 ]; then
        figure "linux/disk.read_mib_per_s $(awk -v b="$1" -v u="$2" 'BEGIN { printf "%.1f\n", b / 1048576 / (u / 1e6) }') MiB/s"
    else
        figure "linux/disk.read_mib_per_s none"
    fi
    # shellcheck disable=SC2046
    set -- $(peer_rate "disk direct")
    if [ $# -eq 2 ] && [ "$2" -gt 0 ]; then
        figure "linux/disk.direct_mib_per_s $(awk -v b="$1" -v u="$2" 'BEGIN { printf "%.1f\n", b / 1048576 / (u / 1e6) }') MiB/s"
    else
        figure "linux/disk.direct_mib_per_s none"
    fi
    # shellcheck disable=SC2046
    set -- $(peer_rate "console wrote")
    if [ $# -eq 2 ] && [ "$2" -gt 0 ]; then
        figure "linux/console10m.kib_per_s $(awk -v b="$1" -v u="$2" 'BEGIN { printf "%d\n", b / 1024 / (u / 1e6) }') KiB/s"
        figure "linux/console10m.bytes_sent $1 bytes"
    else
        figure "linux/console10m.kib_per_s none"
    fi
    [ -f "$GDIR/console.log" ] || return 0
    # Every flood line is 64 bytes; keep the log without them (10 MiB).
    figure "linux/console10m.bytes_received $(($(grep -a -c '^linux-peer flood' "$GDIR/console.log") * 64)) bytes"
    grep -a -v '^linux-peer flood' "$GDIR/console.log" >"$GDIR/console.txt"
    rm -f "$GDIR/console.log"
}

# fig NAME: a figure's number from bench.txt (empty if none).
fig() {
    awk -v n="$1" '$1 == n && $2 ~ /^[0-9.]+$/ { v = $2 } END { print v }' "$OUT/bench.txt"
}

# ratio A B: A / B with two decimals, or none.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "" || b == "" || b + 0 == 0) print "none"; else printf "%.2f\n", a / b }'
}

# tinypv / Linux for each image: > 1 means tinypv is faster.
bench_peer_ratios() {
    while read -r label _; do
        [ -n "$label" ] || continue
        figure "$label/disk.tinypv_per_linux $(ratio "$(fig "$label/disk.read_mib_per_s")" "$(fig linux/disk.read_mib_per_s)")"
        figure "$label/disk.tinypv_per_linux_direct $(ratio "$(fig "$label/disk.read_mib_per_s")" "$(fig linux/disk.direct_mib_per_s)")"
        figure "$label/console.tinypv_per_linux $(ratio "$(fig "$label/flood10m.kib_per_s")" "$(fig linux/console10m.kib_per_s)")"
        only net || continue
        # A round trip is a time: Linux's over tinypv's.
        figure "$label/net.ping_tinypv_per_linux $(ratio "$(fig linux/net.ping_median_us)" "$(fig "$label/net.ping_median_us")")"
        figure "$label/net.ping_p99_tinypv_per_linux $(ratio "$(fig linux/net.ping_p99_us)" "$(fig "$label/net.ping_p99_us")")"
        figure "$label/net.udp_tinypv_per_linux $(ratio "$(fig "$label/net.udp_echo_kib_s")" "$(fig linux/net.udp_echo_kib_s)")"
    done </tinypv/bench-images
}

# The network: dom0's ping round trip to the guest over 1000 pings (one
# at a time, the next as soon as the answer is in: median and 99th
# percentile), and UDP echo throughput (dom0/udpecho.c, 1 MiB, 8
# datagrams of 1 KiB in flight). Link-local only, as in the tests.
bench_net() {
    ip=169.254.1.2
    # shellcheck disable=SC2086
    guest_start "$1-net" "$2" "" \
        "vif=['mac=00:16:3e:7e:00:01,ip=$ip,script=vif-tinypv']" $XL_OPTS || return
    guest_wait_text "tinypv> " 1 30
    guest_wait_text "netfront: vif0: address" 1 30
    sleep 1
    net_measure "$1" "$ip"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# net_measure LABEL IP: bench_net's figures against IP (tinypv's, or the
# Linux peer's), measured the same way for both. A UDP stream that did not
# come back whole (udpecho gives up after 120 s) is "none".
net_measure() {
    ping -c 20 -A "$2" >/dev/null 2>&1
    ping -c 1000 -A "$2" >"$GDIR/ping.txt" 2>&1
    sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$GDIR/ping.txt" | sort -n >"$GDIR/rtt.txt"
    n=$(wc -l <"$GDIR/rtt.txt")
    if [ "$n" -gt 0 ]; then
        median=$(sed -n "$(( (n + 1) / 2 ))p" "$GDIR/rtt.txt")
        p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$GDIR/rtt.txt")
        figure "$1/net.ping_median_us $(awk -v v="$median" 'BEGIN { printf "%d", v * 1000 }') us"
        figure "$1/net.ping_p99_us $(awk -v v="$p99" 'BEGIN { printf "%d", v * 1000 }') us"
    else
        figure "$1/net.ping_median_us none"
    fi
    figure "$1/net.ping_answered $n of 1000"
    rc=0
    /tinypv/udpecho "$2" 7 1048576 /tmp/bench-sent /tmp/bench-echoed \
        >"$GDIR/udpecho.txt" 2>&1 || rc=$?
    rm -f /tmp/bench-sent /tmp/bench-echoed
    ms=$(sed -n 's/.* \([0-9]*\) ms$/\1/p' "$GDIR/udpecho.txt")
    # Exit 0: every byte came back.
    if [ "$rc" = 0 ] && [ -n "$ms" ] && [ "$ms" -gt 0 ]; then
        figure "$1/net.udp_echo_kib_s $((1024 * 1000 / ms)) KiB/s"
    else
        log "$1: udpecho: $(tail -n 1 "$GDIR/udpecho.txt")"
        figure "$1/net.udp_echo_kib_s none"
    fi
    return 0
}

# Interleaved by figure, not by image: a slow stretch of the host then
# hurts every image alike instead of one of them.
run_for_each_image() {
    while read -r label image opts; do
        [ -n "$label" ] || continue
        XL_OPTS=$opts
        "$1" "$label" "$image"
    done </tinypv/bench-images
}

# /tinypv/bench-only (BENCH_ONLY in bench/system-bench) names the figure
# groups to measure (boot grub footprint idle floods memory disk peer net);
# none: all.
ONLY=$(cat /tinypv/bench-only 2>/dev/null)
only() {
    [ -z "$ONLY" ] && return 0
    case " $ONLY " in *" $1 "*) return 0 ;; esac
    return 1
}

only boot && run_for_each_image bench_boot_times
only grub && bench_grub_boot
only footprint && run_for_each_image bench_footprint
only idle && run_for_each_image bench_idle
only floods && run_for_each_image bench_floods
only memory && run_for_each_image bench_memory
only disk && run_for_each_image bench_disk
only peer && bench_peer
rm -f "$BENCH_DISK"
only net && run_for_each_image bench_net
only peer && bench_peer_ratios
log "bench done"
