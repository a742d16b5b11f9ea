# portio: every form of in/out/ins/outs: imm8 ports against debugcon (0xe9) and an unclaimed
# port (0xe0); dx ports against the UART scratch register (0x3ff) and an unclaimed port (0x2f0);
# string I/O to COM1 and debugcon and from 0x2f0 and the scratch register. Checks that `in al`
# and `in ax` keep the rest of rax and `in eax` zero-extends. Assumes 0xe0 and 0x2f0-0x2f3 are
# unclaimed (they are on a PC: nothing standard lives there). Ends with FINISH.
    .include "uhv.inc"

.set UNCLAIMED_IMM8, 0xe0
.set UNCLAIMED, 0x2f0
.set FILL, 0x1111111111111111

    GUEST_ENTRY

    # --- imm8 forms ---
    DBG_PRINT "portio: imm8 out to debugcon\n"
    mov $FILL, %rax
    in $DEBUGCON, %al
    PUT_HEX 8, "in al,0xe9=", %rax
    EXPECT %rax, $0x11111111111111e9, "in al,0xe9 (rax[63:8] kept)"
    mov $FILL, %rax
    in $UNCLAIMED_IMM8, %ax
    PUT_HEX 16, "in ax,0xe0=", %rax
    EXPECT %rax, $0x111111111111ffff, "in ax,0xe0 (rax[63:16] kept)"
    mov $FILL, %rax
    in $UNCLAIMED_IMM8, %eax
    PUT_HEX 32, "in eax,0xe0=", %rax
    EXPECT %rax, $0xffffffff, "in eax,0xe0 (zero-extended)"
    mov $0x1234, %ax
    out %ax, $UNCLAIMED_IMM8
    mov $0x12345678, %eax
    out %eax, $UNCLAIMED_IMM8

    # --- dx forms: UART scratch register, byte wide ---
    mov $UART_SCR, %dx
    mov $0x5a, %al
    out %al, (%dx)
    mov $FILL, %rax
    in (%dx), %al
    PUT_HEX 8, "scr=", %rax
    EXPECT %rax, $0x111111111111115a, "scr 0x5a"
    mov $0xa5, %al
    out %al, (%dx)
    xor %eax, %eax
    in (%dx), %al
    PUT_HEX 8, "scr=", %rax
    EXPECT %rax, $0xa5, "scr 0xa5"

    # --- dx forms: unclaimed port, all widths ---
    mov $UNCLAIMED, %dx
    mov $FILL, %rax
    in (%dx), %al
    PUT_HEX 8, "unclaimed byte=", %rax
    EXPECT %rax, $0x11111111111111ff, "in al,dx unclaimed"
    mov $FILL, %rax
    in (%dx), %ax
    PUT_HEX 16, "unclaimed word=", %rax
    EXPECT %rax, $0x111111111111ffff, "in ax,dx unclaimed"
    mov $FILL, %rax
    in (%dx), %eax
    PUT_HEX 32, "unclaimed dword=", %rax
    EXPECT %rax, $0xffffffff, "in eax,dx unclaimed"
    out %al, (%dx)
    out %ax, (%dx)
    out %eax, (%dx)

    # --- dx forms, word and dword writes to debugcon: only the low byte is output ---
    mov $DEBUGCON, %dx
    mov $0x4177, %ax            # 'w'
    out %ax, (%dx)
    mov $0x41424364, %eax       # 'd'
    out %eax, (%dx)
    lea dbg_newline(%rip), %rsi
    outsb                       # one string output, no rep
    lea dbg_newline + 1(%rip), %rax
    EXPECT %rsi, %rax, "outsb advances rsi"

    # --- rep outsb: 23 bytes to COM1, then to debugcon ---
    mov $UART_THR, %dx
    lea com1_text(%rip), %rsi
    mov $COM1_TEXT_LEN, %ecx
    rep outsb
    EXPECT %rcx, $0, "rep outsb to com1 rcx"
    lea com1_text + COM1_TEXT_LEN(%rip), %rax
    EXPECT %rsi, %rax, "rep outsb to com1 rsi"
    mov $DEBUGCON, %dx
    lea dbg_text(%rip), %rsi
    mov $DBG_TEXT_LEN, %ecx
    rep outsb
    EXPECT %rcx, $0, "rep outsb to debugcon rcx"

    # --- rep ins from the unclaimed port: every byte reads 0xff ---
    mov $UNCLAIMED, %dx
    lea in_bytes(%rip), %rdi
    mov $8, %ecx
    rep insb
    EXPECT %rcx, $0, "rep insb rcx"
    lea in_bytes + 8(%rip), %rax
    EXPECT %rdi, %rax, "rep insb rdi"
    mov in_bytes(%rip), %rax
    PUT_HEX 64, "rep insb unclaimed=", %rax
    EXPECT %rax, $-1, "rep insb unclaimed"

    lea in_words(%rip), %rdi
    mov $4, %ecx
    rep insw
    lea in_words + 8(%rip), %rax
    EXPECT %rdi, %rax, "rep insw rdi"
    mov in_words(%rip), %rax
    PUT_HEX 64, "rep insw unclaimed=", %rax
    EXPECT %rax, $-1, "rep insw unclaimed"

    lea in_dwords(%rip), %rdi
    mov $2, %ecx
    rep insl
    mov in_dwords(%rip), %rax
    PUT_HEX 64, "rep insd unclaimed=", %rax
    EXPECT %rax, $-1, "rep insd unclaimed"

    # --- rep insb from the scratch register: the device is really read each time ---
    mov $UART_SCR, %dx
    mov $0x5a, %al
    out %al, (%dx)
    lea in_scr(%rip), %rdi
    mov $4, %ecx
    rep insb
    mov in_scr(%rip), %rax
    PUT_HEX 64, "rep insb scr=", %rax
    EXPECT %rax, $0x5a5a5a5a, "rep insb scr"

    PRINTLN "portio done"
    FINISH

    .section .rodata
com1_text:
    .ascii "rep outsb to com1: ok!\n"
    .set COM1_TEXT_LEN, . - com1_text
dbg_text:
    .ascii "rep outsb to debugcon\n"
    .set DBG_TEXT_LEN, . - dbg_text
dbg_newline:
    .ascii "\n"

    .data
    .balign 8
in_bytes:
    .quad 0
in_words:
    .quad 0
in_dwords:
    .quad 0
in_scr:
    .quad 0
