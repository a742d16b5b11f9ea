# triple-fault: loads an IDT of 256 all-zero gates (P = 0, type 0), then runs ud2. Delivering the
# #UD fails at gate 6, which raises #GP(6 * 8 + 2 + EXT) (the SDM checks the gate's type before P,
# so a zero gate gives #GP; a typed gate with P = 0 would give #NP: either is contributory).
# Delivering that fails too, and a contributory exception while delivering one is a double fault
# (SDM vol. 3A table 6-5); gate 8 fails as well, and a fault while delivering #DF is a triple
# fault, which ends the run: uhv's exit reason `triple fault`, status 4. Nothing after the first
# line may appear.
    .include "uhv.inc"

    GUEST_ENTRY
    lidt idtr(%rip)
    PRINTLN "ud2 with every IDT gate not present"
    .globl triple_ud2
triple_ud2:
    ud2
    PRINTLN "not reached"
    EXIT EXIT_ESCAPED

    .data
    .balign 4
    .word 0                             # limit at an address MOD 4 = 2, base 4-aligned
idtr:
    .word 256 * 16 - 1
    .quad idt
    .balign 4096
idt:
    .fill 256 * 16, 1, 0
