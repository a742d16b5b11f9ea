# system: the privileged instructions of a kernel's early boot that have no visible output:
# cli/sti, lgdt (with a 64-bit TSS descriptor), lidt, lldt 0, ltr, invlpg, wbinvd, invd, debug
# registers, xgetbv/xsetbv and swapgs. Prints the debug registers, "system ok", then halts with
# interrupts off: uhv's exit reason "halted", status 0.
    .include "uhv.inc"

.set GDT_CODE64, 0x08
.set GDT_DATA, 0x10
.set GDT_TSS, 0x18
.set DR7_VALUE, 0x403           # bit 10 reads as 1; L0 | G0

    GUEST_ENTRY

    cli
    sti
    cli

    # Fill in the TSS descriptor: the base is only known at link time.
    lea tss(%rip), %rax
    lea gdt + GDT_TSS(%rip), %rdi
    mov $(TSS_SIZE - 1), %ecx
    mov $TSS_AVAILABLE_64, %dl
    call set_system_descriptor

    lgdt gdtr(%rip)
    lidt idtr(%rip)
    xor %eax, %eax
    lldt %ax                            # a null LDT selector is legal
    mov $GDT_TSS, %ax
    ltr %ax

    invlpg scratch(%rip)
    wbinvd
    invd

    mov $0x111000, %rax
    mov %rax, %dr0
    mov $0x222000, %rax
    mov %rax, %dr1
    mov $0x333000, %rax
    mov %rax, %dr2
    mov $0x444000, %rax
    mov %rax, %dr3
    mov $DR7_VALUE, %eax
    mov %rax, %dr7
    mov %dr0, %rax
    PUT_HEX 64, "dr0=", %rax
    EXPECT %rax, $0x111000, "dr0"
    mov %dr1, %rax
    PUT_HEX 64, "dr1=", %rax
    EXPECT %rax, $0x222000, "dr1"
    mov %dr2, %rax
    PUT_HEX 64, "dr2=", %rax
    EXPECT %rax, $0x333000, "dr2"
    mov %dr3, %rax
    PUT_HEX 64, "dr3=", %rax
    EXPECT %rax, $0x444000, "dr3"
    mov %dr7, %rax
    PUT_HEX 64, "dr7=", %rax
    EXPECT %rax, $DR7_VALUE, "dr7"

    # XCR0: xgetbv runs natively (it does not fault at CPL3); writing back the same value is legal.
    xor %ecx, %ecx
    xgetbv
    xsetbv

    swapgs
    swapgs

    cmpq $0, failures(%rip)
    je 1f
    FINISH
1:  PRINTLN "system ok"
    cli
2:  hlt
    jmp 2b

    .data
    .balign 16
gdt:
    .quad 0                             # null
    .quad 0x00af9a000000ffff            # 0x08: 64-bit code, DPL 0
    .quad 0x00cf92000000ffff            # 0x10: data, DPL 0
    .quad 0, 0                          # 0x18: 64-bit TSS, 16 bytes, filled in at run time
gdt_end:
    .balign 4
    .word 0                             # limit at an address MOD 4 = 2, base 4-aligned (SDM 3A 3.5.1)
gdtr:
    .word gdt_end - gdt - 1
    .quad gdt
    .balign 4
    .word 0
idtr:
    .word 0xfff                         # 256 16-byte gates, all not-present
    .quad idt
    .balign 16
tss:
    .fill TSS_SIZE, 1, 0
    .balign 4096
idt:
    .fill 4096, 1, 0
scratch:
    .quad 0
