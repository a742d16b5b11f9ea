# bench-compute: 1.2 billion steps of a 64-bit linear congruential generator (Knuth's MMIX
# constants), a dependent multiply-add chain with no privileged instruction, then prints the
# result (deterministic) and exits v = 0. Measures native speed under uhv.
    .include "uhv.inc"

.set ITERATIONS, 1200000000

    GUEST_ENTRY
    PRINTLN "bench-compute: 1200000000 lcg steps"
    mov $1, %eax
    mov $6364136223846793005, %r8
    mov $1442695040888963407, %r9
    mov $ITERATIONS, %r12d
1:  imul %r8, %rax
    add %r9, %rax
    dec %r12
    jnz 1b
    PUT_HEX 64, "result=", %rax
    EXIT EXIT_OK
