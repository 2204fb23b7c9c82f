# tinypv: a small 32-bit Xen guest kernel, PV and PVH from one tree.
#
#   make                      build every image: build/tinypv (PV, Xen ELF notes),
#                             build/tinypv-legacy (PV, only the old __xen_guest string)
#                             and build/tinypv-pvh (PVH, the PHYS32_ENTRY note)
#   make XEN_METADATA=legacy  with `make run`: boot the legacy image
#   make run                  boot tinypv under real Xen in QEMU, console on this terminal
#   make run PLATFORM=pvh     the same with the PVH image, on Debian's stock hypervisor
#   make which-config         which domain config fits the Xen host you are on (xl info)
#   make which-config CONFIG=file  whether a PVH config's memory lines will do
#   make test                 host unit tests (ASan+UBSan), fuzz smoke, ring stress,
#                             then system tests under Xen (floods included)
#   make bench                host ring benchmark, then system figures under Xen
#   BENCH_BASELINE=REV make bench   the same, with revision REV measured beside
#                             this tree in the same run (bench/README.md)
#   make fuzz FUZZ_SECONDS=N  run every fuzz target for N seconds
#   make lab-tree LAB=name DEST=dir   a student tree: that lab's solution
#                             regions as stubs (docs/labs/teachers.md)
#   make grade [LAB=name]     grade the labs under Xen: `Score: X/Y`
#   make check-exercise N=03-1  check a chapter's exercise (no N: list them)
#   make gdb                  make run with QEMU's gdb stub (docs/labs/gdb.md)
#   make V=1 ...              show full commands
#
# Everything is built under $(BUILD); downloads and the Xen-in-QEMU test bed are
# cached outside the tree (see tools/testbed/setup).

BUILD       ?= build
XEN_INCLUDE ?= /usr/include/xen
XEN_METADATA ?= notes
VERSION     := 0.1

comma := ,

# gcc unless told otherwise (make's built-in default for CC is plain "cc").
ifeq ($(origin CC),default)
CC      := gcc
endif
LD      ?= ld
HOSTCC  ?= gcc

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

# --- the guest kernel --------------------------------------------------------

# -m32 -march=i686: 32-bit PV guests run in PAE mode on 64-bit Xen.
# -mgeneral-regs-only: Xen does not save FPU/SSE state for us on an upcall, and
#   a kernel this size has no use for it.
# -nostdinc + gcc's own include dir: only the freestanding headers (stdint.h,
#   stddef.h, stdarg.h, stdbool.h) and Xen's public headers are reachable.
# -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls:
#   every function, leaf or not, keeps
#   its frame and every call its return address, so that crash reports can
#   walk the call chain (arch/x86/backtrace.c).
# -Wshadow: a local that hides a global of the same name is an error (one
#   made mm_virt_to_mfn() read the unchecked P2M list); the host, fuzz,
#   stress and bench builds use it too.
# Includes are namespaced: <tinypv/...> and <lib/...> from include/,
#   <monitor/...> too, <arch/...> from arch/x86/include; a platform's private
#   headers are included with quotes from its own folder.
KERNEL_CFLAGS := -m32 -march=i686 -std=gnu11 -O2 -g \
    -ffreestanding -fno-builtin -fno-pic -fno-pie -fno-stack-protector \
    -fno-asynchronous-unwind-tables -fno-strict-aliasing -fno-common \
    -mgeneral-regs-only -mno-red-zone \
    -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-optimize-sibling-calls \
    -Wall -Wextra -Wshadow -Werror -Wno-unused-parameter \
    -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
    -Iinclude -Iarch/x86/include -I$(BUILD)/include \
    -D__XEN_INTERFACE_VERSION__=0x00040e00 \
    -DTINYPV_VERSION='"$(VERSION)"'
KERNEL_ASFLAGS := $(filter-out -std=gnu11,$(KERNEL_CFLAGS)) -D__ASSEMBLY__
KERNEL_LDFLAGS := -m elf_i386 -nostdlib -static --build-id=none \
    -z max-page-size=0x1000 -z noexecstack

