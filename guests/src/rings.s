# rings: a ring-0 kernel (lib/kernel.s: GDT with user segments, TSS, IDT) that sets up syscall
# (EFER.SCE, STAR, LSTAR, SFMASK), drops to a ring-3 program with sysretq and serves its system
# calls. The program checks what syscall and sysretq leave in rcx, r11, rflags and rsp, returns
# to ring 3 once by iretq, then runs privileged instructions (hlt, cli, wrmsr, mov to CR3, out,
# sysretq) and `int 0x41`/`int 0x80` through DPL-0 gates, each of which must raise #GP in the
# kernel, and `int3` through the DPL-3 gate 3 (#BP on IST1). The kernel's handler prints the
# vector, error code, CS and SS of each frame, checks them and the frame's RIP, RSP, RFLAGS and
# stack (the TSS's RSP0, or IST1 for #BP), and resumes the program at its next step. The program
# ends with system call 0; the kernel prints `delivered=0x09`, `rings done` and runs FINISH.
#
# System calls (number in rax): 0 exit; 1 print the string at rdi; 2 return by iretq instead of
# sysretq; 3 check: rdi = actual, rsi = expected, rdx = what (prints a FAIL line if they differ).
# The program cannot print (port I/O at CPL 3 raises #GP), so it checks through system call 3.
    .include "uhv.inc"
    .include "kernel.inc"

.set SYS_EXIT, 0
.set SYS_PRINT, 1
.set SYS_IRET, 2
.set SYS_EXPECT, 3

# syscall: CS = STAR[47:32] = 0x08, SS = 0x10; sysretq: CS = STAR[63:48] + 16 = 0x2b,
# SS = STAR[63:48] + 8 = 0x23 (SDM vol. 2B SYSCALL, SYSRET).
.set STAR_VALUE, ((USER32_CS | 3) << 48) | (KERNEL_CS << 32)
.set SFMASK_VALUE, 0x47700      # AC, NT, IOPL, DF, IF, TF cleared on syscall

.set USER_RFLAGS, RFLAGS_IF | RFLAGS_FIXED      # 0x202: what the program starts with
.set FAULT, USER_RFLAGS | RFLAGS_RF
.set TRAP, USER_RFLAGS

.set N_TESTS, 9

# The system calls the program makes, counted as it is assembled; the kernel checks the count.
.set USER_SYSCALLS, 0

# --- ring-3 macros: they preserve every register but rflags --------------------------------------

# U_PRINT "text" / U_PRINTLN "text": system call 1.
.macro U_PRINT str:req
    .pushsection .rodata
.Lustr\@: .asciz "\str"
    .popsection
    push %rax
    push %rcx
    push %rdi
    push %r11
    lea .Lustr\@(%rip), %rdi
    mov $SYS_PRINT, %eax
    syscall
    pop %r11
    pop %rdi
    pop %rcx
    pop %rax
    .set USER_SYSCALLS, USER_SYSCALLS + 1
.endm

.macro U_PRINTLN str:req
    U_PRINT "\str\n"
.endm

# U_EXPECT reg, expected, "what": system call 3. reg may be a memory operand, neither may use rsp.
.macro U_EXPECT reg:req, expected:req, what:req
    .pushsection .rodata
.Luwhat\@: .asciz "\what"
    .popsection
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r11
    push \reg
    mov \expected, %rsi
    pop %rdi
    lea .Luwhat\@(%rip), %rdx
    mov $SYS_EXPECT, %eax
    syscall
    pop %r11
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    .set USER_SYSCALLS, USER_SYSCALLS + 1
.endm

# U_ARM "name", vector, error, at, flags, resume[, ist]: prints the step's name and arms the
# kernel's handler for the next exception (ARM_EXCEPTION in kernel.inc): the frame's RIP is `at`,
# its RSP the current rsp, its RFLAGS masked with FLAGS_CHECKED `flags`; ist = 1 when the gate
# uses IST1 (otherwise the frame must be on the TSS's RSP0 stack). The handler resumes the program
# at `resume`.
.macro U_ARM name:req, vector:req, error:req, at:req, flags:req, resume:req, ist=0
    U_PRINTLN "\name"
    ARM_EXCEPTION \vector, \error, \at, \flags, \resume, \ist
.endm

# U_CAUGHT: at a resume label: exactly one exception came since U_ARM.
.macro U_CAUGHT
    U_EXPECT caught(%rip), $1, "exceptions taken"
    movq $0, resume(%rip)
.endm

