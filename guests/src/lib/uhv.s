# Routines shared by every guest: COM1 output, hex printing, debug console, self-checks, exit.
# All preserve every general-purpose register (see uhv.inc); flags are clobbered.
    .include "uhv.inc"

    .text

# Programs COM1 as a real driver does: 115200 8N1, FIFOs on, DTR|RTS|OUT2.
    .globl serial_init
serial_init:
    push %rax
    push %rdx
    mov $UART_LCR, %dx
    mov $LCR_DLAB, %al
    out %al, (%dx)
    mov $UART_DLL, %dx
    mov $BAUD_115200, %al
    out %al, (%dx)
    mov $UART_DLM, %dx
    xor %eax, %eax
    out %al, (%dx)
    mov $UART_LCR, %dx
    mov $LCR_8N1, %al
    out %al, (%dx)
    mov $UART_FCR, %dx
    mov $FCR_ENABLE_CLEAR_14, %al
    out %al, (%dx)
    mov $UART_MCR, %dx
    mov $MCR_DTR_RTS_OUT2, %al
    out %al, (%dx)
    pop %rdx
    pop %rax
    ret

# putc: al = byte to COM1, once LSR says the transmit holding register is empty.
    .globl putc
putc:
    push %rdx
    push %rax
    mov $UART_LSR, %dx
1:  in (%dx), %al
    test $LSR_THR_EMPTY, %al
    jz 1b
    pop %rax
    mov $UART_THR, %dx
    out %al, (%dx)
    pop %rdx
    ret

# puts: rsi = NUL-terminated string to COM1.
    .globl puts
puts:
    push %rax
    push %rsi
1:  lodsb
    test %al, %al
    jz 2f
    call putc
    jmp 1b
2:  pop %rsi
    pop %rax
    ret

    .globl newline
newline:
    push %rax
    mov $10, %al
    call putc
    pop %rax
    ret

# put_hexN: rax's low N bits as "0x" and N/4 lowercase hex digits, zero-padded.
    .globl put_hex8, put_hex16, put_hex32, put_hex64
put_hex8:
    push %rcx
    mov $2, %ecx
    jmp put_hex_digits
put_hex16:
    push %rcx
    mov $4, %ecx
    jmp put_hex_digits
put_hex32:
    push %rcx
    mov $8, %ecx
    jmp put_hex_digits
put_hex64:
    push %rcx
    mov $16, %ecx
# Entered by jmp with the caller's rcx pushed and ecx = digit count; pops rcx itself.
put_hex_digits:
    push %rax
    push %rdx
    mov %rax, %rdx
    mov $'0', %al
    call putc
    mov $'x', %al
    call putc
    shl $2, %ecx                # bit position just above the most significant digit
1:  sub $4, %ecx
    mov %rdx, %rax
    shr %cl, %rax
    and $0xf, %eax
    cmp $10, %eax
    jb 2f
    add $('a' - '0' - 10), %eax
2:  add $'0', %eax
    call putc
    test %ecx, %ecx
    jnz 1b
    pop %rdx
    pop %rax
    pop %rcx
    ret

# put_signature: prints the 12 bytes of ebx, ecx, edx (each little-endian, in that order: cpuid's
# vendor or hypervisor signature), any byte outside 0x20..0x7e as '.', then a newline. Preserves
# every register.
    .globl put_signature
put_signature:
    push %rax
    push %rcx
    push %rsi
    sub $16, %rsp
    mov %ebx, (%rsp)
    mov %ecx, 4(%rsp)
    mov %edx, 8(%rsp)
    mov %rsp, %rsi
    mov $12, %ecx
1:  lodsb
    cmp $0x20, %al
    jb 2f
    cmp $0x7e, %al
    jbe 3f
2:  mov $'.', %al
3:  call putc
    dec %ecx
    jnz 1b
    call newline
    add $16, %rsp
    pop %rsi
    pop %rcx
    pop %rax
    ret

# dbg_puts: rsi = NUL-terminated string to the debug console, one `out imm8` per byte.
    .globl dbg_puts
dbg_puts:
    push %rax
    push %rsi
1:  lodsb
    test %al, %al
    jz 2f
    out %al, $DEBUGCON
    jmp 1b
2:  pop %rsi
    pop %rax
    ret

# expect_eq: rax = actual, rdx = expected, rsi = what. Prints a FAIL line if they differ.
    .globl expect_eq
expect_eq:
    cmp %rdx, %rax
    je 1f
    PRINT "FAIL: "
    call puts
    PRINT ": got "
    call put_hex64
    PRINT ", expected "
    push %rax
    mov %rdx, %rax
    call put_hex64
    pop %rax
    call newline
    incq failures(%rip)
1:  ret

    .globl finish
finish:
    cmpq $0, failures(%rip)
    jne 1f
    EXIT EXIT_OK
1:  PUT_HEX 64, "checks failed: ", failures(%rip)
    EXIT EXIT_CHECK_FAILED

# set_system_descriptor: writes the 16-byte system descriptor at rdi: base rax, limit ecx (at most
# 0xfffff, byte granular), access byte dl. Preserves every register.
    .globl set_system_descriptor
set_system_descriptor:
    push %rax
    mov %cx, (%rdi)                     # limit 15:0
    mov %ax, 2(%rdi)                    # base 15:0
    shr $16, %rax
    mov %al, 4(%rdi)                    # base 23:16
    mov %dl, 5(%rdi)                    # access byte
    push %rcx
    shr $16, %ecx
    and $0xf, %cl
    mov %cl, 6(%rdi)                    # limit 19:16, flags: byte granular
    pop %rcx
    mov %ah, 7(%rdi)                    # base 31:24
    shr $16, %rax
    mov %eax, 8(%rdi)                   # base 63:32
    movl $0, 12(%rdi)
    pop %rax
    ret

# exit_guest: al = v. Under QEMU and uhv the out never returns; if it ever does, the device is
# missing, so fail loudly with #UD rather than end in a way that looks like success.
    .globl exit_guest
exit_guest:
    out %al, $DEBUG_EXIT
    ud2

    .data
    .globl failures
failures:
    .quad 0
