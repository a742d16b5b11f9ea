# ud2: one line, then the architecturally undefined instruction. With no IDT uhv ends the run
# with #UD; nothing after the first line may appear.
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "before ud2"
    ud2
    PRINTLN "not reached"
    EXIT EXIT_ESCAPED
