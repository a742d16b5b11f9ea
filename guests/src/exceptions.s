# exceptions: a ring-0 kernel with its own GDT, TSS and IDT (lib/kernel.s) takes 15 exceptions and
# interrupts through its IDT and checks each frame (SDM vol. 3A 6.12, 6.14): vector, error code,
# CR2 for #PF, the saved RIP (the faulting instruction for a fault, the next one for a trap), CS,
# SS and RSP as they were, RFLAGS.RF set for a fault and clear for a trap, and where the CPU put
# the frame: below the interrupted RSP aligned down to 16 (no stack switch at CPL0), or below the
# IST1 stack top for #BP. Each test prints its name, the handler prints `vector=`, `error=` (and
# `cr2=` for #PF) and resumes at the test's resume label; the test then checks that exactly one
# exception came. Ends with `delivered=0x0f`, `exceptions done` and FINISH.
    .include "uhv.inc"
    .include "kernel.inc"

.set NOWHERE, 0x7f000000        # outside guest RAM, whatever --mem is (at most 1G)

# What the handler expects in the pushed RFLAGS, of FLAGS_CHECKED (RF | IF | TF | bit 1). IF is 0
# all through.
.set FAULT, RFLAGS_FIXED | RFLAGS_RF
.set TRAP, RFLAGS_FIXED
.set TRAP_TF, RFLAGS_FIXED | RFLAGS_TF

.set N_TESTS, 15

# ARM "name", vector, error, at, flags, resume[, ist, pushed, cr2]: prints the test's name and
# arms the next exception (ARM_EXCEPTION in kernel.inc: the frame's RIP is `at`, its RFLAGS masked
# with FLAGS_CHECKED are `flags`, its RSP is the current rsp less `pushed`, what the trigger pushes
# before the exception; ist = 1 when the vector's gate uses IST1; and where it resumes).
# Preserves every register but rflags.
.macro ARM name:req, vector:req, error:req, at:req, flags:req, resume:req, ist=0, pushed=0, cr2=0
    PRINTLN "\name"
    ARM_EXCEPTION \vector, \error, \at, \flags, \resume, \ist, \pushed, \cr2
.endm

# CAUGHT: at a resume label: exactly one exception came since ARM.
.macro CAUGHT
    EXPECT caught(%rip), $1, "exceptions taken"
    movq $0, resume(%rip)
.endm

    GUEST_ENTRY
    call kernel_init
    PRINTLN "exceptions: GDT, TSS and IDT loaded"

    # #DE: a fault at the div. rsp = 8 mod 16 here, so the CPU must align it down first. The
    # registers the handler does not touch must come back as they were.
    sub $8, %rsp
    ARM "#DE: div by zero", 0, 0, de_div, FAULT, de_div_resume
    mov $0x1111111111111111, %rbx
    mov $0x2222222222222222, %rbp
    mov $0x3333333333333333, %r12
    mov $0xcccccccccccccccc, %r15
    mov $1, %eax
    xor %edx, %edx
    xor %ecx, %ecx
    FAULT_SITE de_div, div %ecx
    CAUGHT
    EXPECT %rbx, $0x1111111111111111, "rbx after #DE"
    EXPECT %rbp, $0x2222222222222222, "rbp after #DE"
    EXPECT %r12, $0x3333333333333333, "r12 after #DE"
    EXPECT %r15, $0xcccccccccccccccc, "r15 after #DE"
    add $8, %rsp

    # #BP: a trap, rip after the int3; gate 3 uses IST1.
    ARM "#BP: int3", 3, 0, bp_after, TRAP, bp_after, ist=1
    .globl bp_int3
bp_int3:
    int3
bp_after:
    CAUGHT

    # #DB from TF: popfq sets TF, the trap comes after the instruction that follows it (SDM vol. 3A
    # 18.3.1.4), with TF set in the pushed RFLAGS. The handler clears it there.
    ARM "#DB: single step", 1, 0, tf_after, TRAP_TF, tf_after
    pushfq
    orq $RFLAGS_TF, (%rsp)
    popfq
    nop
tf_after:
    CAUGHT

    # #DB from int1 (icebp, 0xf1): a trap, rip after it.
    ARM "#DB: int1", 1, 0, int1_after, TRAP, int1_after
    .byte 0xf1
