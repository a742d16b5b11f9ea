# mb-info: a multiboot v1 kernel that prints what the boot loader gave it (guests/README.md).
# Built twice: mb-info.elf (ELF32, loaded through its program headers) and mb-info-kludge.bin
# (a flat image whose header has the a.out kludge address fields, assembled with MB_KLUDGE).
    .include "mb.inc"

    MULTIBOOT_HEADER MB_PAGE_ALIGN | MB_MEMORY_INFO
    MB_ENTRY
    .ifdef MB_KLUDGE
    PRINTLN "mb-info: multiboot v1, a.out kludge"
    .else
    PRINTLN "mb-info: multiboot v1, ELF"
    .endif
    PUT_HEX32 "magic=", boot_magic
    cmpl $MB_BOOTLOADER_MAGIC, boot_magic
    je 1f
    FAIL "eax is not the multiboot v1 boot loader magic"
    FINISH
1:  mov boot_info, %ebx
    PUT_HEX32 "info=", %ebx
    PUT_HEX32 "flags=", MBI_FLAGS(%ebx)

    testl $MBI_HAS_MEMORY, MBI_FLAGS(%ebx)
    jz 1f
    PUT_HEX32 "mem_lower=", MBI_MEM_LOWER(%ebx)
    PUT_HEX32 "mem_upper=", MBI_MEM_UPPER(%ebx)
1:
    testl $MBI_HAS_CMDLINE, MBI_FLAGS(%ebx)
    jz 1f
    PRINT "cmdline="
    mov MBI_CMDLINE(%ebx), %esi
    call puts
    call newline
1:
    testl $MBI_HAS_BOOT_LOADER_NAME, MBI_FLAGS(%ebx)
    jz 1f
    PRINT "boot_loader_name="
    mov MBI_BOOT_LOADER_NAME(%ebx), %esi
    call puts
    call newline
1:
    # The memory map: entries of a 4-byte size, then base_addr (8), length (8), type (4); the
    # next entry is size + 4 bytes on.
    testl $MBI_HAS_MMAP, MBI_FLAGS(%ebx)
    jz 3f
    mov MBI_MMAP_ADDR(%ebx), %esi
    mov %esi, %edi
    add MBI_MMAP_LENGTH(%ebx), %edi
1:  cmp %edi, %esi
    jae 3f
    PRINT "mmap size="
    mov (%esi), %eax
    call put_hex32
    PRINT " base="
    mov 4(%esi), %eax
    mov 8(%esi), %edx
    call put_hex64
    PRINT " length="
    mov 12(%esi), %eax
    mov 16(%esi), %edx
    call put_hex64
    PRINT " type="
    mov 20(%esi), %eax
    call put_hex32
    call newline
    add (%esi), %esi
    add $4, %esi
    jmp 1b
3:
    # The modules: mod_start, mod_end, string, reserved; the first bytes of each (at most 8).
    testl $MBI_HAS_MODS, MBI_FLAGS(%ebx)
    jz 3f
    PUT_HEX32 "mods_count=", MBI_MODS_COUNT(%ebx)
    mov MBI_MODS_ADDR(%ebx), %edi
    mov MBI_MODS_COUNT(%ebx), %ebp
1:  test %ebp, %ebp
    jz 3f
    PRINT "mod start="
    mov (%edi), %eax
    call put_hex32
    PRINT " end="
    mov 4(%edi), %eax
    call put_hex32
    PRINT " string="
    mov 8(%edi), %esi
    call puts
    call newline
    testl $0xfff, (%edi)
    jz 2f
    FAIL "module not page-aligned (header flags bit 0)"
2:  PRINT "mod bytes="
    mov (%edi), %esi
    mov 4(%edi), %ecx
    sub %esi, %ecx
    cmp $8, %ecx
    jbe 2f
    mov $8, %ecx
2:  call put_hex_bytes
    call newline
    add $16, %edi
    dec %ebp
    jmp 1b
3:
    # What the loader must have done with the image: .data loaded (up to load_end_addr for the
    # kludge), .bss zero (up to bss_end_addr).
    cmpl $0x600dda7a, data_marker
    je 1f
    FAIL ".data not loaded"
1:  mov $bss_probe, %esi
    mov $16, %ecx
2:  cmpl $0, (%esi)
    je 3f
    FAIL ".bss not zeroed"
    jmp 1f
3:  add $4, %esi
    loop 2b
1:  PRINTLN "mb-info done"
    FINISH

    .data
data_marker:
    .long 0x600dda7a

    .bss
bss_probe:
    .skip 64
