# A multiboot (v1) shim that lets QEMU run a uhv guest: QEMU loads it (-kernel) with the guest's
# flat image as module 0 (-initrd); it copies the image to 0x100000 and enters it as uhv does:
# 64-bit mode, CPL0, CS = 0x08, SS = 0x10, rsp = 64 MiB, IF = 0, IDTR limit 0, CR0 =
# PE|MP|ET|NE|WP|PG, EFER = SCE|LME|LMA|NXE, the first 64 MiB identity-mapped (2 MiB pages, user
# accessible: uhv has no paging of its own) and nothing above, the 8259 PICs masked. Not part of
# the build; see run.sh.
    .set MB_MAGIC, 0x1badb002
    .set MB_FLAGS, 0
    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .text
    .code32
    .globl _start
_start:
    cli
    mov $0x7000, %esp
    mov $0xff, %al
    out %al, $0x21
    out %al, $0xa1
    # copy module 0 to 0x100000
    mov 20(%ebx), %ecx          # mods_count
    test %ecx, %ecx
    jz .
    mov 24(%ebx), %eax          # mods_addr
    mov 0(%eax), %esi           # mod_start
    mov 4(%eax), %ecx           # mod_end
    sub %esi, %ecx
    mov $0x100000, %edi
    cld
    rep movsb
    # page tables
    mov $pd, %edi
    xor %eax, %eax
    mov $0x87, %edx             # P|W|U|PS
1:  mov %edx, (%edi,%eax,8)
    movl $0, 4(%edi,%eax,8)
    add $0x200000, %edx
    inc %eax
    cmp $32, %eax
    jb 1b
    movl $(pd + 7), pdpt
    movl $(pdpt + 7), pml4
    mov %cr4, %eax
    or $0x620, %eax             # PAE|OSFXSR|OSXMMEXCPT
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $0x901, %eax             # SCE|LME|NXE
    wrmsr
    mov $0x80010033, %eax
    mov %eax, %cr0
    lgdt gdtr
    lidt idtr0
    ljmp $0x08, $start64
    .code64
start64:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    mov $0x4000000, %esp
    xor %eax, %eax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %ebp, %ebp
    push $0x2
    popfq
    mov $0x100000, %eax
    jmp *%rax

    .data
    .align 16
gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
gdt_end:
gdtr:
    .word gdt_end - gdt - 1
    .long gdt, 0
idtr0:
    .word 0
    .long 0
    .align 4096
pml4: .fill 4096, 1, 0
pdpt: .fill 4096, 1, 0
pd:   .fill 4096, 1, 0