# What every platform links: the kernel proper, its library, the monitor.
COMMON_SRCS := \
    kernel/main.c \
    kernel/loop.c \
    kernel/printk.c \
    kernel/time.c \
    kernel/timer.c \
    kernel/shutdown.c \
    kernel/control.c \
    kernel/suspend.c \
    kernel/symbols.c \
    lib/format.c \
    lib/string.c \
    lib/cksum.c \
    lib/cmdline.c \
    lib/calendar.c \
    lib/div64.c \
    lib/byte_ring.c \
    mm/mem.c \
    mm/page_alloc.c \
    mm/balloon.c \
    mm/balloon_policy.c \
    mm/memmap.c \
    grant/gnttab_table.c \
    grant/gnttab.c \
    events/evtchn.c \
    events/dispatch.c \
    console/ring.c \
    console/console.c \
    console/trace.c \
    xenstore/xs_ring.c \
    xenstore/xs_proto.c \
    xenstore/xenstore.c \
    xenbus/xenbus_path.c \
    xenbus/xenbus.c \
    blkfront/blkif_book.c \
    blkfront/blkfront.c \
    blkfront/blkfront_xs.c \
    net/net_stack.c \
    netfront/netif_book.c \
    netfront/netfront.c \
    netfront/netfront_xs.c \
    monitor/app.c \
    monitor/info.c \
    monitor/info_ring.c \
    monitor/selftest.c \
    monitor/shell.c \
    monitor/shell_parse.c \
    monitor/line_editor.c \
    monitor/cmd_lab.c \
    monitor/cmd_mem.c \
    monitor/cmd_gnttab.c \
    monitor/cmd_disk.c \
    monitor/cmd_net.c

# What every x86 platform shares.
X86_SRCS := \
    arch/x86/hypercall_page.S \
    arch/x86/boot_stack.S \
    arch/x86/exceptions.S \
    arch/x86/traps.c \
    arch/x86/time.c \
    arch/x86/backtrace.c \
    arch/x86/ring_check.c

# Per platform (XTF style): its sources, its link base, its images.
# 32-bit PV: Xen builds the page tables and enters at 0xC0000000 in ring 1.
pv_SRCS := \
    arch/x86/pv/boot.S \
    arch/x86/pv/entry.S \
    arch/x86/pv/setup.c \
    arch/x86/pv/hypercall_check.c \
    arch/x86/pv/mm.c \
    arch/x86/pv/memory.c \
    arch/x86/pv/balloon.c \
    arch/x86/pv/pagetable.c \
    arch/x86/pv/linear_map.c \
    arch/x86/pv/start_info_check.c \
    arch/x86/pv/traps.c \
    arch/x86/pv/upcall.c \
    arch/x86/pv/suspend.c \
    arch/x86/pv/gnttab.c
pv_LOAD_BASE := 0xC0000000
pv_DEFS      := -DPLATFORM_PV

# 32-bit PVH: Xen enters at the PHYS32_ENTRY note's physical address in
# flat protected mode, paging off, ring 0. 1 MiB: the first address above
# the legacy PC hole, inside the RAM of every PVH domain (xl puts
# hvm_start_info and the command line after the image).
pvh_SRCS := \
    arch/x86/pvh/boot.S \
    arch/x86/pvh/entry.S \
    arch/x86/pvh/setup.c \
    arch/x86/pvh/hypercall.c \
    arch/x86/pvh/mm.c \
    arch/x86/pvh/memory.c \
    arch/x86/pvh/balloon.c \
    arch/x86/pvh/traps.c \
    arch/x86/pvh/upcall.c \
    arch/x86/pvh/suspend.c \
    arch/x86/pvh/gnttab.c \
    arch/x86/pvh/xen_notes.S
pvh_LOAD_BASE := 0x00100000
pvh_DEFS      := -DPLATFORM_PVH

PLATFORMS := pv pvh

# platform_objs P: every object of platform P, under $(BUILD)/P/obj/.
platform_objs = $(patsubst %,$(BUILD)/$(1)/obj/%.o,$(X86_SRCS) $($(1)_SRCS) $(COMMON_SRCS))

# The PV image carries one of two kinds of Xen metadata, never both.
NOTES_OBJ   := $(BUILD)/pv/obj/arch/x86/pv/xen_notes.S.o
LEGACY_OBJ  := $(BUILD)/pv/obj/arch/x86/pv/xen_guest_legacy.S.o

ifeq ($(XEN_METADATA),notes)
DEFAULT_IMAGE := $(BUILD)/tinypv
else ifeq ($(XEN_METADATA),legacy)
DEFAULT_IMAGE := $(BUILD)/tinypv-legacy
else
$(error XEN_METADATA must be 'notes' or 'legacy', not '$(XEN_METADATA)')
endif

IMAGES := $(BUILD)/tinypv $(BUILD)/tinypv-legacy $(BUILD)/tinypv-pvh

.PHONY: all images
all: images
images: $(IMAGES)

