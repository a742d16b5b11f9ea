# devices: probes the PC platform's port devices and prints what it reads: the 8259 pair after an
# ICW sequence, the ELCR, the 8254 (counter 0 latched twice, read-back status, the counter 2 / port
# 0x61 TSC calibration loop), the CMOS RTC, PCI configuration mechanism #1, fw_cfg, the i8042, a
# POST code and a "\r\n" line through COM1 untranslated. Checks what it can itself (FAIL lines); the
# test compares the rest with what it computes (RAM size, the year). Ends by writing "Shutdown" to
# the Bochs shutdown port 0x8900, or with FINISH (status 3) if a check failed.
    .include "uhv.inc"

.set PIC1_CMD, 0x20
.set PIC1_DATA, 0x21
.set PIC2_CMD, 0xa0
.set PIC2_DATA, 0xa1
.set ELCR1, 0x4d0
.set PIT_COUNTER0, 0x40
.set PIT_COUNTER2, 0x42
.set PIT_CONTROL, 0x43
.set PORT_B, 0x61
.set KBC_DATA, 0x60
.set KBC_STATUS, 0x64
.set CMOS_INDEX, 0x70
.set CMOS_DATA, 0x71
.set POST_CODE, 0x80
.set PCI_ADDRESS, 0xcf8
.set PCI_DATA, 0xcfc
.set FW_CFG_SELECT, 0x510
.set FW_CFG_DATA, 0x511
.set SHUTDOWN_PORT, 0x8900

.set CALIBRATION_COUNT, 11932      # 10 ms of the 1.193182 MHz PIT clock
.set MAX_POLLS, 100000000

# CMOS_READ reg: al = CMOS register reg (NMI stays enabled).
.macro CMOS_READ reg:req
    mov $\reg, %al
    out %al, $CMOS_INDEX
    in $CMOS_DATA, %al
.endm

    GUEST_ENTRY

    # --- 8259 pair: Linux's init_8259A sequence, then the masks read back ---
    mov $0x11, %al              # ICW1: edge, cascade, ICW4 follows
    out %al, $PIC1_CMD
    out %al, $PIC2_CMD
    mov $0x20, %al              # ICW2: vectors 0x20-0x27
    out %al, $PIC1_DATA
    mov $0x28, %al              # and 0x28-0x2f
    out %al, $PIC2_DATA
    mov $0x04, %al              # ICW3: slave on IR2
    out %al, $PIC1_DATA
    mov $0x02, %al              # slave identity 2
    out %al, $PIC2_DATA
    mov $0x01, %al              # ICW4: 8086 mode
    out %al, $PIC1_DATA
    out %al, $PIC2_DATA
    mov $0xfb, %al              # OCW1: all masked but the cascade
    out %al, $PIC1_DATA
    mov $0xff, %al
    out %al, $PIC2_DATA
    xor %eax, %eax
    in $PIC1_DATA, %al
    PUT_HEX 8, "pic master mask=", %rax
    in $PIC2_DATA, %al
    PUT_HEX 8, "pic slave mask=", %rax
    mov $0x0a, %al              # OCW3: read IRR
    out %al, $PIC1_CMD
    in $PIC1_CMD, %al
    PUT_HEX 8, "pic irr=", %rax
    mov $0x0b, %al              # OCW3: read ISR
    out %al, $PIC1_CMD
    in $PIC1_CMD, %al
    PUT_HEX 8, "pic isr=", %rax
    mov $ELCR1, %dx
    in (%dx), %al
    PUT_HEX 8, "elcr=", %rax

    # --- 8254 counter 0: mode 0, count 0xffff, latched twice ---
    mov $0x30, %al              # counter 0, lobyte/hibyte, mode 0, binary
    out %al, $PIT_CONTROL
    mov $0xff, %al
    out %al, $PIT_COUNTER0
    out %al, $PIT_COUNTER0
    call pit_latch_counter0
    mov %eax, %ebx
    call pit_latch_counter0
    cmp %ebx, %eax
    jb 1f
    FAIL "pit counter 0 did not decrease"
