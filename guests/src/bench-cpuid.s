# bench-cpuid: 400000 x `cpuid` of leaf 0 (one trap each where uhv intercepts cpuid: CPUID faulting,
# or the code scanner's patch), then exit v = 0: the cpuid row of scripts/bench. With
# --sensitive off it runs natively and traps only to print.
    .include "uhv.inc"

    GUEST_ENTRY
    BENCH_LOOP "bench-cpuid: 400000 x cpuid (leaf 0)"
    xor %eax, %eax
    xor %ecx, %ecx
    cpuid
    BENCH_END "bench-cpuid done"
