# int3: a breakpoint with no IDT to take it: uhv ends the run (`unhandled guest exception #BP`,
# status 4). #BP is a trap, so rip is left after the int3; nothing after it runs.
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "before int3"
    int3
    PRINTLN "not reached"
    EXIT EXIT_OK
