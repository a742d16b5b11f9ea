# Routines shared by the multiboot guests: COM1 output, hex printing, checks, exit. 32-bit code;
# all preserve every general-purpose register (see mb.inc); flags are clobbered.
    .include "mb.inc"
    .text

# Programs COM1 as a real driver does (115200 8N1, FIFOs on, DTR|RTS|OUT2): LCR = 0x80, divisor 1,
# LCR = 0x03, FCR = 0xc7, MCR = 0x0b, one (register, value) pair of uart_setup at a time.
    .globl serial_init
serial_init:
    push %eax
    push %edx
    push %esi
    mov $uart_setup, %esi
1:  movzwl (%esi), %edx
    test %edx, %edx
    jz 2f
    mov 2(%esi), %al
    out %al, (%dx)
    add $3, %esi
    jmp 1b
2:  pop %esi
    pop %edx
    pop %eax
    ret

# putc: al = byte to COM1, once LSR says the transmit holding register is empty.
    .globl putc
putc:
    push %edx
    push %eax
    mov $UART_LSR, %dx
1:  in (%dx), %al
    test $LSR_THR_EMPTY, %al
    jz 1b
    pop %eax
    mov $COM1, %dx
    out %al, (%dx)
    pop %edx
    ret

# puts: esi = NUL-terminated string to COM1.
    .globl puts
puts:
    push %eax
    push %esi
1:  lodsb
    test %al, %al
    jz 2f
    call putc
    jmp 1b
2:  pop %esi
    pop %eax
    ret

    .globl newline
newline:
    push %eax
    mov $10, %al
    call putc
    pop %eax
    ret

# put_hex32: eax as "0x" and 8 lowercase hex digits. put_hex64: edx:eax as "0x" and 16.
    .globl put_hex32, put_hex64
put_hex32:
    call put_0x
    push %ecx
    mov $8, %ecx
    call put_digits
    pop %ecx
    ret
put_hex64:
    call put_0x
    push %ecx
    mov $8, %ecx
    xchg %eax, %edx
    call put_digits             # the high half
    xchg %eax, %edx
    call put_digits
    pop %ecx
    ret

# put_hex_bytes: the ecx bytes at esi as two hex digits each, nothing between them.
    .globl put_hex_bytes
put_hex_bytes:
    push %eax
    push %ecx
    push %esi
1:  test %ecx, %ecx
    jz 2f
    push %ecx
    movzbl (%esi), %eax
    mov $2, %ecx
    call put_digits
    pop %ecx
    inc %esi
    dec %ecx
    jmp 1b
2:  pop %esi
    pop %ecx
    pop %eax
    ret

put_0x:
    push %eax
    mov $'0', %al
    call putc
    mov $'x', %al
    call putc
    pop %eax
    ret

# put_digits: the low ecx (1 to 8) hex digits of eax, most significant first: rotates the first
# wanted digit to the top of edx, then one digit per rol by 4.
put_digits:
    push %eax
    push %ecx
    push %edx
    mov %eax, %edx
    shl $2, %ecx
    neg %ecx
    add $32, %ecx               # 32 - 4 * digits: the wanted digits to the top of edx
    rol %cl, %edx
    mov 4(%esp), %ecx           # the digit count, pushed above
1:  rol $4, %edx
    mov %edx, %eax
    and $0xf, %eax
    mov hex_digits(%eax), %al
    call putc
    loop 1b
    pop %edx
    pop %ecx
    pop %eax
    ret

# --- printing boot information (mb-info, mb2-info) -------------------------------------------------

# put_mmap_entry: esi = a memory map entry's base_addr, followed by its length (8 bytes) and type
# (4), as both versions lay them out. Prints "base=0x... length=0x... type=0x...".
    .globl put_mmap_entry
put_mmap_entry:
    push %eax
    push %edx
    PRINT "base="
    mov (%esi), %eax
    mov 4(%esi), %edx
    call put_hex64
    PRINT " length="
    mov 8(%esi), %eax
    mov 12(%esi), %edx
    call put_hex64
    PRINT " type="
    mov 16(%esi), %eax
    call put_hex32
    call newline
    pop %edx
    pop %eax
    ret

# put_module: eax = mod_start, edx = mod_end, esi = its string. Prints "start=0x... end=0x...
# string=..." and a line "mod bytes=" with its first 8 bytes (fewer if it is shorter) in hex.
    .globl put_module
put_module:
    push %eax
    push %ecx
    push %esi
    PRINT "start="
    call put_hex32
    PRINT " end="
    push %eax
    mov %edx, %eax
    call put_hex32
    pop %eax
    PRINT " string="
    call puts
    call newline
    PRINT "mod bytes="
    mov %eax, %esi
    mov %edx, %ecx
    sub %eax, %ecx
    cmp $8, %ecx
    jbe 1f
    mov $8, %ecx
1:  call put_hex_bytes
    call newline
    pop %esi
    pop %ecx
    pop %eax
    ret

    .globl finish
finish:
    cmpl $0, failures
    jne 1f
    EXIT EXIT_OK
1:  PUT_HEX32 "checks failed: ", failures
    EXIT EXIT_CHECK_FAILED

# exit_guest: al = v. Under QEMU and uhv the out never returns; if it ever does, the device is
# missing, so fail loudly with #UD rather than end in a way that looks like success.
    .globl exit_guest
exit_guest:
    out %al, $DEBUG_EXIT
    ud2

    .section .rodata
    .globl hex_digits
hex_digits:
    .ascii "0123456789abcdef"
uart_setup:                     # (port, value) pairs, then port 0
    .short COM1 + 3
    .byte 0x80                  # LCR: DLAB
    .short COM1 + 0
    .byte 1                     # DLL: divisor 1 (115200 baud)
    .short COM1 + 1
    .byte 0                     # DLM
    .short COM1 + 3
    .byte 0x03                  # LCR: 8N1
    .short COM1 + 2
    .byte 0xc7                  # FCR: FIFOs on and cleared, 14-byte trigger
    .short COM1 + 4
    .byte 0x0b                  # MCR: DTR, RTS, OUT2
    .short 0

    .data
    .globl failures, boot_magic, boot_info
failures:
    .long 0
boot_magic:
    .long 0
boot_info:
    .long 0

    .bss
    .balign 16
    .skip 8192
    .globl stack_top
stack_top:
