# --- stress test of the console ring (tests/stress) ---------------------------
#
# Included from the top Makefile (after BUILD, HOSTCC, Q and quiet are set).
#
#   make stress                        1 GiB each way, -O2 and ThreadSanitizer
#   make stress STRESS_BYTES=64M       a quicker run (both builds)
#   make stress STRESS_SEED=1234       replay a seed printed by an earlier run
#
# Measured on the 2-CPU build machine: -O2 ~15 s and TSan ~45 s for 1 GiB
# each way, both directions at once; the canary stops at its first report
# (well under a second). 1 GiB under TSan fits the 3-minute budget because
# the test's own data checking is left uninstrumented (see stress_ring.c);
# STRESS_TSAN_BYTES can shrink the TSan run alone if a slower machine needs it.

STRESS_BYTES        ?= 1G
STRESS_TSAN_BYTES   ?= $(STRESS_BYTES)
STRESS_CANARY_BYTES ?= 64M
export STRESS_SEED

STRESS_CFLAGS := -std=gnu11 -g -pthread \
    -Wall -Wextra -Wshadow -Werror -Wno-unused-parameter \
    -Iinclude -Iarch/x86/include -I$(BUILD)/include -Itests/host -Itests/stress \
    -Itests/common \
    -D__XEN_INTERFACE_VERSION__=0x00040e00 -DTINYPV_HOST_TEST

# -fno-builtin-mem*: gcc expands a memcpy whose size it can bound (the ring
# copies) inline as `rep movsq`, and ThreadSanitizer does not see inline
# expansions at all. As calls, they go through TSan's interceptors.
STRESS_TSAN_CFLAGS := -O1 -fsanitize=thread \
    -fno-builtin-memcpy -fno-builtin-memset -fno-builtin-memcmp

# What the guest runs (RING_SRCS) and what plays the backend.
RING_SRCS   := console/ring.c lib/byte_ring.c
STRESS_SRCS := tests/stress/stress_ring.c tests/common/fake_backend.c
STRESS_DEPS := $(STRESS_SRCS) $(RING_SRCS) tests/stress/event.h tests/host/check.h \
    tests/common/fake_backend.h include/tinypv/ring.h include/lib/byte_ring.h \
    include/tinypv/barrier.h $(BUILD)/include/xen/xen.h

$(BUILD)/stress/stress_ring: $(STRESS_DEPS)
	$(quiet) HOSTCC $@
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) -O2 $(STRESS_CFLAGS) -o $@ $(STRESS_SRCS) $(RING_SRCS)

$(BUILD)/stress/stress_ring_tsan: $(STRESS_DEPS)
	$(quiet) HOSTCC $@
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(STRESS_TSAN_CFLAGS) $(STRESS_CFLAGS) -o $@ \
	    $(STRESS_SRCS) $(RING_SRCS)

# The canary: the ring code alone compiled against
# tests/stress/canary/tinypv/barrier.h (every acquire and release relaxed);
# the backend (fake_backend.c) keeps its real barriers.
$(BUILD)/stress/stress_ring_canary: $(STRESS_DEPS) tests/stress/canary/tinypv/barrier.h
	$(quiet) HOSTCC $@
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(STRESS_TSAN_CFLAGS) -Itests/stress/canary $(STRESS_CFLAGS) \
	    -c -o $@-ring.o console/ring.c
	$(Q)$(HOSTCC) $(STRESS_TSAN_CFLAGS) -Itests/stress/canary $(STRESS_CFLAGS) \
	    -c -o $@-byte_ring.o lib/byte_ring.c
	$(Q)$(HOSTCC) $(STRESS_TSAN_CFLAGS) $(STRESS_CFLAGS) -o $@ \
	    $(STRESS_SRCS) $@-ring.o $@-byte_ring.o

STRESS_BINS := $(BUILD)/stress/stress_ring $(BUILD)/stress/stress_ring_tsan \
    $(BUILD)/stress/stress_ring_canary

.PHONY: stress
stress: $(STRESS_BINS)
	$(Q)tests/stress/run $(BUILD)/stress $(STRESS_BYTES) $(STRESS_TSAN_BYTES) \
	    $(STRESS_CANARY_BYTES)
