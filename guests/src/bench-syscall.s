# bench-syscall: 400000 round trips of a system call through the guest's own LSTAR handler: a ring-3
# loop of `syscall` (a PTRACE_SYSEMU stop under uhv), whose handler at CPL0 answers at once with
# `sysretq` (a #GP trap in the host), two traps each; then system call 1 ends the run with v = 0.
# The syscall row of scripts/bench. No GDT is needed: syscall and sysretq load fixed descriptors.
    .include "uhv.inc"

# syscall: CS = 0x08, SS = 0x10; sysretq: CS = 0x18 + 16 = 0x28 | 3, SS = 0x18 + 8 = 0x20 | 3.
.set STAR_VALUE, (0x18 << 48) | (0x08 << 32)
.set SYS_EXIT, 1

    GUEST_ENTRY
    PRINTLN "bench-syscall: 400000 x (syscall, sysretq)"
    SYSCALL_INIT STAR_VALUE, syscall_entry, 0
    mov $BENCH_ITERATIONS, %r12d
    lea user_loop(%rip), %rcx
    pushfq
    pop %r11
    sysretq

# ring 3: rax = 0 for a round trip (syscall clobbers rcx and r11 only).
user_loop:
    xor %eax, %eax
1:  syscall
    dec %r12
    jnz 1b
    mov $SYS_EXIT, %eax
    syscall
    ud2

# CPL0, on the program's stack (syscall does not switch it; nothing here pushes in the hot path).
syscall_entry:
    test %eax, %eax
    jnz 1f
    sysretq
1:  PRINTLN "bench-syscall done"
    EXIT EXIT_OK