# Every image carries its own symbol table, for crash reports: link once
# with an empty table, list the functions of that image (tools/gen-symtab),
# link again with the list, and check that no function moved.
# $(call link_with_symbols,LINKER_SCRIPT,OBJECTS) in an image's recipe.
SYMTAB_EMPTY := $(BUILD)/obj/symtab-empty.o
define link_with_symbols
	$(quiet) LD $@
	$(Q)$(LD) $(KERNEL_LDFLAGS) -T $(1) -o $@.pass1 $(2) $(SYMTAB_EMPTY)
	$(Q)tools/gen-symtab $@.pass1 >$@.symtab.S
	$(Q)$(CC) $(KERNEL_ASFLAGS) -c $@.symtab.S -o $@.symtab.o
	$(Q)$(LD) $(KERNEL_LDFLAGS) -T $(1) -o $@ $(2) $@.symtab.o
	$(Q)tools/gen-symtab --check $@.pass1 $@
endef

$(SYMTAB_EMPTY): tools/gen-symtab
	@mkdir -p $(dir $@)
	$(Q)tools/gen-symtab --empty >$(@:.o=.S)
	$(Q)$(CC) $(KERNEL_ASFLAGS) -c $(@:.o=.S) -o $@

$(BUILD)/tinypv: $(call platform_objs,pv) $(NOTES_OBJ) $(BUILD)/pv/linker.ld $(SYMTAB_EMPTY) tools/gen-symtab
	$(call link_with_symbols,$(BUILD)/pv/linker.ld,$(call platform_objs,pv) $(NOTES_OBJ))

$(BUILD)/tinypv-legacy: $(call platform_objs,pv) $(LEGACY_OBJ) $(BUILD)/pv/linker.ld $(SYMTAB_EMPTY) tools/gen-symtab
	$(call link_with_symbols,$(BUILD)/pv/linker.ld,$(call platform_objs,pv) $(LEGACY_OBJ))

$(BUILD)/tinypv-pvh: $(call platform_objs,pvh) $(BUILD)/pvh/linker.ld $(SYMTAB_EMPTY) tools/gen-symtab
	$(call link_with_symbols,$(BUILD)/pvh/linker.ld,$(call platform_objs,pvh))

# Compile and preprocess rules, once per platform.
define platform_rules
$(BUILD)/$(1)/obj/%.c.o: %.c $(BUILD)/include/xen/xen.h Makefile
	$$(quiet) CC $$<
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(KERNEL_CFLAGS) $$($(1)_DEFS) -MMD -MP -c $$< -o $$@

$(BUILD)/$(1)/obj/%.S.o: %.S $(BUILD)/include/xen/xen.h Makefile
	$$(quiet) AS $$<
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(KERNEL_ASFLAGS) $$($(1)_DEFS) -MMD -MP -c $$< -o $$@

$(BUILD)/$(1)/linker.ld: linker.ld Makefile
	$$(quiet) CPP $$@
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) -E -P -undef -x c -DLOAD_BASE=$$($(1)_LOAD_BASE) $$($(1)_DEFS) linker.ld -o $$@
endef
$(foreach p,$(PLATFORMS),$(eval $(call platform_rules,$(p))))

# Xen's public headers come from Debian's libxen-dev. They are reached as
# <xen/...> through a symlink so that nothing else under /usr/include leaks in.
$(BUILD)/include/xen/xen.h:
	@if [ ! -f $(XEN_INCLUDE)/xen.h ]; then \
	    echo "error: Xen public headers not found in $(XEN_INCLUDE)" >&2; \
	    echo "       install them with: apt-get install libxen-dev" >&2; \
	    echo "       (or point XEN_INCLUDE= at a directory holding xen.h)" >&2; \
	    exit 1; fi
	@mkdir -p $(BUILD)/include
	$(Q)ln -sfn $(abspath $(XEN_INCLUDE)) $(BUILD)/include/xen

-include $(shell find $(BUILD) -path '*/obj/*.d' 2>/dev/null)

# --- host unit tests (ASan + UBSan) ------------------------------------------

# Pure pieces of the kernel compiled natively. The kernel's libc names are
# renamed so that they do not collide with the host's libc.
HOST_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=address,undefined -fno-sanitize-recover=all \
    -Wall -Wextra -Wshadow -Werror -Wno-unused-parameter \
    -Iinclude -Iarch/x86/include -I$(BUILD)/include -Itests/host -Itests/common \
    -D__XEN_INTERFACE_VERSION__=0x00040e00 \
    -Dsnprintf=k_snprintf -Dvsnprintf=k_vsnprintf

