# linux-layout: a kernel whose GDT puts its ring-3 segments where Linux puts them (0x23 32-bit code,
# 0x2b data, 0x33 64-bit code), which are also the host's own user selectors, so its `iretq` to
# ring 3 runs natively on the host without a trap. The ring-3 program then runs `hlt`, which must
# raise #GP(0) in this kernel (uhv must know the guest is at CPL3), with CS 0x33 and SS 0x2b in
# the frame and the frame on the TSS's RSP0 stack.
    .include "uhv.inc"
    .include "kernel.inc"

.set LINUX_USER_DS, 0x2b
.set LINUX_USER_CS, 0x33

    GUEST_ENTRY
    call kernel_init
    # The TSS descriptor kernel_init built (busy after its ltr) moves to slot 0x40, as in Linux.
    mov gdt + TSS_SEL(%rip), %rax
    mov %rax, linux_gdt + 0x40(%rip)
    mov gdt + TSS_SEL + 8(%rip), %rax
    mov %rax, linux_gdt + 0x48(%rip)
    lgdt linux_gdtr(%rip)
    PRINTLN "iretq to ring 3 at CS 0x33, SS 0x2b"
    push $LINUX_USER_DS
    lea user_stack_top(%rip), %rax
    push %rax
    push $(RFLAGS_IF | RFLAGS_FIXED)
    push $LINUX_USER_CS
    lea user_hlt(%rip), %rax
    push %rax
    iretq

    .globl user_hlt
user_hlt:
    hlt
    jmp user_hlt                # never: the #GP handler ends the run

    .globl exception_handler
exception_handler:
    PUT_HEX 8, "vector=", F_VECTOR(%rdi)
    PUT_HEX 16, "cs=", F_CS(%rdi)
    PUT_HEX 16, "ss=", F_SS(%rdi)
    EXPECT F_VECTOR(%rdi), $13, "#GP from hlt at ring 3"
    EXPECT F_ERROR(%rdi), $0, "error code"
    lea user_hlt(%rip), %rdx
    EXPECT F_RIP(%rdi), %rdx, "frame rip"
    EXPECT F_CS(%rdi), $LINUX_USER_CS, "frame cs"
    EXPECT F_SS(%rdi), $LINUX_USER_DS, "frame ss"
    lea kernel_stack_top(%rip), %rdx
    sub $(F_SIZE - F_RIP), %rdx
    lea F_RIP(%rdi), %rax
    EXPECT %rax, %rdx, "frame on the TSS RSP0 stack"
    FINISH

    .data
    .balign 8
linux_gdt:
    .quad 0                             # null
    .quad 0x00af9a000000ffff            # 0x08: 64-bit code, DPL 0
    .quad 0x00cf92000000ffff            # 0x10: data, DPL 0
    .quad 0                             # 0x18
    .quad 0x00cffa000000ffff            # 0x20 (0x23): 32-bit code, DPL 3
    .quad 0x00cff2000000ffff            # 0x28 (0x2b): data, DPL 3
    .quad 0x00affa000000ffff            # 0x30 (0x33): 64-bit code, DPL 3
    .quad 0                             # 0x38
    .quad 0, 0                          # 0x40: the TSS
linux_gdt_end:
    .balign 4
    .word 0
linux_gdtr:
    .word linux_gdt_end - linux_gdt - 1
    .quad linux_gdt

    .bss
    .balign 16
    .skip 4096
user_stack_top:
