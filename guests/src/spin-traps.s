# spin-traps: one line, then `out 0x80, al` forever: every iteration is a trap (for --max-traps).
    .include "uhv.inc"

.set POST_PORT, 0x80

    GUEST_ENTRY
    PRINTLN "trapping forever"
1:  out %al, $POST_PORT
    jmp 1b
