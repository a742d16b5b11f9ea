# sensitive-cpuid: cpuid, which does not fault at CPL3 on a host without CPUID faulting, so uhv can
# only show the guest its model once it patches the instruction. Runs cpuid for leaves 0, 1, 7
# (subleaf 0) and 0x40000000 (subleaf 0), each at its own global label (cpuid_leaf0, cpuid_leaf1,
# cpuid_leaf7, cpuid_leaf_hv), and prints one line per leaf:
#   leaf 0x00000000 eax=0x........ ebx=0x........ ecx=0x........ edx=0x........
# then the 12 bytes of leaf 0x40000000's ebx, ecx, edx as `signature=` (uhv's model:
# uhvuhvuhvuhv). A byte outside 0x20..0x7e prints as '.' (KVM's "KVMKVMKVM\0\0\0" prints as
# KVMKVMKVM...). Until uhv patches cpuid it runs natively and the lines show the host's values.
# No self-check: the values are the CPU's (or uhv's) to choose. Ends with EXIT_OK.
    .include "uhv.inc"

.set HV_LEAF, 0x40000000

# CPUID_LINE label, leaf: cpuid with eax = leaf, ecx = 0 at the global `label`, then the leaf's
# line. Leaves eax, ebx, ecx, edx as cpuid does; preserves every other register.
.macro CPUID_LINE label:req, leaf:req
    mov $\leaf, %eax
    xor %ecx, %ecx
    .globl \label
\label:
    cpuid
    push %rdi
    mov $\leaf, %edi
    call print_leaf
    pop %rdi
.endm

    GUEST_ENTRY
    CPUID_LINE cpuid_leaf0, 0
    CPUID_LINE cpuid_leaf1, 1
    CPUID_LINE cpuid_leaf7, 7
    CPUID_LINE cpuid_leaf_hv, HV_LEAF
    PRINT "signature="
    call put_signature
    EXIT EXIT_OK

# print_leaf: edi = the leaf, eax, ebx, ecx, edx = what cpuid returned. Prints
# `leaf 0x... eax=0x... ebx=0x... ecx=0x... edx=0x...` and a newline. Preserves every register.
print_leaf:
    push %rax
    PRINT "leaf "
    push %rax
    mov %edi, %eax
    call put_hex32
    pop %rax
    PRINT " eax="
    call put_hex32
    PRINT " ebx="
    mov %ebx, %eax
    call put_hex32
    PRINT " ecx="
    mov %ecx, %eax
    call put_hex32
    PRINT " edx="
    mov %edx, %eax
    call put_hex32
    call newline
    pop %rax
    ret
