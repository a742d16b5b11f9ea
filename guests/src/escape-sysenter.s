# escape-sysenter: exit(77) through `sysenter` (#UD in 64-bit mode on AMD, #GP on Intel while
# SYSENTER_CS is 0). Either way the host must never run it: the status must not be 77.
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "trying sysenter"
    mov $60, %eax               # __NR_exit
    mov $77, %edi
    sysenter
    PRINTLN "sysenter returned"
    EXIT EXIT_ESCAPED