int1_after:
    CAUGHT

    ARM "#UD: ud2", 6, 0, ud_ud2, FAULT, ud_ud2_resume
    FAULT_SITE ud_ud2, ud2
    CAUGHT

    ARM "#UD: push es in 64-bit mode", 6, 0, ud_pushes, FAULT, ud_pushes_resume
    FAULT_SITE ud_pushes, .byte 0x06
    CAUGHT

    # #GP(0): reserved CR4 bit 63 (SDM vol. 3A 2.5). CR4 must be left as it was.
    ARM "#GP: reserved CR4 bit", 13, 0, gp_cr4, FAULT, gp_cr4_resume
    mov %cr4, %rbx
    mov %rbx, %rax
    bts $63, %rax
    FAULT_SITE gp_cr4, mov %rax, %cr4
    CAUGHT
    mov %cr4, %rax
    EXPECT %rax, %rbx, "cr4 after #GP"

    ARM "#GP: rdmsr 0xdeadbeef", 13, 0, gp_rdmsr, FAULT, gp_rdmsr_resume
    mov $0xdeadbeef, %ecx
    FAULT_SITE gp_rdmsr, rdmsr
    CAUGHT

    # #GP(0): a load through a non-canonical address (not #SS: the segment is DS).
    ARM "#GP: non-canonical read", 13, 0, gp_noncanon, FAULT, gp_noncanon_resume
    mov $0x8000000000000000, %rax
    FAULT_SITE gp_noncanon, mov (%rax), %rcx
    CAUGHT

    # #PF outside guest RAM: CR2 = the address; error code P = 0, W for a write, I for a fetch
    # (EFER.NXE is on). The read runs with rsp = 8 mod 16.
    sub $8, %rsp
    ARM "#PF: read outside RAM", 14, 0, pf_read, FAULT, pf_read_resume, cr2=NOWHERE
    mov $NOWHERE, %eax
    FAULT_SITE pf_read, mov (%rax), %rcx
    CAUGHT
    add $8, %rsp

    ARM "#PF: write outside RAM", 14, 2, pf_write, FAULT, pf_write_resume, cr2=NOWHERE
    mov $NOWHERE, %eax
    FAULT_SITE pf_write, movq $1, (%rax)
    CAUGHT

    # The call completes (its return address is pushed), then the fetch at the target faults:
    # the frame's RIP is NOWHERE and its RSP 8 lower.
    ARM "#PF: fetch outside RAM", 14, 0x10, NOWHERE, FAULT, pf_fetch_resume, pushed=8, cr2=NOWHERE
    mov $NOWHERE, %eax
    .globl pf_fetch
pf_fetch:
    call *%rax
pf_fetch_return:
    FAIL "#PF: fetch: the call returned"
pf_fetch_resume:
    CAUGHT
    pop %rax
    lea pf_fetch_return(%rip), %rdx
    EXPECT %rax, %rdx, "return address pushed by the call"

    # Software interrupts through DPL 0 gates at CPL 0: traps, rip after the int; no error code
    # (the stub pushes 0).
    ARM "int 0x40", 0x40, 0, int40_after, TRAP, int40_after
    int $0x40
int40_after:
    CAUGHT

    sub $8, %rsp
    ARM "int 0x80", 0x80, 0, int80_after, TRAP, int80_after
    int $0x80
int80_after:
    CAUGHT
    add $8, %rsp

    # A gate of the right type with P = 0: #NP(0x50 * 8 + 2) (IDT bit; EXT = 0 for int n), a
    # fault at the int (SDM vol. 2A INT n, IA-32e mode). Gate 0x50 is made present again after.
    andb $0x7f, idt + 0x50 * 16 + 5(%rip)
    ARM "#NP: int 0x50 through a not-present gate", 11, (0x50*8+2), np_int50, FAULT, np_int50_resume
    FAULT_SITE np_int50, int $0x50
    CAUGHT
    orb $0x80, idt + 0x50 * 16 + 5(%rip)

    CHECK_DELIVERED N_TESTS
    PRINTLN "exceptions done"
    FINISH

# Called by lib/kernel.s for every vector with rdi = the frame (kernel.inc). Checks it against
# what ARM set, clears TF in the saved RFLAGS and resumes at the armed label (lib/kernel.s's armed
# exception routines). An exception nobody armed is a failure: print it and finish.
    .globl exception_handler
exception_handler:
    cmpq $0, resume(%rip)
    jne 1f
    UNEXPECTED_EXCEPTION %rdi

1:  call check_vector_error
    cmpq $14, F_VECTOR(%rdi)
    jne 2f
    mov %cr2, %rax
    PUT_HEX 64, "cr2=", %rax
    EXPECT %rax, exp_cr2(%rip), "cr2"
2:  EXPECT F_RIP(%rdi), exp_rip(%rip), "frame rip"
    EXPECT F_CS(%rdi), $KERNEL_CS, "frame cs"
    EXPECT F_SS(%rdi), $KERNEL_DS, "frame ss"
    # No stack switch at CPL0: the new stack top is the old rsp aligned down to 16 (SDM vol. 3A
    # 6.14.2), or the IST1 stack top.
    mov exp_rsp(%rip), %rdx
    and $-16, %rdx
    call check_frame_stack
    call resume_armed
    ret
