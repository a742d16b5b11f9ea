# bench-traps: 100000 iterations of four trapping instructions (mov from cr0, rdmsr, wrmsr, out to
# debugcon) and three native ones (mov ecx, dec, jnz), then exit v = 0. Time it with --debugcon none:
# with debugcon on, it writes 100000 copies of STAR's low byte to it.
    .include "uhv.inc"

.set ITERATIONS, 100000

    GUEST_ENTRY
    PRINTLN "bench-traps: 100000 x (mov cr0, rdmsr, wrmsr, out 0xe9)"
    mov $ITERATIONS, %r12d
1:  mov %cr0, %rax
    mov $MSR_STAR, %ecx
    rdmsr
    wrmsr
    out %al, $DEBUGCON
    dec %r12
    jnz 1b
    PRINTLN "bench-traps done"
    EXIT EXIT_OK
