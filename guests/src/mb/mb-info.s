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
    PUT_STRING "cmdline=", MBI_CMDLINE(%ebx)
1:
    testl $MBI_HAS_BOOT_LOADER_NAME, MBI_FLAGS(%ebx)
    jz 1f
    PUT_STRING "boot_loader_name=", MBI_BOOT_LOADER_NAME(%ebx)
1:
    # The memory map: entries of a 4-byte size, then base_addr, length, type; the next entry is
    # size + 4 bytes on.
    testl $MBI_HAS_MMAP, MBI_FLAGS(%ebx)
    jz 3f
    mov MBI_MMAP_ADDR(%ebx), %edi
    mov %edi, %ebp
    add MBI_MMAP_LENGTH(%ebx), %ebp
1:  cmp %ebp, %edi
    jae 3f
    PRINT "mmap size="
    mov (%edi), %eax
    call put_hex32
    PRINT " "
    lea 4(%edi), %esi
    call put_mmap_entry
    add (%edi), %edi
    add $4, %edi
    jmp 1b
3:
    # The modules: mod_start, mod_end, string, reserved.
    testl $MBI_HAS_MODS, MBI_FLAGS(%ebx)
    jz 3f
    PUT_HEX32 "mods_count=", MBI_MODS_COUNT(%ebx)
    mov MBI_MODS_ADDR(%ebx), %edi
    mov MBI_MODS_COUNT(%ebx), %ebp
1:  test %ebp, %ebp
    jz 3f
    PRINT "mod "
    mov (%edi), %eax
    mov 4(%edi), %edx
    mov 8(%edi), %esi
    call put_module
    testl $0xfff, (%edi)
    jz 2f
    FAIL "module not page-aligned (header flags bit 0)"
2:  add $16, %edi
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
