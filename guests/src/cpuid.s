# cpuid: reads the hypervisor leaf 0x40000000 and leaf 1, and prints what it sees. Under uhv on a
# host with CPUID faulting it sees uhv's model: the signature "uhvuhvuhvuhv" in ebx, ecx, edx and
# the hypervisor bit (leaf 1 ecx bit 31). Elsewhere cpuid runs natively and it sees the host's.
    .include "uhv.inc"

    GUEST_ENTRY
    mov $0x40000000, %eax
    xor %ecx, %ecx
    cpuid
    mov %ebx, signature(%rip)
    mov %ecx, signature+4(%rip)
    mov %edx, signature+8(%rip)
    PUT_HEX 32, "max hypervisor leaf=", %rax
    PRINT "signature="
    lea signature(%rip), %rsi
    mov $13, %ecx                   # the signature and its newline
    mov $COM1, %dx
    rep outsb
    mov $1, %eax
    xor %ecx, %ecx
    cpuid
    shr $31, %ecx
    PUT_HEX 8, "hypervisor bit=", %rcx
    EXIT EXIT_OK

    .data
signature: .zero 12
    .byte 10