# Each test: tests/host/test_NAME.c plus the kernel sources listed here.
HOST_TESTS := format string cksum cmdline byte_ring ring line_editor shell_parse \
    time xs_ring xs_proto symbols start_info dispatch page_alloc memmap \
    ring_check control info pv_pagetable gnttab balloon xenbus_path blkif_book blkfront \
    net_stack netif_book netfront
test_format_SRCS  := lib/format.c
test_string_SRCS  := lib/string.c
test_cksum_SRCS   := lib/cksum.c
test_cmdline_SRCS := lib/cmdline.c
test_byte_ring_SRCS := lib/byte_ring.c tests/common/fake_backend.c
test_ring_SRCS    := console/ring.c lib/byte_ring.c tests/common/fake_backend.c
test_line_editor_SRCS := monitor/line_editor.c
test_shell_parse_SRCS := monitor/shell_parse.c
test_time_SRCS    := kernel/time.c lib/calendar.c lib/div64.c
test_xs_ring_SRCS  := xenstore/xs_ring.c lib/byte_ring.c tests/common/fake_backend.c
test_xs_proto_SRCS := xenstore/xs_proto.c
test_symbols_SRCS  := kernel/symbols.c tests/host/printk_stub.c
test_start_info_SRCS := arch/x86/pv/start_info_check.c lib/string.c
test_dispatch_SRCS := events/dispatch.c
test_page_alloc_SRCS := mm/page_alloc.c
test_memmap_SRCS  := mm/memmap.c
test_ring_check_SRCS := arch/x86/ring_check.c
test_control_SRCS  := kernel/control.c lib/calendar.c lib/div64.c
test_info_SRCS    := monitor/info_ring.c lib/format.c
test_balloon_SRCS := mm/balloon_policy.c
test_pv_pagetable_SRCS := arch/x86/pv/pagetable.c
test_gnttab_SRCS  := grant/gnttab_table.c
test_xenbus_path_SRCS := xenbus/xenbus_path.c lib/string.c
test_blkif_book_SRCS := blkfront/blkif_book.c lib/format.c lib/string.c
test_blkfront_SRCS := blkfront/blkfront.c blkfront/blkif_book.c lib/format.c \
    tests/host/fake_frontend_env.c
test_net_stack_SRCS := net/net_stack.c lib/string.c
test_netif_book_SRCS := netfront/netif_book.c
test_netfront_SRCS := netfront/netfront.c netfront/netif_book.c net/net_stack.c lib/format.c \
    tests/host/fake_frontend_env.c

HOST_BINS := $(patsubst %,$(BUILD)/host/test_%,$(HOST_TESTS))

define host_test_rule
$(BUILD)/host/test_$(1): tests/host/test_$(1).c $$(test_$(1)_SRCS) tests/host/check.h $(BUILD)/include/xen/xen.h
	$$(quiet) HOSTCC $$@
	@mkdir -p $$(dir $$@)
	$$(Q)$$(HOSTCC) $$(HOST_CFLAGS) $$(if $$(filter lib/string.c,$$(test_$(1)_SRCS)),-fno-builtin -DTINYPV_RENAME_STRING) \
	    -MMD -MP -o $$@ tests/host/test_$(1).c $$(test_$(1)_SRCS)
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))

