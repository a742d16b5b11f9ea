# count-loop: a known number of instructions, for --single-step's count. From _start to the
# isa-debug-exit write there are 1 + 2 * LOOPS + 2 instructions, the `out` that ends the run
# included: no serial set-up, no library call.
    .include "uhv.inc"

.set LOOPS, 1000

    .section .text.entry, "ax"
    .globl _start
_start:
    mov $LOOPS, %ecx
1:  dec %ecx
    jnz 1b
    mov $EXIT_OK, %al
    out %al, $DEBUG_EXIT
