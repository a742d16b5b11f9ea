# The kernel tables that the KERNEL_GUESTS share: a GDT with kernel and user segments and a 64-bit
# TSS, the TSS (RSP0, IST1), an IDT of 256 interrupt gates, one stub per vector and the common
# entry that calls the guest's `exception_handler`; and the checks of armed exceptions that an
# exception_handler may call (exceptions.s, rings.s). Constants, the frame and the macros:
# kernel.inc.
    .include "uhv.inc"
    .include "kernel.inc"

.set GATE_INTR_DPL0, 0x8e       # gate type/attribute byte: present, DPL 0, 64-bit interrupt gate
.set GATE_INTR_DPL3, 0xee       # the same with DPL 3
.set STUB_SIZE, 16              # each stub starts 16 bytes after the one before it

    .text

# kernel_init: loads the GDT (then CS with a far return, DS, ES and SS), the TSS (ltr) and the
# IDT. Call it at CPL0. Preserves every general-purpose register.
    .globl kernel_init
kernel_init:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi

    # The TSS descriptor: its base is known at link time only.
    lea tss(%rip), %rax
    lea gdt + TSS_SEL(%rip), %rdi
    mov $(TSS_SIZE - 1), %ecx
    mov $TSS_AVAILABLE_64, %dl
    call set_system_descriptor

    # The TSS: RSP0 for a change to CPL0, IST1, and no I/O permission bitmap (its offset is the
    # TSS limit + 1), so port I/O at CPL3 with IOPL 0 raises #GP.
    lea kernel_stack_top(%rip), %rax
    mov %rax, tss + TSS_RSP0(%rip)
    lea ist1_stack_top(%rip), %rax
    mov %rax, tss + TSS_IST1(%rip)
    movw $TSS_SIZE, tss + TSS_IOPB(%rip)

    # The IDT: gate i points at stub i.
    lea idt(%rip), %rdi
    lea isr_stubs(%rip), %rsi
    xor %ecx, %ecx
1:  mov %rsi, %rax
    mov %ax, (%rdi)                     # offset 15:0
    movw $KERNEL_CS, 2(%rdi)            # segment selector
    movb $0, 4(%rdi)                    # IST
    movb $GATE_INTR_DPL0, 5(%rdi)
    shr $16, %rax
    mov %ax, 6(%rdi)                    # offset 31:16
    shr $16, %rax
    mov %eax, 8(%rdi)                   # offset 63:32
    movl $0, 12(%rdi)                   # reserved
    add $STUB_SIZE, %rsi
    add $16, %rdi
    inc %ecx
    cmp $256, %ecx
    jb 1b
    movb $GATE_INTR_DPL3, idt + 3 * 16 + 5(%rip)
    movb $GATE_INTR_DPL3, idt + 4 * 16 + 5(%rip)
    movb $1, idt + IST_VECTOR_A * 16 + 4(%rip)
    movb $1, idt + IST_VECTOR_B * 16 + 4(%rip)

    lgdt gdtr(%rip)
    # Reload CS through a far return to KERNEL_CS, then the data segments.
    pushq $KERNEL_CS
    lea 2f(%rip), %rax
    push %rax
    lretq
2:  mov $KERNEL_DS, %eax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $TSS_SEL, %eax
    ltr %ax
    lidt idtr(%rip)

    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    ret

# The common entry: the stub has pushed the error code (or 0) and the vector.
isr_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    cld
    mov %rsp, %rdi
    call exception_handler
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp                       # vector and error code
    iretq

# --- armed exceptions (see ARM_EXCEPTION in kernel.inc) ------------------------------------------
# Each takes rdi = the frame, as exception_handler gets it, and preserves every general-purpose
# register.

# check_vector_error: prints `vector=0x..` and `error=0x........`, checks them against the armed
# vector and error code.
    .globl check_vector_error
check_vector_error:
    push %rax
    mov F_VECTOR(%rdi), %rax
    PUT_HEX 8, "vector=", %rax
    EXPECT %rax, exp_vector(%rip), "vector"
    mov F_ERROR(%rdi), %rax
    PUT_HEX 32, "error=", %rax
    EXPECT %rax, exp_error(%rip), "error code"
    pop %rax
    ret

