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
    ping -c 20 -A "$ip" >/dev/null 2>&1
    ping -c 1000 -A "$ip" >"$GDIR/ping.txt" 2>&1
    sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' "$GDIR/ping.txt" | sort -n >"$GDIR/rtt.txt"
    n=$(wc -l <"$GDIR/rtt.txt")
    if [ "$n" -gt 0 ]; then
        median=$(sed -n "$(( (n + 1) / 2 ))p" "$GDIR/rtt.txt")
        p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$GDIR/rtt.txt")
        figure "$1/net.ping_median_us $(awk -v v="$median" 'BEGIN { printf "%d", v * 1000 }') us"
        figure "$1/net.ping_p99_us $(awk -v v="$p99" 'BEGIN { printf "%d", v * 1000 }') us"
    fi
    figure "$1/net.ping_answered $n of 1000"
    /tinypv/udpecho "$ip" 7 1048576 /tmp/bench-sent /tmp/bench-echoed \
        >"$GDIR/udpecho.txt" 2>&1
    rm -f /tmp/bench-sent /tmp/bench-echoed
    ms=$(sed -n 's/.* \([0-9]*\) ms$/\1/p' "$GDIR/udpecho.txt")
    [ -n "$ms" ] && [ "$ms" -gt 0 ] &&
        figure "$1/net.udp_echo_kib_s $((1024 * 1000 / ms)) KiB/s"
    guest_type 'poweroff\r'
    guest_wait_end 30
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
# groups to measure (boot grub footprint idle floods memory net); none: all.
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
only net && run_for_each_image bench_net
log "bench done"