# --- ring 0: set up, then sysretq to the program -------------------------------------------------
    GUEST_ENTRY
    call kernel_init
    PRINTLN "rings: GDT, TSS and IDT loaded"
    SYSCALL_INIT STAR_VALUE, syscall_entry, SFMASK_VALUE
    PRINTLN "sysretq to ring 3"
    # sysret does not load rsp: switch to the program's stack first.
    lea user_main(%rip), %rcx
    mov $USER_RFLAGS, %r11d
    lea user_stack_top(%rip), %rsp
    .globl kernel_sysret
kernel_sysret:
    sysretq

# --- ring 3 ----------------------------------------------------------------------------------------
    .globl user_main
user_main:
    pushfq
    pop %rbx
    mov %rsp, %r12
    U_EXPECT %rbx, $USER_RFLAGS, "rflags after sysretq (r11)"
    lea user_stack_top(%rip), %rax
    U_EXPECT %r12, %rax, "rsp after sysretq (unchanged)"

    # syscall: rcx = the next rip, r11 = rflags; SFMASK clears DF for the kernel (which checks),
    # sysretq gives it back from r11.
    std
    pushfq
    pop %rbx
    lea hello(%rip), %rdi
    mov $SYS_PRINT, %eax
    syscall
    .set USER_SYSCALLS, USER_SYSCALLS + 1
user_syscall_return:
    pushfq
    pop %r12
    cld
    mov %rcx, %r13
    mov %r11, %r14
    U_EXPECT %r13, $user_syscall_return, "rcx after syscall (the next rip)"
    U_EXPECT %r14, %rbx, "r11 after syscall (rflags at the syscall)"
    U_EXPECT %r12, %rbx, "rflags after sysretq"

    U_ARM "ring 3: hlt", 13, 0, user_hlt, FAULT, user_hlt_resume
    FAULT_SITE user_hlt, hlt
    U_CAUGHT

    # Back to ring 3 by iretq this time (the steps below fault only if it left CPL 3).
    U_PRINTLN "ring 3: system call 2 returns by iretq"
    pushfq
    pop %rbx
    mov %rsp, %r12
    mov $SYS_IRET, %eax
    syscall
    .set USER_SYSCALLS, USER_SYSCALLS + 1
    pushfq
    pop %r13
    mov %rsp, %r14
    U_EXPECT %r13, %rbx, "rflags after iretq"
    U_EXPECT %r14, %r12, "rsp after iretq"

    U_ARM "ring 3: cli", 13, 0, user_cli, FAULT, user_cli_resume
    FAULT_SITE user_cli, cli
    U_CAUGHT

    U_ARM "ring 3: wrmsr", 13, 0, user_wrmsr, FAULT, user_wrmsr_resume
    mov $MSR_TSC_AUX, %ecx
    xor %eax, %eax
    xor %edx, %edx
    FAULT_SITE user_wrmsr, wrmsr
    U_CAUGHT

    U_ARM "ring 3: mov to cr3", 13, 0, user_cr3, FAULT, user_cr3_resume
    xor %eax, %eax
    FAULT_SITE user_cr3, mov %rax, %cr3
    U_CAUGHT

    # IOPL is 0 and the TSS has no I/O permission bitmap.
    U_ARM "ring 3: out to port 0xe9", 13, 0, user_out, FAULT, user_out_resume
    mov $'!', %al
    FAULT_SITE user_out, out %al, $DEBUGCON
    U_CAUGHT

    # sysret is CPL 0 only. Were it run, it would land on the resume label with no exception.
    U_ARM "ring 3: sysretq", 13, 0, user_sysret, FAULT, user_sysret_resume
    lea user_sysret_resume(%rip), %rcx
    mov $USER_RFLAGS, %r11d
    FAULT_SITE user_sysret, sysretq
    U_CAUGHT

    # int n through a gate with DPL < CPL: #GP(n * 8 + 2), a fault at the int (SDM vol. 3A 6.12.1.1).
    U_ARM "ring 3: int 0x41 (DPL 0 gate)", 13, (0x41*8+2), user_int41, FAULT, user_int41_resume
    FAULT_SITE user_int41, int $0x41
    U_CAUGHT

    U_ARM "ring 3: int 0x80 (DPL 0 gate)", 13, (0x80*8+2), user_int80, FAULT, user_int80_resume
    FAULT_SITE user_int80, int $0x80
    U_CAUGHT

    # Gate 3 has DPL 3: int3 is delivered (on IST1), a trap, rip after it.
    U_ARM "ring 3: int3 (DPL 3 gate)", 3, 0, user_int3_after, TRAP, user_int3_after, ist=1
    .globl user_int3
user_int3:
    int3
