# spin: one line, then a tight loop with no privileged instruction, forever (for --timeout).
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "spinning forever"
1:  jmp 1b
