# bench-msr: 400000 x (`rdmsr`; `wrmsr`) of STAR, writing back what it read (two traps each), then
# exit v = 0: the MSR row of scripts/bench.
    .include "uhv.inc"

    GUEST_ENTRY
    mov $MSR_STAR, %ecx
    BENCH_LOOP "bench-msr: 400000 x (rdmsr, wrmsr) of STAR"
    rdmsr
    wrmsr
    BENCH_END "bench-msr done"
