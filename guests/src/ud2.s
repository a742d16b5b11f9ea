# ud2: one line, then the architecturally undefined instruction: #UD. With no IDT uhv ends the run
# (`unhandled guest exception #UD`, status 4, rip at the ud2); nothing after the first line may
# appear.
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "before ud2"
    ud2
    PRINTLN "not reached"
    EXIT EXIT_ESCAPED
