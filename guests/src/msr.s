# msr: round trips through the MSRs a 64-bit kernel touches, prints each value, then proves that
# FS_BASE, GS_BASE and KERNEL_GS_BASE (with swapgs) really move the segment bases, and that the
# TSC counts and can be written. Ends with FINISH (v = 0 when every check held).
    .include "uhv.inc"

# ROUNDTRIP NAME, msr, value: write value, read it back, print "NAME=0x...", check it.
.macro ROUNDTRIP name:req, msr:req, value:req
    WRMSR64 \msr, \value
    RDMSR64 \msr
    PUT_HEX 64, "\name=", %rax
    EXPECT %rax, $\value, "\name"
.endm

# SHOW NAME, msr: read and print only (the value is uhv's model).
.macro SHOW name:req, msr:req
    RDMSR64 \msr
    PUT_HEX 64, "\name=", %rax
.endm

.set TSC_WRITTEN, 0x1000000000
.set TSC_SLACK, 1 << 40

    GUEST_ENTRY

    ROUNDTRIP STAR, MSR_STAR, 0x0023001000000000
    ROUNDTRIP LSTAR, MSR_LSTAR, 0xffffffff81000000
    ROUNDTRIP CSTAR, MSR_CSTAR, 0xffffffff81000040
    ROUNDTRIP SFMASK, MSR_SFMASK, 0x47700
    ROUNDTRIP KERNEL_GS_BASE, MSR_KERNEL_GS_BASE, 0xffff888000000000
    ROUNDTRIP TSC_AUX, MSR_TSC_AUX, 7
    # Linux's PAT: WB, WC, UC-, UC, WB, WP, UC-, WT.
    ROUNDTRIP PAT, MSR_PAT, 0x0407050600070106
    # 32-bit SYSENTER values: AMD keeps only the low half of ESP/EIP, Intel all 64 bits.
    ROUNDTRIP SYSENTER_CS, MSR_SYSENTER_CS, 0x10
    ROUNDTRIP SYSENTER_ESP, MSR_SYSENTER_ESP, 0x81800000
    ROUNDTRIP SYSENTER_EIP, MSR_SYSENTER_EIP, 0x81000080
    SHOW MISC_ENABLE, MSR_MISC_ENABLE
    SHOW MTRRcap, MSR_MTRRCAP
    # E (MTRRs enabled) | default type WB.
    ROUNDTRIP MTRRdefType, MSR_MTRR_DEF_TYPE, 0x806
    # BSP | global enable, base 0xfee00000: the reset value.
    SHOW APIC_BASE, MSR_APIC_BASE
    EXPECT %rax, $0xfee00900, "APIC_BASE"
    # LME | LMA | SCE | NXE: the state uhv enters the guest in.
    SHOW EFER, MSR_EFER
    EXPECT %rax, $0xd01, "EFER"

    # FS_BASE: a load through %fs must see the qword at the new base.
    lea fs_target(%rip), %rax
    WRMSR_RAX MSR_FS_BASE
    mov %fs:0, %rax
    PUT_HEX 64, "fs:[0]=", %rax
    EXPECT %rax, $0x1122334455667788, "fs:[0]"
    RDMSR64 MSR_FS_BASE
    lea fs_target(%rip), %rbx
    EXPECT %rax, %rbx, "FS_BASE read back"

    # GS_BASE, then swapgs exchanges it with KERNEL_GS_BASE.
    lea gs_target(%rip), %rax
    WRMSR_RAX MSR_GS_BASE
    mov %gs:0, %rax
    PUT_HEX 64, "gs:[0]=", %rax
    EXPECT %rax, $0xa1a2a3a4a5a6a7a8, "gs:[0]"
    lea kernel_gs_target(%rip), %rax
    WRMSR_RAX MSR_KERNEL_GS_BASE
    swapgs
    mov %gs:0, %rax
    PUT_HEX 64, "after swapgs gs:[0]=", %rax
    EXPECT %rax, $0xb1b2b3b4b5b6b7b8, "gs:[0] after swapgs"
    RDMSR64 MSR_KERNEL_GS_BASE
    lea gs_target(%rip), %rbx
    EXPECT %rax, %rbx, "KERNEL_GS_BASE after swapgs"
    swapgs
    mov %gs:0, %rax
    PUT_HEX 64, "after swapgs back gs:[0]=", %rax
    EXPECT %rax, $0xa1a2a3a4a5a6a7a8, "gs:[0] after second swapgs"

    # TSC: two reads (each a trap, so microseconds apart) must increase.
    RDMSR64 MSR_TSC
    mov %rax, %r12
    RDMSR64 MSR_TSC
    cmp %r12, %rax
    jbe 1f
    PRINTLN "tsc increases"
    jmp 2f
1:  FAIL "tsc did not increase"
2:
    # A written TSC goes on counting from the new value.
    WRMSR64 MSR_TSC, TSC_WRITTEN
    RDMSR64 MSR_TSC
    mov $TSC_WRITTEN, %rdx
    sub %rdx, %rax
    jb 3f
    mov $TSC_SLACK, %rdx
    cmp %rdx, %rax
    jae 3f
    PRINTLN "tsc after write ok"
    jmp 4f
3:  FAIL "tsc after write out of range"
4:
    FINISH

    .data
    .balign 8
fs_target:
    .quad 0x1122334455667788
gs_target:
    .quad 0xa1a2a3a4a5a6a7a8
kernel_gs_target:
    .quad 0xb1b2b3b4b5b6b7b8
