# smc-loader: code written into pages that have already run, as a loader (or a JIT) does, and
# then run. A scanner that patches sensitive instructions (here cpuid) when a page first runs must
# see the page again once it is written, or the new cpuid runs natively. Three steps, all with the
# hypervisor leaf 0x40000000 (uhv's model: the signature "uhvuhvuhvuhv"; natively, the host's):
#   0. a cpuid in the main code (`direct_cpuid`), the reference:
#        `direct cpuid signature=XXXXXXXXXXXX`
#   1. `target_page` (a page of its own: 4 KiB-aligned, 4 KiB long, only this code and int3) holds
#      `mov $1, %eax; ret`; calls it: `first call eax=0x00000001`. Then code in another page
#      (`load_blob`, rep movsb) copies `cpuid_blob` (from .rodata: mov $0x40000000, %eax;
#      xor %ecx, %ecx; cpuid; ret) over the start of target_page and calls it (the cpuid lands at
#      `target_cpuid` = target_page + 7):
#        `loaded cpuid signature=XXXXXXXXXXXX`
#   2. `self_page` (likewise a page of its own) holds `self_modify`, which calls `self_slot` in the
#      same page (first `mov $2, %eax; ret`: `self page first call eax=0x00000002`), then writes
#      `cpuid; ret` (0f a2 c3) over self_slot with byte stores from within the page, and calls it
#      with eax = 0x40000000, ecx = 0:
#        `self-modified cpuid signature=XXXXXXXXXXXX`
# A signature byte outside 0x20..0x7e prints as '.'. Each signature must equal the direct one
# (both are the host's today, both uhv's once cpuid is patched; a page not scanned again after its
# write would run its cpuid natively and differ): else `FAIL: ...` and EXIT_CHECK_FAILED. Then
# `smc-loader done` and EXIT_OK. uhv maps guest RAM read/write/execute whatever the ELF flags say,
# so the guest writes its own text. x86 keeps self-modifying code coherent: the call after each
# write fetches the new bytes.
    .include "uhv.inc"

.set HV_LEAF, 0x40000000
.set FIRST_MARK, 1
.set SELF_MARK, 2
.set BLOB_CPUID_OFFSET, 7       # mov $imm32, %eax (5 bytes); xor %ecx, %ecx (2); then cpuid

# CHECK_SIGNATURE "what": ebx, ecx, edx against the direct cpuid's (ref_ebx, ref_ecx, ref_edx).
# Preserves every register.
.macro CHECK_SIGNATURE what:req
    push %rax
    mov ref_ebx(%rip), %eax
    EXPECT %rbx, %rax, "\what ebx"
    mov ref_ecx(%rip), %eax
    EXPECT %rcx, %rax, "\what ecx"
    mov ref_edx(%rip), %eax
    EXPECT %rdx, %rax, "\what edx"
    pop %rax
.endm

    GUEST_ENTRY

    # 0. The reference.
    mov $HV_LEAF, %eax
    xor %ecx, %ecx
    .globl direct_cpuid
direct_cpuid:
    cpuid
    mov %ebx, ref_ebx(%rip)
    mov %ecx, ref_ecx(%rip)
    mov %edx, ref_edx(%rip)
    PRINT "direct cpuid signature="
    call put_signature

    # 1. Run target_page, load the blob over it, run it again.
    xor %eax, %eax
    call target_page
    PUT_HEX 32, "first call eax=", %rax
    EXPECT %rax, $FIRST_MARK, "target_page before the load"
    call load_blob
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    call target_page
    mov %ebx, %ebx                      # zero-extend for the 64-bit compares
    mov %ecx, %ecx
    mov %edx, %edx
    PRINT "loaded cpuid signature="
    call put_signature
    CHECK_SIGNATURE "loaded cpuid"

    # 2. A page that rewrites itself.
    call self_modify
    PUT_HEX 32, "self page first call eax=", %rax
    EXPECT %rax, $SELF_MARK, "self_slot before the write"
    mov %ebx, %ebx
    mov %ecx, %ecx
    mov %edx, %edx
    PRINT "self-modified cpuid signature="
    call put_signature
    CHECK_SIGNATURE "self-modified cpuid"

    PRINTLN "smc-loader done"
    FINISH

# load_blob: copies cpuid_blob over the start of target_page. Preserves every register.
    .globl load_blob
load_blob:
    push %rcx
    push %rsi
    push %rdi
    lea cpuid_blob(%rip), %rsi
    lea target_page(%rip), %rdi
    mov $(cpuid_blob_end - cpuid_blob), %ecx
    rep movsb
    pop %rdi
    pop %rsi
    pop %rcx
    ret

# --- the page the loader overwrites -----------------------------------------------------------
    .section .text.smc_target, "ax"
    .balign 4096
    .globl target_page, target_cpuid
target_page:
    mov $FIRST_MARK, %eax               # 5 bytes, then ret
    ret
    .balign 4096, 0xcc
    .set target_cpuid, target_page + BLOB_CPUID_OFFSET

# --- the page that rewrites itself ------------------------------------------------------------
    .section .text.smc_self, "ax"
    .balign 4096
    .globl self_page, self_modify, self_slot
self_page:
# self_modify: calls self_slot as it is (rax = its mark), then makes it `cpuid; ret` and calls it
# with eax = 0x40000000, ecx = 0: rax = the first mark, ebx, ecx, edx = cpuid's. Clobbers rcx,
# rdx, rsi (besides rax, rbx).
self_modify:
    call self_slot
    mov %rax, %rsi
    movb $0x0f, self_slot(%rip)         # cpuid (0f a2), then ret (c3)
    movb $0xa2, self_slot + 1(%rip)
    movb $0xc3, self_slot + 2(%rip)
    mov $HV_LEAF, %eax
    xor %ecx, %ecx
    call self_slot
    mov %rsi, %rax
    ret
    .balign 64, 0xcc
self_slot:
    mov $SELF_MARK, %eax                # 5 bytes, then ret; its first 3 become cpuid; ret
    ret
    .balign 4096, 0xcc

# --- what the loader loads ----------------------------------------------------------------------
    .section .rodata
    .globl cpuid_blob
cpuid_blob:
    mov $HV_LEAF, %eax
    xor %ecx, %ecx
blob_cpuid:
    cpuid
    ret
cpuid_blob_end:
    .if blob_cpuid - cpuid_blob - BLOB_CPUID_OFFSET
    .error "smc-loader: the blob's cpuid is not at BLOB_CPUID_OFFSET"
    .endif

    .data
ref_ebx: .long 0
ref_ecx: .long 0
ref_edx: .long 0
