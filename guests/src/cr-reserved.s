# cr-reserved: sets reserved bit 63 of CR4, which must raise #GP(0) (SDM vol. 3A 2.5). With no IDT
# the guest cannot take it: uhv ends the run (`unhandled guest exception #GP`, status 4) with rip at
# the mov and CR4 unchanged; nothing after the first line may appear.
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "writing reserved CR4 bit"
    mov %cr4, %rax
    bts $63, %rax
    mov %rax, %cr4
    PRINTLN "not reached"
    EXIT EXIT_ESCAPED
