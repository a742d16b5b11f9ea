# _start of every 32-bit C guest: the first bytes of the image. uhv enters it in 32-bit protected
# mode with esp at the top of RAM; nothing else needs setting up. main's result is ignored.
    .code32
    .section .text.entry, "ax"
    .globl _start
_start:
    cld
    and $-16, %esp              # the i386 psABI's 16-byte stack alignment at a call
    call main
    call vk_exit
