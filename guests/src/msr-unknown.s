# msr-unknown: reads and writes an MSR no CPU has. The rdmsr raises #GP(0), which with no IDT ends
# the run after the first line (`unhandled guest exception #GP`, status 4, rip at the rdmsr),
# unless uhv runs with --ignore-msrs, where the read gives 0 and the write is dropped.
    .include "uhv.inc"

.set MSR_BOGUS, 0xdeadbeef

    GUEST_ENTRY
    PRINTLN "reading msr 0xdeadbeef"
    RDMSR64 MSR_BOGUS
    PUT_HEX 64, "read ", %rax
    WRMSR64 MSR_BOGUS, 1
    PRINTLN "ignored ok"
    EXIT EXIT_OK
