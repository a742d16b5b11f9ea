# mmio: native loads, stores, read-modify-write arithmetic and string moves on a memory-mapped
# device at 0xfed00000, two pages of plain registers (reads give back what was written) that only
# the integration test registers (MmioGuestTest); in a plain `uhv run` nothing is there and the
# first access is an unhandled #PF. Every access faults in the child (the page is not mapped) and
# uhv emulates it against the device. Checks each value read back and the status flags of the
# arithmetic (RFLAGS & 0x8d5: OF SF ZF AF PF CF); then a rep stosb of 0x1800 bytes (more than uhv
# does per trap), and last a read of the unclaimed page after the device, which must still be
# the guest's #PF (no IDT: the run ends there). With a failed check it ends by FINISH instead.
    .include "uhv.inc"

.set DEV, 0xfed00000
.set DEV_SIZE, 0x2000
.set FILL, 0x1111111111111111
.set STATUS_FLAGS, 0x8d5
.set LONG_FILL, 0x1800

# FLAGS_HEX "label=": prints the status flags of the last instruction (rax is kept).
.macro FLAGS_HEX label:req
    pushfq
    push %rax
    mov 8(%rsp), %rax
    and $STATUS_FLAGS, %eax
    PUT_HEX 16, "\label", %rax
    pop %rax
    popfq
.endm

# EXPECT_FLAGS value, "what": the status flags of the last instruction must be value.
.macro EXPECT_FLAGS value:req, what:req
    pushfq
    push %rax
    mov 8(%rsp), %rax
    and $STATUS_FLAGS, %eax
    EXPECT %rax, $\value, "\what"
    pop %rax
    popfq
.endm

    GUEST_ENTRY
    PRINTLN "mmio: device at 0xfed00000"
    mov $DEV, %rbx

    # --- mov: every size and direction ---
    movl $0x12345678, 0x10(%rbx)            # mov dword [rbx+0x10], imm32
    mov $FILL, %rax
    mov 0x10(%rbx), %eax                    # zero-extends
    PUT_HEX 64, "mov eax=", %rax
    EXPECT %rax, $0x12345678, "mov eax, [dev] zero-extends"
    mov $FILL, %rax
    mov 0x10(%rbx), %al
    mov 0x11(%rbx), %ah
    EXPECT %rax, $0x1111111111115678, "mov al and ah keep the rest of rax"
    mov $FILL, %rax
    mov 0x12(%rbx), %ax
    EXPECT %rax, $0x1111111111111234, "mov ax keeps the rest of rax"
    movabs $0x8877665544332211, %rcx
    mov %rcx, 0x18(%rbx)                    # mov qword [rbx+0x18], rcx
    movabs 0xfed00018, %rax                 # moffs64 load
    PUT_HEX 64, "movabs rax=", %rax
    EXPECT %rax, %rcx, "movabs rax, [moffs]"
    mov $0xcafef00d, %eax
    movabs %eax, 0xfed00020                 # moffs64 store
    movw $0xbeef, 0x24(%rbx)
    movb $0x5a, 0x26(%rbx)
    mov $7, %r9d
    mov %r9b, 0x27(%rbx)
    mov 0x20(%rbx), %r10
    PUT_HEX 64, "stores=", %r10
    EXPECT %r10, $0x075abeefcafef00d, "byte, word and dword stores"

    # --- movzx, movsx, movsxd ---
    movb $0x80, 0x28(%rbx)
    movzbl 0x28(%rbx), %eax
    EXPECT %rax, $0x80, "movzx eax, byte"
    movsbq 0x28(%rbx), %rax
    EXPECT %rax, $0xffffffffffffff80, "movsx rax, byte"
    movl $0x80000000, 0x2c(%rbx)
    movslq 0x2c(%rbx), %rax
    PUT_HEX 64, "movsxd=", %rax
    EXPECT %rax, $0xffffffff80000000, "movsxd rax, dword"

    # --- arithmetic: results and flags ---
    movl $0xffffffff, 0x30(%rbx)
    addl $1, 0x30(%rbx)
    FLAGS_HEX "add flags="
    EXPECT_FLAGS 0x55, "add wraps: CF ZF AF PF"
    mov 0x30(%rbx), %eax
    EXPECT %rax, $0, "add result"
    cmpl $1, 0x30(%rbx)
    FLAGS_HEX "cmp flags="
    EXPECT_FLAGS 0x95, "cmp 0, 1: CF SF AF PF"
    jb 1f
    FAIL "jb after cmp not taken"
