# demo: the smallest thing that looks like a kernel. Greets on COM1, shows the control registers
# uhv gives it, programs the SYSCALL MSRs the way a kernel would and reads them back, says hello on
# the debug console, and exits through isa-debug-exit with v = 0 (status 1).
    .include "uhv.inc"

    GUEST_ENTRY
    PRINTLN "uhv demo kernel: hello from ring 0 (virtual)"

    mov %cr0, %rax
    PUT_HEX 64, "cr0=", %rax
    mov %cr4, %rax
    PUT_HEX 64, "cr4=", %rax

    # Recognisable, legal values: STAR selectors 0x10 (kernel) / 0x23 (user), entry points in
    # the kernel half of a canonical address space, and the flags SFMASK masks on entry
    # (TF, IF, DF, IOPL, NT, AC, as Linux does).
    WRMSR64 MSR_STAR, 0x0023001000000000
    WRMSR64 MSR_LSTAR, 0xffffffff81000000
    WRMSR64 MSR_CSTAR, 0xffffffff81000040
    WRMSR64 MSR_SFMASK, 0x47700

    RDMSR64 MSR_STAR
    PUT_HEX 64, "STAR=", %rax
    RDMSR64 MSR_LSTAR
    PUT_HEX 64, "LSTAR=", %rax
    RDMSR64 MSR_CSTAR
    PUT_HEX 64, "CSTAR=", %rax
    RDMSR64 MSR_SFMASK
    PUT_HEX 64, "SFMASK=", %rax

    DBG_PRINT "debugcon: hello from the demo kernel\n"
    PRINTLN "demo done"
    EXIT EXIT_OK
