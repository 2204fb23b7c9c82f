# --- host benchmark of the console ring writer (bench/) -----------------------
#
# Included from the top Makefile (after BUILD, HOSTCC, Q and quiet are set).
#
#   make bench-host                          7 runs per cell, 2 s per model size
#   make bench-host BENCH_RUNS=9 BENCH_MODEL_SECONDS=3
#
# About 25 s with the defaults. See bench/README.md for how to read the table.

BENCH_RUNS          ?= 7
BENCH_MODEL_SECONDS ?= 2

BENCH_CFLAGS := -std=gnu11 -O2 -g -pthread \
    -Wall -Wextra -Wshadow -Werror -Wno-unused-parameter \
    -Iinclude -Iarch/x86/include -I$(BUILD)/include -Itests/stress \
    -D__XEN_INTERFACE_VERSION__=0x00040e00 -DTINYPV_HOST_TEST

$(BUILD)/bench/ring_bench: bench/ring_bench.c tests/stress/event.h console/ring.c \
    lib/byte_ring.c include/tinypv/ring.h include/lib/byte_ring.h \
    include/tinypv/barrier.h $(BUILD)/include/xen/xen.h
	$(quiet) HOSTCC $@
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) -o $@ bench/ring_bench.c console/ring.c \
	    lib/byte_ring.c

.PHONY: bench-host
bench-host: $(BUILD)/bench/ring_bench
	$(Q)$(BUILD)/bench/ring_bench $(BENCH_RUNS) $(BENCH_MODEL_SECONDS)
