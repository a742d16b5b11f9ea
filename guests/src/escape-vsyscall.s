# escape-vsyscall: calls the legacy vsyscall gettimeofday entry, 0xffffffffff600000. That address
# is not guest memory (above the user half), so uhv must stop the run there, not let the host
# kernel's vsyscall emulation answer.
    .include "uhv.inc"

.set VSYSCALL_GETTIMEOFDAY, 0xffffffffff600000

    GUEST_ENTRY
    PRINTLN "trying vsyscall"
    xor %edi, %edi              # tv = NULL
    xor %esi, %esi              # tz = NULL
    mov $VSYSCALL_GETTIMEOFDAY, %rax
    call *%rax
    PRINTLN "vsyscall returned"
    EXIT EXIT_ESCAPED
