# memory.sh: the memory group (issue 17: the PV linear map, `walk`,
# `crash pt-writable`, `memtest`), sourced by suite.sh after lib.sh and
# suspend.sh; the checks are cases.sh's check_memory_cases.
#
# Each size boots the platform's config with memory=SIZE and runs `mem`,
# `memtest` (every free page written and read back: all of it mapped and
# usable), `stats` (the mmu counters) and `walk` of the domain's last
# frame, then powers off. PV at 4, 16 and 512 MiB: 4 MiB is all bootstrap
# mapping (nothing to build), 16 MiB a few L1 tables of ours, 512 MiB 254
# of them. PVH at 16 and 512, and at MEMORY_PVH_SMALL: the smallest size
# tests/system/dom0/pvhmin.sh showed working with a config like
# domain_config.pvh. Below it Xen's toolstack, not tinypv, is the limit:
# the paging pool libxl sizes for a PVH domain (docs/08-pvh.md, "Memory:
# the paging pool").
#
# The 16 MiB case also walks the console ring's page (the address and pfn
# `info` prints, and on PV the mfn the banner gave), walks a bad address
# and page 0, and tries `crash pt-writable`: Xen must refuse (PV) or the
# kind say it does not apply (PVH), and the prompt still answer.
#
# PV at MEMORY_BEYOND MiB: more than the kernel window holds; the frames
# past it are counted as not mapped, with one message.
#
# A migration case (MEMORY_MIGRATE MiB) shows the linear map survives a
# new domain: memtest and a walk of the last frame before and after
# (the toolstack rewrote every page-table entry with the new frames).

MEMORY_PVH_SMALL=16
MEMORY_MIGRATE=64
# PV: a domain larger than the kernel window (856 MiB up to Xen's hole).
MEMORY_BEYOND=900

# memory_last_frame_va SIZE: the address of the domain's last frame.
memory_last_frame_va() {
    frames=$(($1 * 256))
    if [ "$PREFIX" = pvh- ]; then
        printf '0x%x' $(((frames - 1) * 4096))
    else
        printf '0x%x' $((0xc0000000 + (frames - 1) * 4096))
    fi
}

# memory_common SIZE: what every size runs.
memory_common() {
    guest_command "mem" 30
    guest_command "memtest" 600
    guest_command "stats" 30
    guest_command "walk $(memory_last_frame_va "$1")" 30
}

# memory_walks: the console page, then bad input and page 0, then the
# page-table crash kind and a prompt that still answers.
memory_walks() {
    ring=$(tr -d '\r' <"$GDIR/console.log" |
           sed -n 's/^  console ring  \(0x[0-9a-f]*\) (pfn.*/\1/p' | head -n 1)
    echo "$ring" >"$GDIR/ring_va"
    guest_command "walk ${ring:-0xbad}" 30
    guest_command "walk xyz" 30
    guest_command "walk 0x100000000" 30
    guest_command "walk 0x0" 30
    guest_command "crash pt-writable" 30
    guest_command "echo alive after pt-writable" 30
}

case_memory_size() {
    guest_start "${PREFIX}memory-$1" "$IMAGE" "" "memory=$1" || return
    guest_wait_text "tinypv> " 1 120
    guest_command "info" 30
    memory_common "$1"
    [ "$1" = 16 ] && memory_walks
    guest_type 'poweroff\r'
    guest_wait_end 60
}

case_memory_migrate() {
    size=$MEMORY_MIGRATE
    guest_start "${PREFIX}memory-migrate" "$IMAGE" "" "memory=$size" || return
    guest_wait_text "tinypv> " 1 120
    memory_common "$size"
    if ! sr_migrate; then
        sr_abandon "xl migrate failed"
        return
    fi
    guest_wait_text "resume: restored in a new domain" 1 60
    guest_command "echo after the migration" 30
    memory_common "$size"
    sr_end_migrated
}

# PV: more frames than the window holds. The rest is counted, not mapped,
# with one message; what is mapped works.
case_memory_beyond() {
    guest_start "memory-beyond" "$IMAGE" "" "memory=$MEMORY_BEYOND" || return
    guest_wait_text "tinypv> " 1 120
    guest_command "mem" 30
    guest_command "memtest" 600
    guest_command "walk 0xf57ff000" 30
    guest_command "walk 0xf5800000" 30
    guest_type 'poweroff\r'
    guest_wait_end 60
}

memory_cases() {
    if [ "$PREFIX" = pvh- ]; then
        sizes="$MEMORY_PVH_SMALL 512"
        [ "$MEMORY_PVH_SMALL" = 16 ] || sizes="$MEMORY_PVH_SMALL 16 512"
    else
        sizes="4 16 512"
    fi
    for size in $sizes; do
        case_memory_size "$size"
    done
    case_memory_migrate
    [ "$PREFIX" = pvh- ] || case_memory_beyond
}
