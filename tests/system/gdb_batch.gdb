# gdb_batch.gdb: what tests/system/run's gdb case makes gdb do, in batch
# mode, on the PV image (docs/labs/gdb.md). QEMU's stub is at the port
# that the run puts in $TINYPV_GDB_TARGET (target remote is the run's
# -ex, before this file). Only globals are printed: gdb talks to a 64-bit
# CPU (QEMU's x86_64 target), and a 32-bit image's DWARF register numbers
# for locals mean other registers there.
# Hardware breakpoints (thbreak): gdb asks the stub for them (a Z1 packet)
# and never reads or writes memory at an address that, while the CPU runs
# Xen or dom0, is not tinypv's.
set pagination off
set confirm off
thbreak start_kernel
continue
# cs tells whose code stopped: 0xe019 is a 32-bit PV guest's ring-1 code.
printf "GDB: stopped in start_kernel, cs %#x, pc %#x\n", $cs, $pc
thbreak xencons_kick
continue
printf "GDB: in xencons_kick, cs %#x, out_prod %u, out_cons %u, prod %u\n", $cs, writer.intf->out_prod, writer.intf->out_cons, writer.prod
print writer.stats
continue
