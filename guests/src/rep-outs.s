# rep-outs: fills 64 KiB at 0x200000 (above the image) with byte i = 0x40 | ((i + (i >> 8)) & 0x3f)
# (ASCII, different in each 256-byte block), sends it to debugcon with one `rep outsb` (`big_outsb`),
# checks rcx and rsi after it, then FINISH. uhv emulates the whole string within that one trap.
    .include "uhv.inc"

.set BUFFER, 0x200000
.set LENGTH, 0x10000

    GUEST_ENTRY
    PRINTLN "rep-outs: 64 KiB to debugcon in one rep outsb"
    mov $BUFFER, %rdi
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shr $8, %eax
    add %ecx, %eax
    and $0x3f, %al
    or $0x40, %al
    mov %al, (%rdi,%rcx)
    inc %ecx
    cmp $LENGTH, %ecx
    jne 1b
    mov $DEBUGCON, %dx
    mov $BUFFER, %rsi
    mov $LENGTH, %ecx
    .globl big_outsb
big_outsb:
    rep outsb
    EXPECT %rcx, $0, "rep outsb rcx"
    mov $BUFFER + LENGTH, %rax
    EXPECT %rsi, %rax, "rep outsb rsi"
    PRINTLN "rep-outs done"
    FINISH
