# tests/fuzz/fuzz.mk: libFuzzer targets for the pure parts of the kernel.
#
# Included from the top Makefile (after BUILD, quiet and Q are set, and
# after the rule for $(BUILD)/include/xen/xen.h):
#
#     include tests/fuzz/fuzz.mk
#
#   make fuzz-build           build every target into $(BUILD)/fuzz/
#   make fuzz-smoke           each target FUZZ_SMOKE_SECONDS (5) seconds
#   make fuzz                 each target FUZZ_SECONDS (60) seconds
#   make fuzz FUZZ_TARGETS=format FUZZ_SECONDS=600    one target, longer
#
# Each run first replays tests/fuzz/regressions/<target>/*, then fuzzes a
# copy of tests/fuzz/corpus/<target>/ in $(BUILD)/fuzz/corpus-<target>
# (the committed seeds are never written to). A crash fails the run and
# leaves its input in $(BUILD)/fuzz/; tests/fuzz/run says what to do next.
#
# Needs clang with libFuzzer's runtime; on Debian 12 that is the packages
# clang and libclang-rt-14-dev (tools/install-deps).

FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_SMOKE_SEED    ?= 1
FUZZ_TARGETS       ?= console_ring line_editor shell_parse format cmdline xenstore \
                      page_alloc memmap gnttab balloon xenbus blkif net netif

# As HOST_CFLAGS, with libFuzzer's instrumentation and entry point.
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Wall -Wextra -Wshadow -Werror -Wno-unused-parameter \
    -Iinclude -Iarch/x86/include -I$(BUILD)/include -Itests/fuzz -Itests/common \
    -D__XEN_INTERFACE_VERSION__=0x00040e00 -DTINYPV_HOST_TEST \
    -Dsnprintf=k_snprintf -Dvsnprintf=k_vsnprintf

# Each target: tests/fuzz/fuzz_NAME.c plus the kernel sources listed here.
fuzz_console_ring_SRCS := console/ring.c lib/byte_ring.c tests/common/fake_backend.c
fuzz_line_editor_SRCS  := monitor/line_editor.c
fuzz_shell_parse_SRCS  := monitor/shell_parse.c
fuzz_format_SRCS       := lib/format.c
fuzz_cmdline_SRCS      := lib/cmdline.c
fuzz_xenstore_SRCS     := xenstore/xs_proto.c xenstore/xs_ring.c lib/byte_ring.c \
                          tests/common/fake_backend.c
fuzz_page_alloc_SRCS   := mm/page_alloc.c
fuzz_memmap_SRCS       := mm/memmap.c
fuzz_gnttab_SRCS       := grant/gnttab_table.c
fuzz_balloon_SRCS      := mm/balloon_policy.c
fuzz_xenbus_SRCS       := xenbus/xenbus_path.c lib/format.c
fuzz_blkif_SRCS        := blkfront/blkif_book.c lib/format.c
fuzz_net_SRCS          := net/net_stack.c
fuzz_netif_SRCS        := netfront/netif_book.c

FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))

# One compiler run builds each target from several sources, and -MMD would
# record the headers of the last source only; so every target simply
# depends on all the kernel's headers (small binaries, quickly rebuilt).
FUZZ_HEADERS := $(wildcard include/*/*.h arch/x86/include/*/*.h) tests/fuzz/fuzz.h \
    tests/common/fake_backend.h

define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $$(fuzz_$(1)_SRCS) $$(FUZZ_HEADERS) $(BUILD)/include/xen/xen.h
	$$(quiet) FUZZCC $$@
	@mkdir -p $$(dir $$@)
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ tests/fuzz/fuzz_$(1).c $$(fuzz_$(1)_SRCS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

.PHONY: fuzz-build fuzz-smoke fuzz
fuzz-build: $(FUZZ_BINS)

fuzz-smoke: $(FUZZ_BINS)
	$(Q)FUZZ_SEED=$(FUZZ_SMOKE_SEED) tests/fuzz/run $(FUZZ_SMOKE_SECONDS) $(BUILD) $(FUZZ_TARGETS)

fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run $(FUZZ_SECONDS) $(BUILD) $(FUZZ_TARGETS)
