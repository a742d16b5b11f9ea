# bench-scan: code for a benchmark of what scanning a code page costs when it first runs. 256
# consecutive 4 KiB pages from `bench_pages` to `bench_pages_end` (1 MiB), each a function at its
# first byte: straight-line ordinary code (BENCH_BLOCKS blocks of mov, add, lea, cmp, a forward jcc,
# a call to a stub within the page, loads from `bench_data`, shifts, imul, test, movzx) that ends
# with `mov $page, %eax; ret`, the rest of the page int3. Nothing in them is privileged or
# sensitive (no cpuid, pushf/popf, segment register reads, port I/O). The entry calls each page's
# function once, in address order, checks each returns its page number, then prints
# `bench-scan: 256 pages` and ends with EXIT_OK (a wrong return: `FAIL: ...`, EXIT_CHECK_FAILED).
# Its run time under uhv is dominated by scanning, as each page runs a few hundred instructions.
    .include "uhv.inc"

.set BENCH_PAGES, 256
.set BENCH_BLOCKS, 52          # per page: 4 + 52 * 77 + 6 = 4014 bytes; .org checks they fit

    GUEST_ENTRY
    PRINTLN "bench-scan: calling 256 pages"
    lea bench_pages(%rip), %rbx
    xor %ebp, %ebp
1:  mov %rbp, %rdi
    call *%rbx
    cmp %ebp, %eax
    je 2f
    PUT_HEX 64, "page function at ", %rbx
    EXPECT %rax, %rbp, "page function's return"
2:  add $4096, %rbx
    inc %ebp
    cmp $BENCH_PAGES, %ebp
    jb 1b
    cmpq $0, failures(%rip)
    jne 3f
    PRINTLN "bench-scan: 256 pages"
3:  FINISH

# BENCH_BLOCK: 77 bytes of ordinary code; uses rax, rcx, rdx, rsi, rdi, r8-r11 (caller-saved).
.macro BENCH_BLOCK
    mov %rdi, %rax
    add $0x11, %rax
    lea 8(%rax,%rcx,2), %rdx
    mov bench_data(%rip), %r8
    cmp %rdx, %rsi
    jae .Lskip\@
    mov %rdx, %rsi
    add %r8, %rsi
.Lskip\@:
    xor %r9d, %r9d
    imul $3, %rax, %r10
    shl $2, %r10
    test $1, %r10b
    jnz .Lodd\@
    lea -1(%r10,%r8), %r11
.Lodd\@:
    movzbl bench_data + 8(%rip), %ecx
    call .Lstub\@
    jmp .Lafter\@
.Lstub\@:
    add %rcx, %r9
    sub $7, %r11
    ret
.Lafter\@:
    add %r9, %rdi
.endm

# BENCH_PAGE: one page: the function (its blocks, then `mov $page, %eax; ret`), int3 to the end
# of the page; .org stops the build if the blocks do not fit.
.macro BENCH_PAGE
.Lpage\@:
    xor %ecx, %ecx
    xor %esi, %esi
    .rept BENCH_BLOCKS
    BENCH_BLOCK
    .endr
    mov $page, %eax
    ret
    .org .Lpage\@ + 4096, 0xcc
.endm

    .section .text.bench, "ax"
    .balign 4096
    .globl bench_pages, bench_pages_end
bench_pages:
    .set page, 0
    .rept BENCH_PAGES
    BENCH_PAGE
    .set page, page + 1
    .endr
bench_pages_end:

    .data
    .balign 16
bench_data:
    .quad 0x0123456789abcdef
    .quad 0x42
