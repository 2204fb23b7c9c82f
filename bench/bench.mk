# --- host benchmark of the console ring writer (bench/) -----------------------
#
# Included from the top Makefile (after BUILD, HOSTCC, LD, Q and quiet are set).
#
#   make bench-host                          7 runs per cell, 2 s per model size
#   make bench-host BENCH_RUNS=9 BENCH_MODEL_SECONDS=3
#   make bench-host BENCH_BASELINE=REV       also git revision REV's writer,
#                                            paired run by run with ours
#
# About 25 s with the defaults (about 40 s with a baseline). See
# bench/README.md for how to read the table.

BENCH_RUNS          ?= 7
BENCH_MODEL_SECONDS ?= 2
BENCH_BASELINE      ?=

# No tree's include directories here: each writer brings its own.
BENCH_CFLAGS := -std=gnu11 -O2 -g -pthread \
    -Wall -Wextra -Wshadow -Werror -Wno-unused-parameter \
    -I$(BUILD)/include -Itests/stress -Itests/common \
    -D__XEN_INTERFACE_VERSION__=0x00040e00 -DTINYPV_HOST_TEST
BENCH_TREE_INC := -Iinclude -Iarch/x86/include

# $(call bench_writer,OBJECT,TREE,TABLE,NAME): bench/writer.c with TREE's
# console writer (console/ring.c, and lib/byte_ring.c where TREE has one),
# linked into one object in which only the table TABLE stays global, so
# that two trees' writers can sit in one program.
define bench_writer
	$(quiet) HOSTCC $(1)
	@mkdir -p $(dir $(1))
	$(Q)set -e; objs=; \
	for s in bench/writer.c $(2)/console/ring.c $(2)/lib/byte_ring.c; do \
	    [ -f "$$s" ] || continue; \
	    o=$(1:.o=)-$$(basename $$s .c).o; \
	    $(HOSTCC) $(BENCH_CFLAGS) -I$(2)/include -I$(2)/arch/x86/include \
	        -fvisibility=hidden -DBENCH_WRITER=$(3) \
	        -DBENCH_WRITER_NAME='"$(4)"' -c -o $$o $$s; \
	    objs="$$objs $$o"; \
	done; \
	$(LD) -r -o $(1) $$objs; \
	objcopy --localize-hidden $(1)
endef

BENCH_WRITERS := $(BUILD)/bench/writer-tree.o
BENCH_BIN     := $(BUILD)/bench/ring_bench

$(BUILD)/bench/writer-tree.o: bench/writer.c bench/writer.h console/ring.c \
    lib/byte_ring.c include/tinypv/ring.h include/lib/byte_ring.h \
    include/tinypv/barrier.h $(BUILD)/include/xen/xen.h
	$(call bench_writer,$@,.,bench_writer_tree,this tree)

# The baseline: REV's tree exported (again whenever REV names another
# commit than last time), its writer built as ours is.
ifneq ($(BENCH_BASELINE),)
BENCH_BASE_TAG := $(subst /,_,$(BENCH_BASELINE))
BENCH_BASE_SRC := $(BUILD)/bench/baseline-$(BENCH_BASE_TAG)
BENCH_WRITERS  += $(BUILD)/bench/writer-baseline-$(BENCH_BASE_TAG).o
BENCH_BIN      := $(BUILD)/bench/ring_bench-$(BENCH_BASE_TAG)

$(BENCH_BASE_SRC)/.exported: bench-baseline-check
	@rev=$$(git rev-parse --verify -q '$(BENCH_BASELINE)^{commit}') || { \
	    echo "bench: BENCH_BASELINE=$(BENCH_BASELINE) is not a commit" >&2; \
	    exit 1; }; \
	[ "$$(cat $@ 2>/dev/null)" != "$$rev" ] || exit 0; \
	rm -rf $(BENCH_BASE_SRC); mkdir -p $(BENCH_BASE_SRC); \
	git archive "$$rev" include arch/x86/include console lib | \
	    tar -x -C $(BENCH_BASE_SRC); \
	echo "$$rev" >$@

$(BUILD)/bench/writer-baseline-$(BENCH_BASE_TAG).o: $(BENCH_BASE_SRC)/.exported \
    bench/writer.c bench/writer.h $(BUILD)/include/xen/xen.h
	$(call bench_writer,$@,$(BENCH_BASE_SRC),bench_writer_baseline,$(BENCH_BASELINE) ($(shell cut -c1-12 $(BENCH_BASE_SRC)/.exported)))

.PHONY: bench-baseline-check
bench-baseline-check:
endif

$(BENCH_BIN): bench/ring_bench.c bench/writer.h tests/stress/event.h \
    tests/common/fake_backend.c tests/common/fake_backend.h $(BENCH_WRITERS)
	$(quiet) HOSTCC $@
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) $(BENCH_TREE_INC) -o $@ bench/ring_bench.c \
	    tests/common/fake_backend.c $(BENCH_WRITERS)

.PHONY: bench-host
bench-host: $(BENCH_BIN)
	$(Q)$(BENCH_BIN) $(BENCH_RUNS) $(BENCH_MODEL_SECONDS)
