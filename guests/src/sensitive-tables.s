# sensitive-tables: the stores of system state that run at CPL3 without faulting (on a host
# without UMIP) or are served by the host kernel's UMIP emulation with dummy values, so uhv can
# only show the guest its own state once it patches them: sgdt, sidt, smsw, str, sldt and mov from
# CS, SS and DS. The guest builds its own GDT (null; 0x08 unused, zero; 0x10 64-bit code, DPL 0;
# 0x18 data, DPL 0; 0x20 a 64-bit TSS, 16 bytes; 0x30 an LDT, 16 bytes) and IDT (16 not-present
# gates), loads them with lgdt and lidt, CS = 0x10 by lretq, SS = DS = 0x18, ltr 0x20, lldt 0x30,
# then reads each back and compares it with what it loaded:
#   sgdt base=0x................ limit=0x....    (`gdt`, 0x003f)     then `sgdt matches`
#   sidt base=0x................ limit=0x....    (`idt`, 0x00ff)     then `sidt matches`
#   smsw=0x.... cr0 low=0x....  (smsw %eax; mov %cr0, which traps, low 16 bits)
#   smsw m16=0x....             (smsw to a memory word)              then `smsw matches`
#   str=0x.... sldt=0x....      (str %ax, sldt %ax: 0x0020, 0x0030)
#   str m16=0x.... sldt m16=0x.... (to memory words)                 then `str/sldt match`
#   cs=0x.... ss=0x.... ds=0x....  (mov from each: 0x0010, 0x0018, 0x0018) then `selectors match`
# Every value line prints whether or not it matches; a mismatch prints `FAIL: what: got 0x...,
# expected 0x...` instead of the `... match(es)` line and the guest ends with EXIT_CHECK_FAILED
# (FINISH), else EXIT_OK after `sensitive-tables done`.
# Until uhv patches these instructions they run natively and show the host's values: on a host
# with UMIP, Linux's UMIP emulation answers sgdt and sidt with its dummies (base
# 0xfffffffffffe0000 / 0xffffffffffff0000, limit 0), smsw with its dummy CR0 (low 16 bits 0x0033,
# which happen to match uhv's), str with 0x0040 and sldt with 0 (without UMIP: the host's own
# tables and selectors); the mov from CS, SS and DS read the host's selectors (0x33; 0x63, the TLS
# GDT slot uhv runs the guest's CPL0 stack on; 0x2b). None of them traps (lgdt, lidt, ltr, lldt,
# the lretq, the loads of SS and DS and the mov from CR0 do). Each instruction under test is at a
# global label: sgdt_site, sidt_site, smsw_reg_site, smsw_mem_site, str_reg_site, sldt_reg_site,
# str_mem_site, sldt_mem_site, mov_cs_site, mov_ss_site, mov_ds_site.
    .include "uhv.inc"

.set CODE64_SEL, 0x10
.set DATA_SEL, 0x18
.set TSS_SEL, 0x20
.set LDT_SEL, 0x30
.set TSS_IOPB, 102
.set LDT_PRESENT, 0x82              # present, DPL 0, type 2
.set IDT_GATES, 16

# SITE label, insn: one instruction at the global `label`.
.macro SITE label:req, insn:vararg
    .globl \label
\label:
    \insn
.endm

# MARK: remembers the failure count in r12; MATCHED "text": prints text if no check failed since.
.macro MARK
    mov failures(%rip), %r12
.endm

.macro MATCHED text:req
    cmp failures(%rip), %r12
    jne 9f
    PRINTLN "\text"
9:
.endm

# PUT16 "label", reg: label and the low 16 bits of reg as 0x...., no newline.
.macro PUT16 label:req, reg:req
    PRINT "\label"
    push %rax
    mov \reg, %rax
    call put_hex16
    pop %rax
.endm

    GUEST_ENTRY

    # The two system descriptors: their bases are known at link time only.
    lea tss(%rip), %rax
    lea gdt + TSS_SEL(%rip), %rdi
    mov $(TSS_SIZE - 1), %ecx
    mov $TSS_AVAILABLE_64, %dl
    call set_system_descriptor
    movw $TSS_SIZE, tss + TSS_IOPB(%rip)    # no I/O permission bitmap
    lea ldt(%rip), %rax
    lea gdt + LDT_SEL(%rip), %rdi
    mov $(ldt_end - ldt - 1), %ecx
    mov $LDT_PRESENT, %dl
    call set_system_descriptor

    lgdt gdtr(%rip)
    lidt idtr(%rip)
    pushq $CODE64_SEL
    lea 1f(%rip), %rax
    push %rax
    lretq
