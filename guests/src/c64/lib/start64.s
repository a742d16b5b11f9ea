# _start of every 64-bit C guest: GUEST_ENTRY (the first bytes of the image, COM1 set up), then
# main with the psABI's 16-byte stack alignment; main's return value is the isa-debug-exit value
# (the run's status is (v << 1) | 1).
    .include "uhv.inc"

    GUEST_ENTRY
    and $-16, %rsp
    call main
    jmp exit_guest              # al: main's return value
