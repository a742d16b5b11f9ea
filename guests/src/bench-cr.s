# bench-cr: 400000 x `mov rax, cr0` (one trap each), then exit v = 0: the control-register row of
# scripts/bench.
    .include "uhv.inc"

    GUEST_ENTRY
    BENCH_LOOP "bench-cr: 400000 x mov rax, cr0"
    mov %cr0, %rax
    BENCH_END "bench-cr done"
