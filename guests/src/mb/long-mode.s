# long-mode: a multiboot v1 kernel that enters 64-bit long mode the way small kernels do (its own
# GDT, 2 MiB identity page tables, CR4.PAE, EFER.LME, CR0.PG, a far jump to its 64-bit code
# selector) and prints through COM1 from both modes (guests/README.md). With "remap" on its command
# line it maps one page elsewhere before turning paging on, which uhv must refuse.
    .include "mb.inc"

    .set MSR_EFER, 0xc0000080
    .set MSR_FS_BASE, 0xc0000100
    .set MSR_GS_BASE, 0xc0000101
    .set CODE32, 0x08
    .set DATA, 0x10
    .set CODE64, 0x18
    .set PAGE_2M, 0x83                  # P, RW, PS
    .set VECTOR_UD, 6

    MULTIBOOT_HEADER MB_PAGE_ALIGN | MB_MEMORY_INFO
    MB_ENTRY
    PUT_HEX32 "long-mode: 32-bit protected mode, eax=", boot_magic

    lgdt gdt_pointer
    ljmp $CODE32, $1f                   # CS from its own GDT
1:  mov $DATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss

    # A far pointer built from `mov %cs, %ax` (the host's 0x23) lands in its own 32-bit code.
    mov %cs, %ax
    mov %ax, far32 + 4
    ljmp *far32
via_host_cs:
    PRINTLN "long-mode: far jump through the host's CS reached its own code"

    # An exception in protected mode goes through its 32-bit IDT; the handler steps over the ud2.
    mov $ud_handler32, %eax
    mov $idt32 + VECTOR_UD * 8, %edi
    mov %ax, (%edi)
    movw $CODE32, 2(%edi)
    movw $0x8e00, 4(%edi)               # P, DPL0, 32-bit interrupt gate
    shr $16, %eax
    mov %ax, 6(%edi)
    lidt idt32_pointer
    ud2
    PRINTLN "long-mode: back from the #UD handler"

    # FS_BASE written from 32-bit code moves fs-relative accesses.
    mov $MSR_FS_BASE, %ecx
    mov $fs_data, %eax
    xor %edx, %edx
    wrmsr
    PUT_HEX32 "long-mode: fs:0 through FS_BASE = ", %fs:0

    # 2 MiB identity pages over the first 1 GiB: PML4[0] -> PDPT[0] -> PD.
    mov $pd, %edi
    mov $PAGE_2M, %eax
    mov $512, %ecx
1:  mov %eax, (%edi)
    movl $0, 4(%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b
    movl $pd + 3, pdpt
    movl $pdpt + 3, pml4
    call remap_if_asked

    mov $pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x20, %eax                      # PAE
    mov %eax, %cr4
    mov $MSR_EFER, %ecx
    rdmsr
    or $0x100, %eax                     # LME
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax                # PG: IA-32e mode, still in 32-bit code
    mov %eax, %cr0

    mov $MSR_EFER, %ecx
    rdmsr
    PUT_HEX32 "long-mode: paging on, EFER=", %eax
    ljmp $CODE64, $long64

# With "remap" in the command line, the second 2 MiB page maps physical 0: not the identity.
remap_if_asked:
    mov boot_info, %ebx
    testl $MBI_HAS_CMDLINE, MBI_FLAGS(%ebx)
    jz 2f
    mov MBI_CMDLINE(%ebx), %esi
1:  cmpb $0, (%esi)
    je 2f
    cmpl $0x616d6572, (%esi)            # "rema"
    jne 3f
    cmpb $'p', 4(%esi)
    jne 3f
    PRINTLN "long-mode: mapping virtual 0x200000 to physical 0"
    movl $PAGE_2M, pd + 8
    ret
3:  inc %esi
    jmp 1b
2:  ret

ud_handler32:
    PRINTLN "long-mode: #UD through the 32-bit IDT"
    addl $2, (%esp)                     # return past the 2-byte ud2
    iret

    .code64
long64:
    mov $msg_64, %esi
    call puts64

    # An IDT gate that holds the host's CS (read with `mov %cs`) delivers to its own 64-bit code.
    # (An i386 object has no 32-bit signed absolute relocations: addresses go through registers.)
    mov $idt64 + 0x40 * 16, %edi
    mov %cs, %ax
    mov %ax, 2(%rdi)
    mov $int40_handler, %eax
    mov %ax, (%rdi)
    shr $16, %eax
    mov %ax, 6(%rdi)
    movw $0x8e00, 4(%rdi)               # P, DPL0, 64-bit interrupt gate
    mov $idt64_pointer, %edi
    lidt (%rdi)
    int $0x40
    mov $msg_back64, %esi
    call puts64

    mov $MSR_GS_BASE, %ecx
    mov $gs_data, %eax
    xor %edx, %edx
    wrmsr
    mov $msg_gs, %esi
    call puts64
    mov %gs:0, %rbx
    mov $16, %ecx
1:  rol $4, %rbx
    mov %ebx, %eax
    and $0xf, %eax
    mov $hex_digits, %edx
    movzbl (%rdx,%rax), %eax
    call putc64
    loop 1b
    mov $'\n', %al
    call putc64

    mov $msg_done, %esi
    call puts64
    mov $EXIT_OK, %al
    out %al, $DEBUG_EXIT
    ud2

int40_handler:
    mov $msg_int40, %esi
    call puts64
    iretq

# puts64: the NUL-terminated string at rsi to COM1 (mb.s's routines are 32-bit code).
puts64:
    lodsb
    test %al, %al
    jz 1f
    call putc64
    jmp puts64
1:  ret

# putc64: al to COM1 once the transmitter is empty; keeps every register but flags.
putc64:
    push %rdx
    push %rax
    mov $UART_LSR, %dx
1:  in (%dx), %al
    test $LSR_THR_EMPTY, %al
    jz 1b
    pop %rax
    mov $COM1, %dx
    out %al, (%dx)
    pop %rdx
    ret

    .section .rodata
msg_64: .asciz "long-mode: 64-bit mode\n"
msg_back64: .asciz "long-mode: back from int 0x40\n"
msg_int40: .asciz "long-mode: int 0x40 through a gate holding the host's CS\n"
msg_gs: .asciz "long-mode: gs:0 through GS_BASE = 0x"
msg_done: .asciz "long-mode: done\n"

    .data
    .balign 8
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff            # CODE32: flat 32-bit ring-0 code
    .quad 0x00cf93000000ffff            # DATA: flat writable data
    .quad 0x00af9b000000ffff            # CODE64: L = 1
gdt_end:
gdt_pointer:
    .word gdt_end - gdt - 1
    .long gdt
idt32_pointer:
    .word 256 * 8 - 1
    .long idt32
idt64_pointer:
    .word 256 * 16 - 1
    .long idt64, 0
far32:
    .long via_host_cs
    .word 0
fs_data:
    .long 0xf5da7a32
    .balign 8
gs_data:
    .quad 0x64b17c0de0000064

    .bss
    .balign 4096
pml4: .skip 4096
pdpt: .skip 4096
pd: .skip 4096
idt32: .skip 256 * 8
idt64: .skip 256 * 16