1:  mov $DATA_SEL, %eax
    mov %ax, %ss
    mov %ax, %ds
    mov $TSS_SEL, %eax
    ltr %ax
    mov $LDT_SEL, %eax
    lldt %ax
    PRINTLN "sensitive-tables: GDT, IDT, TSS and LDT loaded"

    # --- sgdt, sidt: 10 bytes each (limit, 64-bit base) into buffers of 0xff ---
    MARK
    SITE sgdt_site, sgdt sgdt_store(%rip)
    mov sgdt_store + 2(%rip), %rax
    movzwl sgdt_store(%rip), %edx
    PRINT "sgdt base="
    call put_hex64
    PUT16 " limit=", %rdx
    call newline
    lea gdt(%rip), %rcx
    EXPECT %rax, %rcx, "sgdt base"
    EXPECT %rdx, $(gdt_end - gdt - 1), "sgdt limit"
    MATCHED "sgdt matches"

    MARK
    SITE sidt_site, sidt sidt_store(%rip)
    mov sidt_store + 2(%rip), %rax
    movzwl sidt_store(%rip), %edx
    PRINT "sidt base="
    call put_hex64
    PUT16 " limit=", %rdx
    call newline
    lea idt(%rip), %rcx
    EXPECT %rax, %rcx, "sidt base"
    EXPECT %rdx, $(idt_end - idt - 1), "sidt limit"
    MATCHED "sidt matches"

    # --- smsw: the low 16 bits of CR0, compared with mov from CR0 (which traps) ---
    MARK
    mov $-1, %rax
    SITE smsw_reg_site, smsw %eax
    movzwl %ax, %ebx
    SITE smsw_mem_site, smsw smsw_store(%rip)
    movzwl smsw_store(%rip), %esi
    mov %cr0, %rax
    movzwl %ax, %eax
    PUT16 "smsw=", %rbx
    PUT16 " cr0 low=", %rax
    call newline
    PUT_HEX 16, "smsw m16=", %rsi
    EXPECT %rbx, %rax, "smsw %eax"
    EXPECT %rsi, %rax, "smsw m16"
    MATCHED "smsw matches"

    # --- str, sldt: to a 16-bit register (rax zeroed first) and to memory words of 0xffff ---
    MARK
    xor %eax, %eax
    SITE str_reg_site, str %ax
    mov %rax, %rbx
    xor %eax, %eax
    SITE sldt_reg_site, sldt %ax
    mov %rax, %rsi
    SITE str_mem_site, str str_store(%rip)
    SITE sldt_mem_site, sldt sldt_store(%rip)
    movzwl str_store(%rip), %ecx
    movzwl sldt_store(%rip), %edx
    PUT16 "str=", %rbx
    PUT16 " sldt=", %rsi
    call newline
    PUT16 "str m16=", %rcx
    PUT16 " sldt m16=", %rdx
    call newline
    EXPECT %rbx, $TSS_SEL, "str %ax"
    EXPECT %rsi, $LDT_SEL, "sldt %ax"
    EXPECT %rcx, $TSS_SEL, "str m16"
    EXPECT %rdx, $LDT_SEL, "sldt m16"
    MATCHED "str/sldt match"

    # --- mov from CS, SS, DS to a 16-bit register (rax zeroed first) ---
    MARK
    xor %eax, %eax
    SITE mov_cs_site, mov %cs, %ax
    mov %rax, %rbx
    xor %eax, %eax
    SITE mov_ss_site, mov %ss, %ax
    mov %rax, %rcx
    xor %eax, %eax
    SITE mov_ds_site, mov %ds, %ax
    mov %rax, %rdx
    PUT16 "cs=", %rbx
    PUT16 " ss=", %rcx
    PUT16 " ds=", %rdx
    call newline
    EXPECT %rbx, $CODE64_SEL, "mov from cs"
    EXPECT %rcx, $DATA_SEL, "mov from ss"
    EXPECT %rdx, $DATA_SEL, "mov from ds"
    MATCHED "selectors match"

    PRINTLN "sensitive-tables done"
    FINISH

    .data
    .balign 16
    .globl gdt, gdt_end
gdt:
    .quad 0                             # null
    .quad 0                             # 0x08: unused
    .quad 0x00af9a000000ffff            # 0x10: 64-bit code, DPL 0
    .quad 0x00cf92000000ffff            # 0x18: data, DPL 0
    .quad 0, 0                          # 0x20: 64-bit TSS, filled in at run time
    .quad 0, 0                          # 0x30: LDT, filled in at run time
gdt_end:
    .balign 4
    .word 0                             # limit at an address MOD 4 = 2, base 4-aligned (SDM 3A 3.5.1)
    .globl gdtr
gdtr:
    .word gdt_end - gdt - 1
    .quad gdt
    .balign 4
    .word 0
    .globl idtr
idtr:
    .word idt_end - idt - 1
    .quad idt
    .balign 16
    .globl idt, idt_end
idt:
    .fill IDT_GATES * 16, 1, 0          # not-present gates
idt_end:
    .balign 16
    .globl ldt, ldt_end
ldt:
    .quad 0                             # null
    .quad 0x00cf92000000ffff            # 0x04 (TI = 1): data, DPL 0
ldt_end:
    .balign 16
    .globl tss
tss:
    .fill TSS_SIZE, 1, 0
    .balign 16
    .globl sgdt_store, sidt_store
sgdt_store:
    .fill 16, 1, 0xff
sidt_store:
    .fill 16, 1, 0xff
smsw_store:
    .word 0xffff
str_store:
    .word 0xffff
sldt_store:
    .word 0xffff
