# unhandled: with no IDT loaded (uhv's entry IDTR has limit 0), reads 0x7f000000, outside guest
# RAM: #PF (CR2 = 0x7f000000, error code 0) that the guest cannot take. uhv ends the run with
# `unhandled guest exception #PF`, status 4, rip at the mov. Nothing after the first line may
# appear.
    .include "uhv.inc"

.set NOWHERE, 0x7f000000

    GUEST_ENTRY
    PRINTLN "reading 0x7f000000 with no IDT"
    mov $NOWHERE, %eax
    .globl unhandled_read
unhandled_read:
    mov (%rax), %rcx
    PRINTLN "not reached"
    EXIT EXIT_ESCAPED
