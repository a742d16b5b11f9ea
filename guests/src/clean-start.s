# clean-start: the vector state a guest starts with, as after a CPU reset: xmm0-xmm15 all zero and
# MXCSR = 0x1f80, with nothing of uhv's child process left in them (its C library leaves pointers
# in vector registers). ORs the sixteen registers together, prints the result and MXCSR, checks both.
    .include "uhv.inc"

    GUEST_ENTRY
    por %xmm1, %xmm0
    por %xmm2, %xmm0
    por %xmm3, %xmm0
    por %xmm4, %xmm0
    por %xmm5, %xmm0
    por %xmm6, %xmm0
    por %xmm7, %xmm0
    por %xmm8, %xmm0
    por %xmm9, %xmm0
    por %xmm10, %xmm0
    por %xmm11, %xmm0
    por %xmm12, %xmm0
    por %xmm13, %xmm0
    por %xmm14, %xmm0
    por %xmm15, %xmm0
    movq %xmm0, %rbx
    psrldq $8, %xmm0
    movq %xmm0, %rcx
    or %rcx, %rbx
    PUT_HEX 64, "xmm0-15 or'ed=", %rbx
    EXPECT %rbx, $0, "xmm0-15 at start"
    sub $8, %rsp
    stmxcsr (%rsp)
    mov (%rsp), %ebx
    add $8, %rsp
    PUT_HEX 32, "mxcsr=", %rbx
    EXPECT %rbx, $0x1f80, "mxcsr at start"
    FINISH
