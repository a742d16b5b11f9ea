# vga: writes a known text screen to the colour text buffer at 0xb8000 (80x25, a character byte and
# an attribute byte per cell) as a kernel's console driver does, and places the cursor through the
# CRT controller (index 0x3d4, data 0x3d5). The buffer is plain guest RAM under uhv: the stores run
# natively; only the port accesses trap. The screen (row, column, attribute):
#   row 0, the whole row 0x1f (white on blue): " uhv VGA text mode test"
#   rows 2-8, columns 2-41: a double-line frame (CP437 0xc9 0xcd 0xbb 0xba 0xc8 0xbc) in 0x0e (yellow)
#   inside it, from column 4: row 3 "Hello from the guest" 0x0a (light green on black),
#     row 4 "White on red" 0x4f, row 5 "Black on cyan" 0x30, row 6 "Blinking yellow" 0x8e (bit 7),
#     row 7 the CP437 pictures 0x01 0x02 0x03 0x04 0x05 0x06 then the shades and block 0xb0-0xb2 0xdb
#     in 0x0c (light red)
#   row 12 "C:\>" 0x07, and the cursor right after it (row 12, column 4) on scan lines 14-15
#   every other cell a space in 0x07 (grey on black)
# Then it reads back the cursor registers and checks them, reads input status 1 (0x3da) twice (the
# vertical retrace bit must change, or a wait for retrace would never end), prints two lines on
# COM1 and ends with FINISH.
    .include "uhv.inc"

.set VGA_TEXT, 0xb8000
.set COLUMNS, 80
.set ROWS, 25
.set CRTC_INDEX, 0x3d4
.set CRTC_DATA, 0x3d5
.set INPUT_STATUS_1, 0x3da
.set CRTC_CURSOR_START, 0x0a
.set CRTC_CURSOR_END, 0x0b
.set CRTC_CURSOR_HIGH, 0x0e
.set CRTC_CURSOR_LOW, 0x0f
.set RETRACE, 0x08

.set BLANK, 0x0720              # a space, grey on black
.set FRAME_TOP, 2
.set FRAME_BOTTOM, 8
.set FRAME_LEFT, 2
.set FRAME_RIGHT, 41
.set FRAME_ATTR, 0x0e
.set CURSOR_ROW, 12
.set CURSOR_COLUMN, 4
.set CURSOR_CELL, CURSOR_ROW * COLUMNS + CURSOR_COLUMN

# CELL row, column: the address of a cell.
.macro CELL row:req, column:req
    mov $VGA_TEXT + 2 * ((\row) * COLUMNS + (\column)), %edi
.endm

# TEXT row, column, attribute, "text": the text from that cell on, in one attribute.
.macro TEXT row:req, column:req, attr:req, str:req
    .pushsection .rodata
.Ltext\@: .asciz "\str"
    .popsection
    CELL \row, \column
    lea .Ltext\@(%rip), %rsi
    mov $\attr, %ah
    call vga_puts
.endm

# CRTC_WRITE register, value: one CRT controller register through the index and data ports.
.macro CRTC_WRITE reg:req, value:req
    mov $CRTC_INDEX, %dx
    mov $\reg, %al
    out %al, (%dx)
    mov $CRTC_DATA, %dx
    mov $\value, %al
    out %al, (%dx)
.endm

    GUEST_ENTRY

    # --- clear the screen ---
    mov $VGA_TEXT, %edi
    mov $BLANK, %ax
    mov $COLUMNS * ROWS, %ecx
    rep stosw

    # --- title bar ---
    CELL 0, 0
    mov $0x1f20, %ax
    mov $COLUMNS, %ecx
    rep stosw
    TEXT 0, 1, 0x1f, "uhv VGA text mode test"

    # --- the frame: corners, then the sides ---
    mov $FRAME_ATTR, %ah
    CELL FRAME_TOP, FRAME_LEFT
    mov $0xc9, %al
    stosw
    mov $0xcd, %al
    mov $FRAME_RIGHT - FRAME_LEFT - 1, %ecx
    rep stosw
    mov $0xbb, %al
    stosw
    CELL FRAME_BOTTOM, FRAME_LEFT
    mov $0xc8, %al
    stosw
    mov $0xcd, %al
    mov $FRAME_RIGHT - FRAME_LEFT - 1, %ecx
    rep stosw
    mov $0xbc, %al
    stosw
    mov $0xba, %al
    CELL FRAME_TOP + 1, FRAME_LEFT
    mov $FRAME_BOTTOM - FRAME_TOP - 1, %ecx
1:  mov %ax, (%rdi)
    mov %ax, 2 * (FRAME_RIGHT - FRAME_LEFT)(%rdi)
    add $2 * COLUMNS, %edi
    loop 1b

    # --- text in several attributes ---
    TEXT 3, 4, 0x0a, "Hello from the guest"
    TEXT 4, 4, 0x4f, "White on red"
    TEXT 5, 4, 0x30, "Black on cyan"
    TEXT 6, 4, 0x8e, "Blinking yellow"
    CELL 7, 4
    lea pictures(%rip), %rsi
    mov $0x0c, %ah
    call vga_puts
    TEXT CURSOR_ROW, 0, 0x07, "C:\\>"

    # --- the cursor: scan lines 14-15, at row 12 column 4 ---
    CRTC_WRITE CRTC_CURSOR_START, 14
    CRTC_WRITE CRTC_CURSOR_END, 15
    # the high byte as one word write (index in al, value in ah), as drivers often do
    mov $CRTC_INDEX, %dx
    mov $(CURSOR_CELL >> 8) << 8 | CRTC_CURSOR_HIGH, %ax
    out %ax, (%dx)
    CRTC_WRITE CRTC_CURSOR_LOW, CURSOR_CELL & 0xff

    # --- read back ---
    call read_cursor
    EXPECT %rax, $CURSOR_CELL, "cursor location read back"
    mov $CRTC_CURSOR_START, %al
    call crtc_read
    EXPECT %rax, $14, "cursor start read back"
    mov $INPUT_STATUS_1, %dx
    in (%dx), %al
    mov %al, %bl
    in (%dx), %al
    xor %bl, %al
    and $RETRACE, %eax
    EXPECT %rax, $RETRACE, "input status 1 retrace bit toggles"

    PRINTLN "vga: text screen written, cursor at row 12 column 4"
    PRINTLN "vga done"
    FINISH

# vga_puts: the NUL-terminated string at rsi to the cells from rdi on, in attribute ah.
# Leaves rsi after the NUL and rdi after the last cell; clobbers al.
vga_puts:
1:  lodsb
    test %al, %al
    jz 2f
    stosw
    jmp 1b
2:  ret

# crtc_read: al = a CRT controller register's index; rax = its value. Clobbers rdx.
crtc_read:
    mov $CRTC_INDEX, %dx
    out %al, (%dx)
    mov $CRTC_DATA, %dx
    in (%dx), %al
    movzbl %al, %eax
    ret

# read_cursor: rax = the cursor location (CRTC 0x0e:0x0f). Clobbers rdx.
read_cursor:
    mov $CRTC_CURSOR_HIGH, %al
    call crtc_read
    shl $8, %eax
    push %rax
    mov $CRTC_CURSOR_LOW, %al
    call crtc_read
    pop %rdx
    or %rdx, %rax
    ret

    .section .rodata
pictures:
    .byte 0x01, 0x20, 0x02, 0x20, 0x03, 0x20, 0x04, 0x20, 0x05, 0x20, 0x06, 0x20
    .byte 0xb0, 0xb1, 0xb2, 0xdb, 0
