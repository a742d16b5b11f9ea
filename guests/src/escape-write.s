# escape-write: a Linux write(1, "ESCAPED\n", 8) through `syscall`. The host kernel must never run
# it: "ESCAPED" must not appear anywhere. LSTAR points at a handler in the guest first, so a uhv
# that emulates syscall as the CPU does lands there (v = 0x10) instead of at address 0.
    .include "uhv.inc"

.set EXIT_GUEST_SYSCALL, 0x10

    GUEST_ENTRY
    lea syscall_entry(%rip), %rax
    WRMSR_RAX MSR_LSTAR
    PRINTLN "trying syscall write"
    mov $1, %eax                # __NR_write
    mov $1, %edi
    lea escaped(%rip), %rsi
    mov $8, %edx
    syscall
    PRINTLN "syscall returned"
    EXIT EXIT_ESCAPED

syscall_entry:
    PRINTLN "syscall entered the guest's LSTAR handler"
    EXIT EXIT_GUEST_SYSCALL

    .section .rodata
escaped:
    .ascii "ESCAPED\n"
