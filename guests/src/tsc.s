# tsc: writes IA32_TSC and TSC_AUX, then reads the time stamp with rdtsc and rdtscp. Run with
# `--rdtsc trap`: both then follow the written TSC (within 2^40 ticks of it) and rdtscp returns
# TSC_AUX in ecx. With native rdtsc they read the host's TSC instead and the checks fail.
    .include "uhv.inc"

.set TSC_WRITTEN, 0x1000000000
.set TSC_SLACK, 1 << 40
.set AUX, 0x2a

    GUEST_ENTRY
    WRMSR64 MSR_TSC_AUX, AUX
    WRMSR64 MSR_TSC, TSC_WRITTEN

    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov $TSC_WRITTEN, %rdx
    sub %rdx, %rax
    jb 1f
    mov $TSC_SLACK, %rdx
    cmp %rdx, %rax
    jae 1f
    PRINTLN "rdtsc follows IA32_TSC"
    jmp 2f
1:  FAIL "rdtsc does not follow IA32_TSC"
2:
    rdtscp
    mov %ecx, %ebx
    PUT_HEX 32, "rdtscp aux=", %rbx
    EXPECT %rbx, $AUX, "rdtscp aux"
    FINISH
