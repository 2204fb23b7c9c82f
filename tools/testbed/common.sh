# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts sourcing this
# Helpers shared by tools/testbed/setup and tools/testbed/boot (sourced, not run).

# The cache lives outside the repository: it is large (hundreds of MB) and
# machine specific, and the whole team reuses one copy.
TESTBED_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${TINYPV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tinypv}

# What boot needs from the cache; setup writes exactly these names.
XEN_IMAGE=$CACHE/xen-pv32            # multiboot ELF, what QEMU -kernel wants
XEN_STOCK_IMAGE=$CACHE/xen-stock     # Debian's hypervisor as shipped (no PV32)
XEN_LAB_IMAGE=$CACHE/xen-lab         # the teaching lab's: PV32 + lab hypercall + guest console_io
DOM0_KERNEL=$CACHE/dom0-vmlinuz
DOM0_INITRD=$CACHE/dom0-initrd.cpio.gz
GRUB_PV32=$CACHE/grub-i386-xen.bin   # known-good 32-bit PV guest (selfcheck)
DOMU_INITRD=$CACHE/domu-initrd.cpio.gz  # make bench's Linux PV domU (kernel: DOM0_KERNEL)

# Progress goes to stderr so that callers can keep stdout for themselves.
say() { printf 'testbed: %s\n' "$*" >&2; }

# Seconds since the epoch, for the "took N s" lines.
now() { date +%s; }

# Print the calling script's header comment (its usage text).
print_header() {
    awk 'NR == 1 { next } !/^#/ || /^# shellcheck/ { exit } { sub(/^# ?/, ""); print }' "$0" >&2
}