# check_frame_stack: checks the frame's RSP and RFLAGS & FLAGS_CHECKED against the armed ones, and
# where the CPU put the frame: SS's slot 8 below rdx, the top of the stack the exception is
# delivered on (no IST), or 8 below ist1_stack_top if it was armed with ist = 1.
    .globl check_frame_stack
check_frame_stack:
    push %rax
    push %rdx
    EXPECT F_RSP(%rdi), exp_rsp(%rip), "frame rsp"
    mov F_RFLAGS(%rdi), %rax
    and $FLAGS_CHECKED, %eax
    EXPECT %rax, exp_flags(%rip), "frame rflags (RF, IF, TF, bit 1)"
    lea F_SS(%rdi), %rax
    cmpq $0, exp_ist(%rip)
    je 1f
    lea ist1_stack_top(%rip), %rdx
1:  sub $8, %rdx
    EXPECT %rax, %rdx, "frame address (ss slot)"
    pop %rdx
    pop %rax
    ret

# resume_armed: clears TF in the frame's RFLAGS, sets its RIP to the armed resume address, disarms
# and counts the exception in `caught` and `delivered`.
    .globl resume_armed
resume_armed:
    push %rax
    andq $~RFLAGS_TF, F_RFLAGS(%rdi)
    mov resume(%rip), %rax
    mov %rax, F_RIP(%rdi)
    movq $0, resume(%rip)
    incq caught(%rip)
    incq delivered(%rip)
    pop %rax
    ret

# One 16-byte stub per vector: a 0 in place of the error code where the CPU pushes none, then the
# vector. The CPU pushes an error code for #DF (8), #TS (10), #NP (11), #SS (12), #GP (13),
# #PF (14), #AC (17), #CP (21), #VC (29) and #SX (30) (SDM vol. 3A table 6-1; `int n` never does).
    .balign STUB_SIZE
    .globl isr_stubs
isr_stubs:
    .set vector, 0
    .rept 256
    .balign STUB_SIZE
    .if (vector == 8) || ((vector >= 10) && (vector <= 14)) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    .else
    pushq $0
    .endif
    pushq $vector
    jmp isr_common
    .set vector, vector + 1
    .endr
    .globl isr_stubs_end
isr_stubs_end:

    .data
    .balign 16
    .globl gdt
gdt:
    .quad 0                             # null
    .quad 0x00af9a000000ffff            # 0x08: 64-bit code, DPL 0
    .quad 0x00cf92000000ffff            # 0x10: data, DPL 0
    .quad 0x00cffa000000ffff            # 0x18: 32-bit code, DPL 3
    .quad 0x00cff2000000ffff            # 0x20: data, DPL 3
    .quad 0x00affa000000ffff            # 0x28: 64-bit code, DPL 3
    .quad 0, 0                          # 0x30: 64-bit TSS, 16 bytes, filled in by kernel_init
gdt_end:
    .balign 4
    .word 0                             # limit at an address MOD 4 = 2, base 4-aligned (SDM 3A 3.5.1)
gdtr:
    .word gdt_end - gdt - 1
    .quad gdt
    .balign 4
    .word 0
idtr:
    .word 256 * 16 - 1
    .quad idt
    .balign 16
    .globl tss
tss:
    .fill TSS_SIZE, 1, 0
# What the next exception's frame must hold (ARM_EXCEPTION), and the counts of resume_armed.
    .balign 8
    .globl exp_vector, exp_error, exp_rip, exp_flags, exp_ist, exp_cr2, exp_rsp
    .globl resume, caught, delivered
exp_vector: .quad 0
exp_error:  .quad 0
exp_rip:    .quad 0
exp_flags:  .quad 0
exp_ist:    .quad 0
exp_cr2:    .quad 0
exp_rsp:    .quad 0
resume:     .quad 0             # where the handler resumes; 0: no exception is armed
caught:     .quad 0             # exceptions since the last ARM_EXCEPTION
delivered:  .quad 0             # exceptions in all
    .balign 4096
    .globl idt
idt:
    .fill 256 * 16, 1, 0
# Stacks (16-byte aligned tops): RSP0 for a change to CPL0, IST1 for vectors 3 and 8.
    .globl kernel_stack, kernel_stack_top, ist1_stack, ist1_stack_top
kernel_stack:
    .fill 4096, 1, 0
kernel_stack_top:
ist1_stack:
    .fill 4096, 1, 0
ist1_stack_top:
