# badop: one line, then 0x06 (push es), an opcode that is invalid in 64-bit mode: #UD. With no IDT
# uhv ends the run (`unhandled guest exception #UD`, status 4, rip at the 0x06); nothing after the
# first line may appear.
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "before bad bytes"
    .byte 0x06
    PRINTLN "not reached"
    EXIT EXIT_ESCAPED