1:  PRINTLN "pit counter 0 decreasing"
    mov $0xc2, %al              # read-back: count and status of counter 0
    out %al, $PIT_CONTROL
    xor %eax, %eax
    in $PIT_COUNTER0, %al       # the status comes first
    and $0x7f, %al              # OUT is low until terminal count; do not print it
    PUT_HEX 8, "pit read-back status=", %rax
    in $PIT_COUNTER0, %al       # then the latched count
    in $PIT_COUNTER0, %al

    # --- counter 2 through port 0x61: Linux's pit_calibrate_tsc loop ---
    in $PORT_B, %al
    and $0xfd, %al              # speaker off
    or $0x01, %al               # gate 2 high
    out %al, $PORT_B
    mov $0xb0, %al              # counter 2, lobyte/hibyte, mode 0
    out %al, $PIT_CONTROL
    mov $(CALIBRATION_COUNT & 0xff), %al
    out %al, $PIT_COUNTER2
    mov $(CALIBRATION_COUNT >> 8), %al
    out %al, $PIT_COUNTER2
    mov $MAX_POLLS, %ecx
2:  in $PORT_B, %al
    test $0x20, %al             # OUT2
    jnz 3f
    dec %ecx
    jnz 2b
    FAIL "port 0x61 bit 5 never rose"
3:  PRINTLN "pit calibration loop done"

    # --- CMOS RTC: status registers, and the year once no update is in progress ---
    xor %eax, %eax
    CMOS_READ 0x0b
    PUT_HEX 8, "rtc status b=", %rax
    CMOS_READ 0x0d
    PUT_HEX 8, "rtc status d=", %rax
4:  CMOS_READ 0x0a
    test $0x80, %al
    jnz 4b
    and $0x7f, %al
    PUT_HEX 8, "rtc status a=", %rax
    CMOS_READ 0x32
    PUT_HEX 8, "rtc century=", %rax
    CMOS_READ 0x09
    PUT_HEX 8, "rtc year=", %rax
    CMOS_READ 0x18
    mov %al, %ah
    CMOS_READ 0x17
    PUT_HEX 16, "cmos extended memory kib=", %rax
    CMOS_READ 0x35
    mov %al, %ah
    CMOS_READ 0x34
    PUT_HEX 16, "cmos memory above 16m=", %rax

    # --- PCI configuration mechanism #1, no devices ---
    mov $PCI_ADDRESS, %dx
    mov $0x80000000, %eax
    out %eax, (%dx)
    xor %eax, %eax
    out %al, (%dx)              # a byte write is not CONFIG_ADDRESS
    in (%dx), %eax
    PUT_HEX 32, "pci config address=", %rax
    mov $PCI_DATA, %dx
    in (%dx), %eax
    PUT_HEX 32, "pci config data=", %rax

    # --- fw_cfg ---
    xor %eax, %eax              # FW_CFG_SIGNATURE
    call fw_cfg_select
    PRINT "fw_cfg signature="
    mov $4, %ecx
5:  in (%dx), %al
    call putc
    dec %ecx
    jnz 5b
    call newline
    mov $0x01, %eax             # FW_CFG_ID
    mov $4, %ecx
    call fw_cfg_read_le
    PUT_HEX 32, "fw_cfg id=", %rax
    mov $0x05, %eax             # FW_CFG_NB_CPUS
    mov $2, %ecx
    call fw_cfg_read_le
    PUT_HEX 16, "fw_cfg cpus=", %rax
    mov $0x03, %eax             # FW_CFG_RAM_SIZE
    mov $8, %ecx
    call fw_cfg_read_le
    PUT_HEX 64, "fw_cfg ram size=", %rax
    mov $0x19, %eax             # FW_CFG_FILE_DIR: big-endian count, then the first entry
    call fw_cfg_select
    call fw_cfg_read_be32
    PUT_HEX 32, "fw_cfg files=", %rax
    call fw_cfg_read_be32       # size
    call fw_cfg_read_be32       # select (high half), reserved
    shr $16, %eax
    mov %eax, %ebx
    PUT_HEX 16, "fw_cfg file select=", %rax
    PRINT "fw_cfg file name="
