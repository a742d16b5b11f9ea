# cr-reserved: sets reserved bit 63 of CR4, which must raise #GP (SDM vol. 3A 2.5). With no IDT
# uhv ends the run there; nothing after the first line may appear.
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "writing reserved CR4 bit"
    mov %cr4, %rax
    bts $63, %rax
    mov %rax, %cr4
    PRINTLN "not reached"
    EXIT EXIT_ESCAPED
