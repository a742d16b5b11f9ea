# escape-exit: Linux exit_group(77) and exit(77) through `syscall`. The host must never run them:
# uhv's exit status must not be 77. LSTAR points at a guest handler as in escape-write.
    .include "uhv.inc"

.set EXIT_GUEST_SYSCALL, 0x10

    GUEST_ENTRY
    lea syscall_entry(%rip), %rax
    WRMSR_RAX MSR_LSTAR
    PRINTLN "trying syscall exit_group"
    mov $231, %eax              # __NR_exit_group
    mov $77, %edi
    syscall
    PRINTLN "syscall exit_group returned"
    mov $60, %eax               # __NR_exit
    mov $77, %edi
    syscall
    PRINTLN "syscall exit returned"
    EXIT EXIT_ESCAPED

syscall_entry:
    PRINTLN "syscall entered the guest's LSTAR handler"
    EXIT EXIT_GUEST_SYSCALL
