# apic: the local APIC through both of its interfaces. In xAPIC mode, through the MMIO page at
# 0xfee00000: reads the ID and version registers, writes and reads back SPIV, TPR and the LVT timer
# entry, sends an INIT IPI to APIC ID 1 (no such CPU) and checks that the ICR's delivery status
# clears; moves the page to 0xfef00000 through IA32_APIC_BASE, reads TPR there, moves it back. Then switches to x2APIC mode through IA32_APIC_BASE and does the same through MSRs 0x802,
# 0x803, 0x808, 0x80f, 0x832 and 0x830 (the values written in xAPIC mode carry over), and checks that
# the MMIO page now reads all ones. Only valid accesses: the #GP cases are unit tests. Ends with
# FINISH.
    .include "uhv.inc"

.set APIC_PAGE, 0xfee00000
# xAPIC register offsets (SDM Vol. 3A, Table 10-1)
.set XAPIC_ID, 0x20
.set XAPIC_VERSION, 0x30
.set XAPIC_TPR, 0x80
.set XAPIC_SPIV, 0xf0
.set XAPIC_ICR_LOW, 0x300
.set XAPIC_ICR_HIGH, 0x310
.set XAPIC_LVT_TIMER, 0x320
# x2APIC MSRs (SDM Vol. 3A, Table 10-6)
.set MSR_X2APIC_ID, 0x802
.set MSR_X2APIC_VERSION, 0x803
.set MSR_X2APIC_TPR, 0x808
.set MSR_X2APIC_LDR, 0x80d
.set MSR_X2APIC_SPIV, 0x80f
.set MSR_X2APIC_ICR, 0x830
.set MSR_X2APIC_LVT_TIMER, 0x832

.set APIC_BASE_XAPIC, 0xfee00900        # BSP | EN, page 0xfee00000: the reset value
.set APIC_PAGE_MOVED, 0xfef00000
.set APIC_BASE_MOVED, 0xfef00900
.set APIC_BASE_X2APIC, 0xfee00d00       # BSP | EN | EXTD
.set ICR_DELIVERY_STATUS, 1 << 12
.set ICR_INIT_ASSERT, 0x4500            # INIT, level assert, physical, no shorthand
.set LVT_PERIODIC_0x30, 0x20030         # periodic, vector 0x30, unmasked
.set LVT_MASKED_0x31, 0x10031
.set VERSION, 0x50014                   # uhv's (and QEMU's): version 0x14, highest LVT 5

# XAPIC_SHOW NAME, offset: eax = the register (rbx = the page), printed as "NAME=0x...".
.macro XAPIC_SHOW name:req, offset:req
    mov \offset(%rbx), %eax
    PUT_HEX 32, "\name=", %rax
.endm

# XAPIC_ROUNDTRIP NAME, offset, value: write value, read it back, print and check it.
.macro XAPIC_ROUNDTRIP name:req, offset:req, value:req
    movl $\value, \offset(%rbx)
    XAPIC_SHOW "\name", \offset
    EXPECT %rax, $\value, "\name"
.endm

# X2APIC_SHOW NAME, msr: rax = the MSR, printed as "NAME=0x..." (16 digits).
.macro X2APIC_SHOW name:req, msr:req
    RDMSR64 \msr
    PUT_HEX 64, "\name=", %rax
.endm

.macro X2APIC_ROUNDTRIP name:req, msr:req, value:req
    WRMSR64 \msr, \value
    X2APIC_SHOW "\name", \msr
    EXPECT %rax, $\value, "\name"
.endm

    GUEST_ENTRY

    RDMSR64 MSR_APIC_BASE
    PUT_HEX 64, "APIC_BASE=", %rax
    EXPECT %rax, $APIC_BASE_XAPIC, "APIC_BASE at reset"

    # --- xAPIC mode: the MMIO page ------------------------------------------------------------
    # A register base: a 32-bit absolute address would be sign-extended in 64-bit mode.
    mov $APIC_PAGE, %ebx
    XAPIC_SHOW "xAPIC ID", XAPIC_ID
    EXPECT %rax, $0, "xAPIC ID"
    XAPIC_SHOW "xAPIC version", XAPIC_VERSION
    EXPECT %rax, $VERSION, "xAPIC version"
    # software enable first: while it is off, the LVT mask bits stick
    XAPIC_ROUNDTRIP "xAPIC SPIV", XAPIC_SPIV, 0x1ff
    XAPIC_ROUNDTRIP "xAPIC TPR", XAPIC_TPR, 0x20
    XAPIC_ROUNDTRIP "xAPIC LVT timer", XAPIC_LVT_TIMER, LVT_PERIODIC_0x30
    movl $0x01000000, XAPIC_ICR_HIGH(%rbx)
    movl $ICR_INIT_ASSERT, XAPIC_ICR_LOW(%rbx)
    mov $1000, %ecx
1:  testl $ICR_DELIVERY_STATUS, XAPIC_ICR_LOW(%rbx)
    jz 2f
    loop 1b
    FAIL "xAPIC INIT IPI still pending"
2:  XAPIC_SHOW "xAPIC ICR after INIT", XAPIC_ICR_LOW
    EXPECT %rax, $ICR_INIT_ASSERT, "xAPIC ICR after INIT"
    # IA32_APIC_BASE bits 12 and up move the page; the registers go with it.
    WRMSR64 MSR_APIC_BASE, APIC_BASE_MOVED
    mov $APIC_PAGE_MOVED, %ebx
    XAPIC_SHOW "xAPIC TPR at 0xfef00000", XAPIC_TPR
    EXPECT %rax, $0x20, "xAPIC TPR at 0xfef00000"
    WRMSR64 MSR_APIC_BASE, APIC_BASE_XAPIC
    mov $APIC_PAGE, %ebx

    # --- x2APIC mode: the MSRs ---------------------------------------------------------------
    WRMSR64 MSR_APIC_BASE, APIC_BASE_X2APIC
    RDMSR64 MSR_APIC_BASE
    PUT_HEX 64, "APIC_BASE in x2APIC mode=", %rax
    EXPECT %rax, $APIC_BASE_X2APIC, "APIC_BASE in x2APIC mode"
    X2APIC_SHOW "x2APIC ID", MSR_X2APIC_ID
    EXPECT %rax, $0, "x2APIC ID"
    X2APIC_SHOW "x2APIC version", MSR_X2APIC_VERSION
    EXPECT %rax, $VERSION, "x2APIC version"
    X2APIC_SHOW "x2APIC LDR", MSR_X2APIC_LDR
    EXPECT %rax, $1, "x2APIC LDR"
    X2APIC_SHOW "x2APIC TPR from xAPIC mode", MSR_X2APIC_TPR
    EXPECT %rax, $0x20, "x2APIC TPR from xAPIC mode"
    X2APIC_ROUNDTRIP "x2APIC TPR", MSR_X2APIC_TPR, 0x30
    X2APIC_ROUNDTRIP "x2APIC SPIV", MSR_X2APIC_SPIV, 0x1fe
    X2APIC_ROUNDTRIP "x2APIC LVT timer", MSR_X2APIC_LVT_TIMER, LVT_MASKED_0x31
    # INIT to x2APIC ID 1; x2APIC's ICR has no delivery status bit
    X2APIC_ROUNDTRIP "x2APIC ICR", MSR_X2APIC_ICR, 0x0000000100004500

    # In x2APIC mode the MMIO page is gone (SDM Vol. 3A, 10.12.2).
    XAPIC_SHOW "xAPIC page in x2APIC mode", XAPIC_VERSION
    EXPECT %rax, $0xffffffff, "xAPIC page in x2APIC mode"
    FINISH
