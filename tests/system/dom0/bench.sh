#!/bin/sh
# bench.sh: tinypv's system figures, measured inside the test bed's dom0
# (run by bench/system-bench). Every figure goes to $OUT/bench.txt as
# "name value unit" lines; bench/system-bench prints them as a table.
#
# Every tinypv figure is taken once per platform: bench_platform sets IMAGE,
# CONFIG and P (the figure names' prefix: pv., pvh.), so the table can put
# PV and PVH side by side. GRUB's boot (a PV guest) is the yardstick.

. /tinypv/lib.sh

PLATFORMS="pv pvh"
[ -f /tinypv/bench.env ] && . /tinypv/bench.env

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

# boot_time NAME IMAGE PROMPT: ms from unpause to first byte and to PROMPT.
# (xl create -p itself, the domain build, is reported apart.)
boot_time() {
    t0=$(now_ms)
    guest_start "$1" "$2" "" || return
    created=$(($(cat "$GDIR/start_ms") - t0))
    wait_first_byte 30
    first=$(($(now_ms) - $(cat "$GDIR/start_ms")))
    if guest_wait_text "$3" 1 30; then
        prompt=$(($(now_ms) - $(cat "$GDIR/start_ms")))
    else
        prompt=none
    fi
    figure "$1.create_ms $created ms"
    figure "$1.first_byte_ms $first ms"
    figure "$1.prompt_ms $prompt ms"
}

bench_boot_times() {
    for i in 1 2 3; do
        boot_time "${P}tinypv-boot-$i" "$IMAGE" "tinypv> "
        guest_type 'poweroff\r'
        guest_wait_end 30
    done
}

bench_grub_boot_times() {
    CONFIG=/tinypv/domain_config
    for i in 1 2 3; do
        boot_time "grub-boot-$i" grub-i386-xen.bin "grub>"
        xl destroy "$GUEST"
        guest_wait_end 30
    done
}

# The smallest memory= with which tinypv reaches its prompt and runs stats.
bench_footprint() {
    smallest=none
    for mb in 16 8 4 3 2 1; do
        guest_start "${P}mem-$mb" "$IMAGE" 'run=\"stats; poweroff\"' "memory=$mb" \
            || break
        guest_wait_end 30
        if grep -a -q '^console output: ' "$GDIR/console.log" &&
           [ "$(cat "$GDIR/reason")" = poweroff ]; then
            smallest=$mb
        else
            break
        fi
    done
    figure "${P}footprint.smallest_memory $smallest MiB"
}

bench_idle() {
    guest_start "${P}idle" "$IMAGE" "" || return
    guest_wait_text "tinypv> " 1 30
    sleep 1
    before=$(guest_cpu_seconds)
    sleep 10
    after=$(guest_cpu_seconds)
    figure "${P}idle.cpu_before $before s"
    figure "${P}idle.cpu_after_10s $after s"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

bench_floods() {
    guest_start "${P}flood-10m" "$IMAGE" 'burst=10M run=\"poweroff\"' || return
    guest_wait_end 300
    burst_cksum
    figure "${P}flood10m.kernel $(console_sed 's/^burst: \([0-9]* bytes in.*\)$/\1/p')"
    figure "${P}flood10m.cksum_kernel $(console_sed 's/^burst: cksum \([0-9]* [0-9]*\)$/\1/p')"
    figure "${P}flood10m.cksum_dom0 $(cat "$GDIR/burst.dom0")"

    guest_start "${P}burst-256k" "$IMAGE" 'burst=256K run=\"poweroff\"' || return
    guest_wait_end 60
    burst_cksum
    figure "${P}burst256k.kernel $(console_sed 's/^burst: \([0-9]* bytes in.*\)$/\1/p')"
    figure "${P}burst256k.cksum_match $( [ "$(console_sed 's/^burst: cksum \([0-9]* [0-9]*\)$/\1/p')" = "$(cat "$GDIR/burst.dom0")" ] && echo yes || echo NO)"

    guest_start "${P}input-1m" "$IMAGE" "" || return
    guest_wait_text "tinypv> " 1 30
    last=$(tail -n 1 /tinypv/flood1m/flood.expected | cut -d' ' -f1)
    t0=$(now_ms)
    guest_type_file /tinypv/flood1m/flood.bin
    guest_wait_text "$last" 2 300
    figure "${P}input1m.ms $(($(now_ms) - t0)) ms"
    figure "${P}input1m.bytes $(wc -c </tinypv/flood1m/flood.bin) bytes"
    guest_command "stats" 60
    figure "${P}input1m.kernel_read $(console_sed 's/^console input: \([0-9]*\) bytes.*/\1/p' | tail -n 1) bytes"
    guest_type 'poweroff\r'
    guest_wait_end 60
}

# bench_platform pv|pvh: every tinypv figure for that platform's image.
bench_platform() {
    case $1 in
        pv) IMAGE=tinypv CONFIG=/tinypv/domain_config P=pv. ;;
        pvh) IMAGE=tinypv-pvh CONFIG=/tinypv/domain_config.pvh P=pvh. ;;
    esac
    bench_boot_times
    bench_footprint
    bench_idle
    bench_floods
}

for platform in $PLATFORMS; do
    bench_platform "$platform"
done
bench_grub_boot_times
log "bench done"