user_int3_after:
    U_CAUGHT

    U_PRINTLN "ring 3: exit"
    mov $SYS_EXIT, %eax
    syscall
    .set USER_SYSCALLS, USER_SYSCALLS + 1
    hlt                                 # system call 0 returned: an exception nobody armed ends it

# --- ring 0: system calls --------------------------------------------------------------------------
# syscall left rsp as it was: save the program's, switch to the RSP0 stack (nothing else is on it
# while the program runs), keep what the kernel clobbers. The system call's arguments stay in
# their registers until it is dispatched: the checks here use r8 and r9 only.
# SYSCALL_SAVE / SYSCALL_RESTORE: the registers the kernel keeps for the program.
.macro SYSCALL_SAVE
    push %rcx
    push %r11
    push %rax
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
.endm

.macro SYSCALL_RESTORE
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rax
    pop %r11
    pop %rcx
.endm

    .globl syscall_entry
syscall_entry:
    mov %rsp, user_rsp(%rip)
    lea kernel_stack_top(%rip), %rsp
    SYSCALL_SAVE
    pushfq
    pop %r8
    cld
    test $RFLAGS_DF, %r8d
    jz 1f
    FAIL "DF set in the syscall handler: SFMASK not applied"
1:  mov %r11, %r8
    and $(RFLAGS_IF | RFLAGS_FIXED), %r8d
    EXPECT %r8, $USER_RFLAGS, "r11 at syscall entry (IF, bit 1)"
    mov user_rsp(%rip), %r8
    lea user_stack(%rip), %r9
    sub %r9, %r8
    cmp $4096, %r8
    jbe 2f
    FAIL "rsp at syscall entry is not the program's"
2:  incq syscalls(%rip)
    cmp $SYS_EXIT, %rax
    je sys_exit
    cmp $SYS_PRINT, %rax
    je sys_print
    cmp $SYS_IRET, %rax
    je sys_iret
    cmp $SYS_EXPECT, %rax
    je sys_expect
    PUT_HEX 64, "FAIL: unknown system call ", %rax
    incq failures(%rip)
    jmp sys_return

sys_print:
    mov %rdi, %rsi
    call puts
    jmp sys_return

# rdi = actual, rsi = expected, rdx = what; expect_eq takes rax, rdx, rsi.
sys_expect:
    mov %rdi, %rax
    mov %rsi, %r8
    mov %rdx, %rsi
    mov %r8, %rdx
    call expect_eq
    jmp sys_return

sys_return:
    SYSCALL_RESTORE
    mov user_rsp(%rip), %rsp
    .globl kernel_sysret_2
kernel_sysret_2:
    sysretq

# Return by iretq: SS:RSP, RFLAGS, CS:RIP of the program as sysretq would have set them.
sys_iret:
    PRINTLN "iretq to ring 3"
    SYSCALL_RESTORE
    pushq $USER_DS_RPL3
    pushq user_rsp(%rip)
    push %r11
    pushq $USER_CS_RPL3
    push %rcx
    .globl kernel_iretq
kernel_iretq:
    iretq

sys_exit:
    PRINTLN "ring 3 exited"
    mov syscalls(%rip), %rax
    EXPECT %rax, $USER_SYSCALLS, "system calls served"
    CHECK_DELIVERED N_TESTS
    PRINTLN "rings done"
    FINISH

# --- ring 0: exceptions (called by lib/kernel.s, rdi = the frame) ----------------------------------
# Every exception here comes from ring 3: a CPL change, so the CPU pushed the program's SS:RSP and
# took the stack from TSS.RSP0 (or IST1 for #BP).
    .globl exception_handler
exception_handler:
    cmpq $0, resume(%rip)
    jne 1f
    UNEXPECTED_EXCEPTION %rdi, cs=1

1:  call check_vector_error
    mov F_CS(%rdi), %rax
    PUT_HEX 16, "cs=", %rax
    EXPECT %rax, $USER_CS_RPL3, "frame cs"
    mov F_SS(%rdi), %rax
    PUT_HEX 16, "ss=", %rax
    EXPECT %rax, $USER_DS_RPL3, "frame ss"
    EXPECT F_RIP(%rdi), exp_rip(%rip), "frame rip"
    # The new stack is TSS.RSP0 (or IST1), both 16-byte aligned.
    lea kernel_stack_top(%rip), %rdx
    call check_frame_stack
    call resume_armed
    ret

    .section .rodata
hello:
    .asciz "ring 3: hello through system call 1\n"

    .data
    .balign 8
syscalls:   .quad 0             # system calls served
user_rsp:   .quad 0             # the program's rsp at its last syscall
    .balign 16
    .globl user_stack, user_stack_top
user_stack:
    .fill 4096, 1, 0
user_stack_top:
