# mb2-info: a multiboot2 kernel (ELF32) that prints the boot information tags it was given
# (guests/README.md).
    .include "mb.inc"

    MULTIBOOT2_HEADER
    MB_ENTRY
    PRINTLN "mb2-info: multiboot2"
    PUT_HEX32 "magic=", boot_magic
    cmpl $MB2_BOOTLOADER_MAGIC, boot_magic
    je 1f
    FAIL "eax is not the multiboot2 boot loader magic"
    FINISH
1:  mov boot_info, %ebx
    PUT_HEX32 "info=", %ebx
    testl $7, %ebx
    jz 1f
    FAIL "the boot information is not 8-byte aligned"
1:  PUT_HEX32 "total_size=", (%ebx)
    lea 8(%ebx), %esi           # the first tag
next_tag:
    mov (%esi), %eax
    cmp $MB2_TAG_END, %eax
    je end_tag
    cmp $MB2_TAG_CMDLINE, %eax
    je cmdline
    cmp $MB2_TAG_BOOT_LOADER_NAME, %eax
    je loader_name
    cmp $MB2_TAG_MODULE, %eax
    je module
    cmp $MB2_TAG_BASIC_MEMINFO, %eax
    je meminfo
    cmp $MB2_TAG_MMAP, %eax
    je mmap
    PUT_HEX32 "other tag=", %eax
    jmp tag_done

cmdline:
    lea 8(%esi), %eax
    PUT_STRING "cmdline=", %eax
    jmp tag_done

loader_name:
    lea 8(%esi), %eax
    PUT_STRING "boot_loader_name=", %eax
    jmp tag_done

module:                         # mod_start, mod_end, then the string
    PRINT "module "
    push %esi
    mov 8(%esi), %eax
    mov 12(%esi), %edx
    add $16, %esi
    call put_module
    pop %esi
    jmp tag_done

meminfo:
    PUT_HEX32 "mem_lower=", 8(%esi)
    PUT_HEX32 "mem_upper=", 12(%esi)
    jmp tag_done

mmap:                           # entry_size, entry_version, then the entries
    PRINT "mmap entry_size="
    mov 8(%esi), %eax
    call put_hex32
    PRINT " entry_version="
    mov 12(%esi), %eax
    call put_hex32
    call newline
    push %esi
    mov 4(%esi), %ebp
    add %esi, %ebp              # the tag's end
    mov 8(%esi), %edi           # entry_size
    add $16, %esi
1:  cmp %ebp, %esi
    jae 2f
    PRINT "mmap "
    call put_mmap_entry
    add %edi, %esi
    jmp 1b
2:  pop %esi
    jmp tag_done

tag_done:                       # the next tag starts at the next multiple of 8
    mov 4(%esi), %eax
    add $7, %eax
    and $-8, %eax
    add %eax, %esi
    jmp next_tag

end_tag:
    lea 8(%esi), %eax
    sub %ebx, %eax
    cmp (%ebx), %eax
    je 1f
    FAIL "total_size is not the end tag's end"
1:  PRINTLN "mb2-info done"
    FINISH
