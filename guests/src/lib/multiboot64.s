# The multiboot face of a 64-bit test guest (guests/README.md, the *-mb.elf images): a multiboot v1
# header and a 32-bit entry that does what small kernels do before their 64-bit code runs (its own
# GDT with 64-bit code at 0x08 and data at 0x10, 2 MiB identity pages over the first 1 GiB, PAE,
# EFER.LME|SCE|NXE, paging, a far jump), then enters the guest's 64-bit _start with rsp at the top of
# RAM (from the boot information's mem_upper): the state uhv gives a 64-bit image directly. Linked
# with -e _start32, then converted to ELF32 (objcopy -O elf32-i386), as a multiboot loader wants.
    .set MB_MAGIC, 0x1badb002
    .set MB_FLAGS, 3                    # modules page-aligned, memory information
    .set MSR_EFER, 0xc0000080
    .set EFER_BOOT, 0x901               # SCE, LME, NXE
    .set MBI_MEM_UPPER, 8

    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .section .text.multiboot, "ax"
    .code32
    .globl _start32
_start32:
    mov MBI_MEM_UPPER(%ebx), %eax       # KiB above 1 MiB
    add $1024, %eax
    shl $10, %eax
    mov %eax, top_of_ram
    lgdt gdt_pointer
    mov $pd, %edi
    mov $0x83, %eax                     # P, RW, PS
    mov $512, %ecx
1:  mov %eax, (%edi)
    movl $0, 4(%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b
    movl $pd + 3, pdpt
    movl $pdpt + 3, pml4
    mov $pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x20, %eax                      # PAE
    mov %eax, %cr4
    mov $MSR_EFER, %ecx
    mov $EFER_BOOT, %eax
    xor %edx, %edx
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax                # PG
    mov %eax, %cr0
    ljmp $0x08, $long64

    .code64
long64:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov top_of_ram, %esp
    jmp _start

    .data
    .balign 8
gdt:
    .quad 0
    .quad 0x00af9b000000ffff            # 0x08: 64-bit ring-0 code
    .quad 0x00cf93000000ffff            # 0x10: flat data
gdt_end:
gdt_pointer:
    .word gdt_end - gdt - 1
    .long gdt
top_of_ram:
    .long 0
    .balign 4096
pml4: .skip 4096
pdpt: .skip 4096
pd: .skip 4096
