# vkern64: the vkern system call ABI from 64-bit code (run with --personality vkern): `syscall`
# with the call number in rax and its argument in rbx, served by uhv itself (no LSTAR needed).
# Prints two lines through the print call (1), never through COM1; makes an exec call (11,
# ignored) and an unknown call (99, ignored with a warning); ends with the exit call (0).
# After the first print it checks that the call left rax and rbx as they were.
    .include "uhv.inc"

.set VK_EXIT, 0
.set VK_PRINT, 1
.set VK_EXEC, 11
.set VK_UNKNOWN, 99

    GUEST_ENTRY
    lea hello(%rip), %rbx
    mov $VK_PRINT, %eax
    syscall
    cmp $VK_PRINT, %rax
    jne changed
    lea hello(%rip), %rcx       # syscall itself clobbers rcx and r11, so rcx is free here
    cmp %rcx, %rbx
    jne changed
rest:
    mov $VK_EXEC, %eax
    syscall
    mov $VK_UNKNOWN, %eax
    syscall
    lea done(%rip), %rbx
    mov $VK_PRINT, %eax
    syscall
    mov $VK_EXIT, %eax
    syscall
    EXIT EXIT_ESCAPED           # the exit call returned

changed:
    lea fail(%rip), %rbx
    mov $VK_PRINT, %eax
    syscall
    jmp rest

    .section .rodata
hello:
    .asciz "hello from a 64-bit vkern guest\n"
done:
    .asciz "vkern64 done\n"
fail:
    .asciz "FAIL: the vkern print call changed rax or rbx\n"
