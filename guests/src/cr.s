# cr: moves to and from CR0, CR2, CR3, CR4 and CR8 with legal values, prints what reads back and
# checks it. Changed registers are restored. Ends with FINISH (v = 0 when every check held).
    .include "uhv.inc"

.set CR0_AM, 1 << 18
.set CR4_OSFXSR, 1 << 9
.set CR4_OSXMMEXCPT, 1 << 10

    GUEST_ENTRY

    # CR0: toggle AM (alignment mask), the one bit with no effect at CPL0; then restore.
    mov %cr0, %rbx
    PUT_HEX 64, "cr0=", %rbx
    mov %rbx, %rax
    xor $CR0_AM, %rax
    mov %rax, %cr0
    mov %cr0, %rcx
    PUT_HEX 64, "cr0 with AM toggled=", %rcx
    EXPECT %rcx, %rax, "cr0 AM toggle"
    mov %rbx, %cr0
    mov %cr0, %rcx
    EXPECT %rcx, %rbx, "cr0 restored"

    # CR2: the page-fault address, freely writable.
    mov $0x1234000, %rax
    mov %rax, %cr2
    mov %cr2, %rcx
    PUT_HEX 64, "cr2=", %rcx
    EXPECT %rcx, $0x1234000, "cr2"

    # CR3: uhv does not walk guest page tables yet, so any page-aligned value reads back.
    mov %cr3, %rbx
    mov $0x2000, %rax
    mov %rax, %cr3
    mov %cr3, %rcx
    PUT_HEX 64, "cr3=", %rcx
    EXPECT %rcx, $0x2000, "cr3"
    mov %rbx, %cr3

    # CR4: make sure OSFXSR and OSXMMEXCPT (SSE support) are set.
    mov %cr4, %rax
    or $(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
    mov %rax, %cr4
    mov %cr4, %rcx
    PUT_HEX 64, "cr4=", %rcx
    EXPECT %rcx, %rax, "cr4"

    # CR8: the task priority register, 4 bits.
    mov $5, %eax
    mov %rax, %cr8
    mov %cr8, %rcx
    PUT_HEX 64, "cr8=", %rcx
    EXPECT %rcx, $5, "cr8"
    xor %eax, %eax
    mov %rax, %cr8

    FINISH
