# int3: a breakpoint with no IDT to take it. uhv reports a guest #BP at the int3's own address
# (the trap leaves rip after it) and ends the run; nothing after it runs.
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "before int3"
    int3
    PRINTLN "not reached"
    EXIT EXIT_OK
