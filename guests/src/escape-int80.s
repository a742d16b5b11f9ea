# escape-int80: the i386 Linux ABI through `int 0x80`: write(1, "ESCAPED\n", 8), then exit(77).
# With no IDT the first int 0x80 ends the run; "ESCAPED" must never appear, the status never be 77.
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "trying int 0x80"
    mov $4, %eax                # i386 __NR_write
    mov $1, %ebx
    lea escaped(%rip), %rcx     # below 4 GiB: the i386 ABI takes 32-bit pointers
    mov $8, %edx
    int $0x80
    PRINTLN "int 0x80 write returned"
    mov $1, %eax                # i386 __NR_exit
    mov $77, %ebx
    int $0x80
    PRINTLN "int 0x80 exit returned"
    EXIT EXIT_ESCAPED

    .section .rodata
escaped:
    .ascii "ESCAPED\n"
