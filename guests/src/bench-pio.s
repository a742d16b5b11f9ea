# bench-pio: 400000 x (`out 0xe9, al`; `in al, 0xe9`) on the debug console (two traps each), then
# exit v = 0: the port I/O row of scripts/bench. Time it with --debugcon none (otherwise 100000
# bytes go to debugcon); reading port 0xe9 gives 0xe9 (QEMU's and Bochs's read-back), written next.
    .include "uhv.inc"

    GUEST_ENTRY
    mov $'.', %al
    BENCH_LOOP "bench-pio: 400000 x (out 0xe9, al; in al, 0xe9)"
    out %al, $DEBUGCON
    in $DEBUGCON, %al
    BENCH_END "bench-pio done"
