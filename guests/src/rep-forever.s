# rep-forever: one line, then `rep insb` from debugcon (`forever_insb`) of 2^40 bytes to 0x200000 on:
# far more than guest RAM holds, so the string cannot end by itself before it runs off the end of
# RAM (a #PF, unhandled: no IDT); run it with a large --mem and a --timeout, which ends it part way.
    .include "uhv.inc"

.set BUFFER, 0x200000

    GUEST_ENTRY
    PRINTLN "rep-forever: rep insb of 2^40 bytes"
    mov $DEBUGCON, %dx
    mov $BUFFER, %rdi
    mov $1 << 40, %rcx
    .globl forever_insb
forever_insb:
    rep insb
    PRINTLN "not reached"
    EXIT EXIT_OK
