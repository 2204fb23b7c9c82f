# pvhmin.sh: the smallest PVH configs a user writes (issue 15, defect 9),
# sourced by suite.sh after lib.sh and suspend.sh; suite.sh runs them in
# the PVH pass (group pvhmin).
#
# A config of only name, type, kernel and `memory = 16` is refused by
# Xen 4.17's toolstack: without a `vcpus` line libxl gives the domain a
# paging pool of one page per MiB, too small for the p2m tables the domain
# builder needs (docs/08-pvh.md, "Memory: the paging pool"). The cause is
# libxl's, not tinypv's, so these cases record what fails, with the error
# a user sees, and what works. tests/system/cases.sh then runs
# `tools/which-config --config` on each config and holds its prediction
# and the error it names against what happened here.
#
# Each case leaves in $OUT/NAME/: cfg (the whole config) and create.log
# and xl-dmesg.txt, or console.log and migrate.log, as the case ran.

# pm_config NAME LINE...: a config of name, type, kernel and LINEs.
# Sets GUEST and GDIR.
pm_config() {
    GUEST=$1
    GDIR=$OUT/$1
    shift
    mkdir -p "$GDIR"
    {
        echo "name = \"$GUEST\""
        echo 'type = "pvh"'
        echo 'kernel = "/tinypv/tinypv-pvh"'
        for line in "$@"; do
            echo "$line"
        done
    } >"$GDIR/cfg"
}

# pm_create_fails NAME LINE...: xl create as a user runs it (with -vvv,
# whose extra lines show where the domain builder stopped); then Xen's log.
pm_create_fails() {
    pm_config "$@"
    log "guest $GUEST: xl create of $(grep -c . "$GDIR/cfg")-line config"
    xl dmesg -c >/dev/null 2>&1
    timeout 60 xl -vvv create "$GDIR/cfg" >"$GDIR/create.log" 2>&1
    echo "xl create exit $?" >>"$GDIR/create.log"
    xl list >"$GDIR/xl-list.txt" 2>&1
    # What Xen logged during the create (a release Xen: usually nothing).
    xl dmesg >"$GDIR/xl-dmesg.txt" 2>&1
    echo "xl dmesg exit $?" >>"$GDIR/xl-dmesg.txt"
    # Should it have been created after all, end it.
    xl destroy "$GUEST" >/dev/null 2>&1
}

# pm_start: guest_start with the case's own config (kernel and name as
# in it; guest_start adds an empty extra and on_reboot = "destroy").
pm_start() {
    saved_config=$CONFIG
    CONFIG=$GDIR/cfg
    guest_start "$GUEST" tinypv-pvh ""
    rc=$?
    CONFIG=$saved_config
    return $rc
}

# pm_boot NAME LINE...: the config boots to the prompt, `info` answers,
# and `poweroff` ends it.
pm_boot() {
    pm_config "$@"
    pm_start || return
    guest_wait_text "tinypv> " 1 60
    guest_command "info"
    guest_type 'poweroff\r'
    guest_wait_end 30
}

# pm_migrate NAME LINE...: a local live migration of the config. When the
# receiver cannot take it, xl resumes the guest at the sender: it must
# still answer, and power off.
pm_migrate() {
    pm_config "$@"
    pm_start || return
    guest_wait_text "tinypv> " 1 60
    guest_command "uptime"
    xl dmesg -c >/dev/null 2>&1
    xl migrate -s "" "$GUEST" "xl migrate-receive -p" >"$GDIR/migrate.log" 2>&1
    rc=$?
    echo "xl migrate exit $rc" >>"$GDIR/migrate.log"
    xl dmesg >"$GDIR/xl-dmesg.txt" 2>&1
    if [ "$rc" -ne 0 ]; then
        # Resumed at the sender: the same domain, no xl watching it.
        guest_command "echo alive after the failed migration" 30
        guest_type 'poweroff\r'
        sr_wait_end_unwatched 30
        return
    fi
    sr_wait_gone 30 || { sr_abandon "the old domain stayed"; return; }
    # shellcheck disable=SC2034 # read by sr_wait_gone and sr_attach
    XL_PID=""
    sr_attach "xl migrate" || { sr_abandon "no migrated domain"; return; }
    guest_wait_text "resume: restored in a new domain" 1 60
    guest_command "echo alive after the migration" 30
    guest_type 'poweroff\r'
    # The receiving xl watches the new domain and applies on_poweroff.
    wait_until 30 sh -c "! xl domid $GUEST"
    sr_wait_gone 5 || true
    mv "$GDIR/xl.log" "$GDIR/xl.before-migrate.log"
    cat /var/log/xen/xl-"$GUEST"*.log >"$GDIR/xl.log" 2>&1
    record_reason
    log "guest $GUEST: shut down, reason $(cat "$GDIR/reason")"
}

pvhmin_cases() {
    # The issue's configs: refused.
    pm_create_fails pvhmin-16 'memory = 16'
    pm_create_fails pvhmin-17 'memory = 17'
    # What works: the documented fixes, and the smallest memory without one.
    pm_boot pvhmin-16-vcpus 'memory = 16' 'vcpus = 1'
    pm_boot pvhmin-16-shadow 'memory = 16' 'shadow_memory = 1'
    pm_boot pvhmin-18 'memory = 18'
    # Migration without a vcpus line: the receiver populates page by page.
    pm_migrate pvhmin-32-migrate 'memory = 32'
    pm_migrate pvhmin-34-migrate 'memory = 34'
}
