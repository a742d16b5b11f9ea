# tf-step: single-steps seven instructions with RFLAGS.TF, among them three that uhv emulates
# (mov from CR0, rdmsr, out): the CPU raises a single-step #DB, a trap, after every instruction
# (SDM vol. 3A 18.3.1.4), emulated or not. The #DB handler (lib/kernel.s IDT, gate 1) logs the
# frame's RIP, checks TF is set and RF clear in the pushed RFLAGS, and clears TF when the last
# step is reached. The log must be the address after each instruction, in order; popfq's own
# instruction is not stepped (TF takes effect after the instruction that follows it).
    .include "uhv.inc"
    .include "kernel.inc"

.set N_STEPS, 7
.set MAX_LOG, 16

    GUEST_ENTRY
    call kernel_init
    PRINTLN "tf-step: single-stepping 7 instructions"
    mov $0x80, %edx                     # for `out %al, (%dx)`: POST port, nothing claims it
    pushfq
    orq $RFLAGS_TF, (%rsp)
    popfq
step0:
    nop                                 # the first trap comes after this one
step1:
    mov %cr0, %rax
step2:
    inc %rbx
step3:
    mov $MSR_STAR, %ecx
step4:
    rdmsr
step5:
    out %al, (%dx)
step6:
    nop
    .globl step_end
step_end:
    # TF is clear again here (the handler cleared it in the frame of the last #DB).
    mov steps(%rip), %rax
    PUT_HEX 8, "steps=", %rax
    EXPECT %rax, $N_STEPS, "single-step traps"
    cmp $N_STEPS, %rax
    jbe 1f
    mov $N_STEPS, %eax
1:  xor %ecx, %ecx
2:  cmp %rax, %rcx
    jae 3f
    lea step_log(%rip), %rsi
    mov (%rsi,%rcx,8), %rdi
    lea expected(%rip), %rsi
    mov (%rsi,%rcx,8), %rdx
    EXPECT %rdi, %rdx, "rip of a single-step trap"
    inc %rcx
    jmp 2b
3:  PRINTLN "tf-step done"
    FINISH

# Called by lib/kernel.s with rdi = the frame. Only #DB is expected.
    .globl exception_handler
exception_handler:
    mov %rdi, %rbx
    cmpq $1, F_VECTOR(%rbx)
    je 1f
    UNEXPECTED_EXCEPTION %rbx, error=0
1:  mov F_RFLAGS(%rbx), %rax
    and $(RFLAGS_RF | RFLAGS_TF), %eax
    EXPECT %rax, $RFLAGS_TF, "#DB frame rflags (TF set, RF clear)"
    mov steps(%rip), %rcx
    cmp $MAX_LOG, %rcx
    jb 2f
    FAIL "too many single-step traps"
    FINISH
2:  mov F_RIP(%rbx), %rax
    lea step_log(%rip), %rdx
    mov %rax, (%rdx,%rcx,8)
    incq steps(%rip)
    lea step_end(%rip), %rdx
    cmp %rdx, %rax
    jne 3f
    andq $~RFLAGS_TF, F_RFLAGS(%rbx)
3:  ret

    .section .rodata
    .balign 8
expected:
    .quad step1, step2, step3, step4, step5, step6, step_end

    .data
    .balign 8
steps:
    .quad 0
step_log:
    .fill MAX_LOG, 8, 0