-include $(wildcard $(BUILD)/host/*.d)

# The console ring under threads (1 GiB each way, also under ThreadSanitizer),
# the libFuzzer targets, and the host benchmark.
include tests/stress/stress.mk
include tests/fuzz/fuzz.mk
include bench/bench.mk

.PHONY: check-host check-system check-run check-docs test run testbed deps clean bench which-config
check-host: $(HOST_BINS)
	$(Q)tests/host/run-all $(HOST_BINS)

# The docs cite functions, paths and make targets that exist; the chapters'
# exercises say how they are checked; the readelf sample is the image's.
# The self-test plants errors and shows each is reported.
check-docs: $(BUILD)/tinypv $(BUILD)/tinypv-pvh
	$(Q)tools/check-docs --self-test $(BUILD)
	$(Q)tools/check-docs $(BUILD)

# --- under real Xen in QEMU --------------------------------------------------

testbed:
	$(Q)tools/testbed/setup

check-system: images testbed
	$(Q)tests/system/run $(BUILD)

# make run as a user at a terminal tries it: a pty, typed keys, xl mem-set
# from the dom0 shell (one more Xen boot).
check-run: images testbed
	$(Q)tests/system/make_run.py $(CURDIR)

# Install missing build dependencies (as root), or say what to install.
deps:
	$(Q)tools/install-deps

test: deps
	$(Q)$(MAKE) --no-print-directory check-host check-docs check-labs fuzz-smoke stress check-system check-run
	$(Q)TINYPV_GRADE_JUDGE=$(CURDIR)/$(BUILD)/system-test $(MAKE) --no-print-directory check-grade
	@echo "make test: all tests passed"

# --- the teaching labs (docs/labs/) -----------------------------------------

# make lab-tree LAB=console[,hypercall] DEST=../student: a copy of the tree
# (git ls-files) with those labs' solution regions replaced by their stubs.
# make grade [LAB=name[,name]] [GRADE_FLAGS=--results FILE]: boot, drive the
# monitor, print each check and `Score: X/Y`; non-zero when points are lost.
# check-labs: the region tool's host test and every marker of this tree.
# check-grade: the grader shown to fail: full marks here, less than full for
# each lab's student tree (several Xen boots; make test will run it, with
# TINYPV_GRADE_JUDGE=$(BUILD)/system-test so the full tree needs no boot).
.PHONY: lab-tree grade check-labs check-grade
lab-tree:
	@if [ -z "$(LAB)" ] || [ -z "$(DEST)" ]; then \
	    echo "usage: make lab-tree LAB=name[,name...] DEST=dir (labs: $$(tools/lab-tree --list | xargs))" >&2; \
	    exit 2; fi
	$(Q)tools/lab-tree $(LAB) $(DEST)

grade: images testbed
	$(Q)tests/grade/grade --build $(BUILD) $(GRADE_FLAGS) $(subst $(comma), ,$(LAB))

check-labs:
	$(Q)tests/labs/test_lab_tree.sh
	$(Q)tools/lab-tree --check

check-grade: images testbed
	$(Q)tests/grade/selftest $(BUILD)

# make check-exercise N=03-1 [REUSE=1]: does chapter 03's exercise 1 hold
# on this tree (a host test, a build, or one system-suite boot under the
# QEMU lock)? By-eye exercises say why; no N lists every exercise.
.PHONY: check-exercise
check-exercise:
	$(Q)BUILD=$(BUILD) tools/check-exercise $(if $(REUSE),--reuse) $(N)

# Figures: the host ring benchmark, then the system figures under Xen.
bench: deps
	$(Q)$(MAKE) --no-print-directory bench-host images testbed
	$(Q)bench/system-bench $(BUILD)

# make run [PLATFORM=pv|pvh]: PV boots on the test bed's PV32 rebuild of
# Xen, PVH on Debian's hypervisor as shipped (what most hosts run).
PLATFORM ?= pv
ifeq ($(PLATFORM),pv)
RUN_IMAGE  := $(DEFAULT_IMAGE)
RUN_CONFIG := domain_config
RUN_XEN    := pv32
else ifeq ($(PLATFORM),pvh)
RUN_IMAGE  := $(BUILD)/tinypv-pvh
RUN_CONFIG := domain_config.pvh
RUN_XEN    := stock
else
$(error PLATFORM must be 'pv' or 'pvh', not '$(PLATFORM)')
endif

run: deps
	$(Q)$(MAKE) --no-print-directory $(RUN_IMAGE) testbed
	$(Q)tools/run-interactive $(RUN_IMAGE) $(RUN_CONFIG) $(RUN_XEN)

# make gdb [PLATFORM=pv|pvh] [GDB_PORT=1234]: make run, with QEMU's gdb stub
# on 127.0.0.1:GDB_PORT for gdb in another terminal (docs/labs/gdb.md).
GDB_PORT ?= 1234
.PHONY: gdb
gdb: deps
	$(Q)$(MAKE) --no-print-directory $(RUN_IMAGE) testbed
	@echo "make gdb: in another terminal: gdb -ex 'set architecture i386:x86-64' -ex 'target remote 127.0.0.1:$(GDB_PORT)' $(RUN_IMAGE)"
	$(Q)TINYPV_GDB_PORT=$(GDB_PORT) tools/run-interactive $(RUN_IMAGE) $(RUN_CONFIG) $(RUN_XEN)

# On a Xen host (as root): reads `xl info`, names the config that fits.
# With CONFIG=file instead: whether that PVH config's memory lines give it
# a big enough paging pool (needs no Xen).
which-config:
	$(Q)tools/which-config $(if $(CONFIG),--config $(CONFIG))

clean:
	rm -rf $(BUILD)