6:  in (%dx), %al
    test %al, %al
    jz 7f
    call putc
    jmp 6b
7:  call newline
    mov %ebx, %eax              # etc/e820: u64 address, u64 length, u32 type
    mov $8, %ecx
    call fw_cfg_read_le
    PUT_HEX 64, "e820 address=", %rax
    mov $8, %ecx
    call fw_cfg_read_le_next
    PUT_HEX 64, "e820 length=", %rax
    mov $4, %ecx
    call fw_cfg_read_le_next
    PUT_HEX 32, "e820 type=", %rax

    # --- i8042 ---
    xor %eax, %eax
    in $KBC_STATUS, %al
    PUT_HEX 8, "i8042 status=", %rax
    mov $0xaa, %al              # self-test
    call kbc_command
    PUT_HEX 8, "i8042 self-test=", %rax
    mov $0x20, %al              # read the command byte
    call kbc_command
    PUT_HEX 8, "i8042 command byte=", %rax

    # --- POST code, and COM1 passes the guest's own CR LF through ---
    mov $0x42, %al
    out %al, $POST_CODE
    PRINT "crlf\r\n"

    cmpq $0, failures(%rip)
    je 8f
    FINISH
8:  PRINTLN "devices done: Shutdown"
    mov $SHUTDOWN_PORT, %dx
    lea shutdown_string(%rip), %rsi
    mov $8, %ecx
    rep outsb
    ud2                         # not reached: the run ends at the last byte

# pit_latch_counter0: eax = counter 0, latched.
pit_latch_counter0:
    xor %eax, %eax              # counter latch command for counter 0
    out %al, $PIT_CONTROL
    in $PIT_COUNTER0, %al
    mov %al, %ah
    in $PIT_COUNTER0, %al
    xchg %al, %ah
    ret

# fw_cfg_select: ax = selector. Leaves dx = the data port.
fw_cfg_select:
    mov $FW_CFG_SELECT, %dx
    out %ax, (%dx)
    mov $FW_CFG_DATA, %dx
    ret

# fw_cfg_read_le: eax = selector, ecx = byte count (1-8): rax = the item's first bytes, little-endian.
# fw_cfg_read_le_next: the same from the current position. Both clobber rcx and leave dx = data port.
fw_cfg_read_le:
    call fw_cfg_select
fw_cfg_read_le_next:
    push %rbx
    push %rdi
    mov $FW_CFG_DATA, %dx
    xor %ebx, %ebx
    mov %ecx, %edi              # bytes left
    xor %ecx, %ecx              # where the next byte goes
1:  in (%dx), %al
    movzbq %al, %rax
    shl %cl, %rax
    or %rax, %rbx
    add $8, %ecx
    dec %edi
    jnz 1b
    mov %rbx, %rax
    pop %rdi
    pop %rbx
    ret

# fw_cfg_read_be32: eax = the next four bytes, big-endian.
fw_cfg_read_be32:
    push %rcx
    mov $4, %ecx
    call fw_cfg_read_le_next
    bswap %eax
    pop %rcx
    ret

# kbc_command: al = controller command; rax = its answer from port 0x60.
kbc_command:
    out %al, $KBC_STATUS
1:  in $KBC_STATUS, %al
    test $0x01, %al             # output buffer full
    jz 1b
    xor %eax, %eax
    in $KBC_DATA, %al
    ret

    .section .rodata
shutdown_string:
    .ascii "Shutdown"