1:  movb $0x80, 0x34(%rbx)
    subb $1, 0x34(%rbx)
    FLAGS_HEX "sub flags="
    EXPECT_FLAGS 0x810, "sub -128, 1: OF AF"
    movb $0x81, 0x35(%rbx)
    testb $0x80, 0x35(%rbx)
    FLAGS_HEX "test flags="
    EXPECT_FLAGS 0x80, "test: SF"
    movl $0xffffffff, 0x38(%rbx)
    stc
    adcl $0, 0x38(%rbx)
    EXPECT_FLAGS 0x55, "adc carries in"
    stc
    sbbl $0, 0x38(%rbx)
    EXPECT_FLAGS 0x95, "sbb borrows in"
    mov 0x38(%rbx), %eax
    EXPECT %rax, $0xffffffff, "adc then sbb"
    movl $0x7fffffff, 0x3c(%rbx)
    stc
    incl 0x3c(%rbx)
    FLAGS_HEX "inc flags="
    EXPECT_FLAGS 0x895, "inc keeps CF: CF OF SF AF PF"
    negl 0x3c(%rbx)
    EXPECT_FLAGS 0x885, "neg -2^31 overflows: CF OF SF PF"
    notl 0x3c(%rbx)
    mov 0x3c(%rbx), %eax
    EXPECT %rax, $0x7fffffff, "not"
    movl $0xf0f0, 0x40(%rbx)
    orl $0x0f00, 0x40(%rbx)
    andw $0x0ff0, 0x40(%rbx)
    mov $0x00f0, %ecx
    xor %ecx, 0x40(%rbx)
    EXPECT_FLAGS 0x04, "xor: PF, CF and OF cleared"
    mov $0x1234, %eax
    add 0x40(%rbx), %eax                    # a device operand as the source
    PUT_HEX 32, "or and xor add=", %rax
    EXPECT %rax, $0x2134, "or, and, xor, then add into eax"

    # --- xchg, bt ---
    mov $0xabcdef01, %eax
    xchg %eax, 0x40(%rbx)
    EXPECT %rax, $0x0f00, "xchg gives the old value"
    mov 0x40(%rbx), %eax
    EXPECT %rax, $0xabcdef01, "xchg stores the register"
    btl $0, 0x40(%rbx)
    setc %al
    movzbl %al, %eax
    EXPECT %rax, $1, "bt bit 0"
    mov $33, %ecx
    bt %ecx, 0x3c(%rbx)                     # bit 1 of the dword at +0x40
    setc %al
    movzbl %al, %eax
    EXPECT %rax, $0, "bt bit 33 from 0x3c"

    # --- string moves ---
    lea 0x100(%rbx), %rdi
    mov $0xa5a5a5a5, %eax
    mov $4, %ecx
    rep stosl                               # 4 dwords to the device
    EXPECT %rcx, $0, "rep stosl rcx"
    lea 0x110(%rbx), %rax
    EXPECT %rdi, %rax, "rep stosl rdi"
    lea 0x100(%rbx), %rsi
    lea ram_copy(%rip), %rdi
    mov $2, %ecx
    rep movsq                               # device to RAM
    mov ram_copy + 8(%rip), %rax
    PUT_HEX 64, "movsq to ram=", %rax
    EXPECT %rax, $0xa5a5a5a5a5a5a5a5, "rep movsq from the device"
    lea ram_text + 3(%rip), %rsi
    lea 0x203(%rbx), %rdi
    mov $4, %ecx
    std
    rep movsb                               # RAM to the device, backward
    cld
    mov 0x200(%rbx), %eax
    PUT_HEX 32, "movsb backward=", %rax
    EXPECT %rax, $0x64636261, "rep movsb backward to the device"
    lea 0x1ff(%rbx), %rax
    EXPECT %rdi, %rax, "rep movsb backward rdi"

    # --- a long rep stosb: uhv does it in bounded steps ---
    lea 0x800(%rbx), %rdi
    mov $0xcc, %al
    mov $LONG_FILL, %ecx
    rep stosb
    EXPECT %rcx, $0, "long rep stosb rcx"
    lea 0x800 + LONG_FILL(%rbx), %rax
    EXPECT %rdi, %rax, "long rep stosb rdi"

    cmpq $0, failures(%rip)
    je 2f
    FINISH
2:  PRINTLN "mmio checks done; reading the unclaimed page after the device"
    .globl unclaimed_read
unclaimed_read:
    mov DEV_SIZE(%rbx), %eax
    PRINTLN "not reached"
    FINISH

    .section .rodata
ram_text:
    .ascii "abcd"

    .data
    .balign 8
ram_copy:
    .quad 0, 0
