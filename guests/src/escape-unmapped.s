# escape-unmapped: jumps to 0x7fff00000000, a user-half address far outside guest RAM. uhv must
# stop the run with a fault at that address (the child's stack may live up there, but it is not
# executable).
    .include "uhv.inc"

.set UNMAPPED, 0x7fff00000000

    GUEST_ENTRY
    PRINTLN "trying jump to unmapped"
    mov $UNMAPPED, %rax
    jmp *%rax
