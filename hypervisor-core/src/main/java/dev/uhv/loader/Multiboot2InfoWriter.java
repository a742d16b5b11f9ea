package dev.uhv.loader;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the multiboot2 boot information (Multiboot2 Specification 2.0, 3.6 "Boot information
 * format"): total_size and a reserved word, then 8-byte aligned tags: command line (type 1), boot
 * loader name (2), one per module (3), basic memory information (4), memory map (6), end (0). QEMU
 * has no multiboot2 loader; the strings follow GRUB 2, which passes only what follows the file name:
 * the --append text as the command line, a module's arguments as its string.
 */
final class Multiboot2InfoWriter {
    /** EAX at the kernel's entry (3.3 "I386 machine state"). */
    static final long BOOTLOADER_MAGIC = 0x36D76289L;

    /** Information tag types (3.6.x). */
    static final int END = 0, CMDLINE = 1, BOOT_LOADER_NAME = 2, MODULE = 3, BASIC_MEMINFO = 4, MMAP = 6;
    /** Every tag starts 8-byte aligned with its type and size (3.6.1). */
    private static final int ALIGN = 8, TAG_HEADER = 8;
    /** base_addr, length, type, reserved (3.6.8). */
    static final int MMAP_ENTRY_SIZE = 24;
    static final int MMAP_ENTRY_VERSION = 0;

    private Multiboot2InfoWriter() {
    }

    /** Lays the information out in info and returns its address, which goes to EBX. */
    static long write(BootInfoBuilder info, BootParameters boot, List<ModulePlacement.Placed> modules, long ramSize) {
        long start = info.allocate(8, ALIGN);
        stringTag(info, CMDLINE, boot.commandLine(), 0);
        stringTag(info, BOOT_LOADER_NAME, MultibootInfoWriter.BOOT_LOADER_NAME, 0);
        for (ModulePlacement.Placed m : modules) {
            long tag = stringTag(info, MODULE, m.module().args(), 8);
            info.putU32(tag + TAG_HEADER, m.start());
            info.putU32(tag + TAG_HEADER + 4, m.end());
        }
        long meminfo = tag(info, BASIC_MEMINFO, 8);
        info.putU32(meminfo + TAG_HEADER, BootMemoryMap.lowerKiB(ramSize));
        info.putU32(meminfo + TAG_HEADER + 4, BootMemoryMap.upperKiB(ramSize));

        List<BootMemoryMap.Region> map = BootMemoryMap.regions(ramSize);
        long mmap = tag(info, MMAP, 8 + map.size() * MMAP_ENTRY_SIZE);
        info.putU32(mmap + TAG_HEADER, MMAP_ENTRY_SIZE);
        info.putU32(mmap + TAG_HEADER + 4, MMAP_ENTRY_VERSION);
        for (int i = 0; i < map.size(); i++) {
            long entry = mmap + TAG_HEADER + 8 + (long) i * MMAP_ENTRY_SIZE;
            info.putU64(entry, map.get(i).base());
            info.putU64(entry + 8, map.get(i).length());
            info.putU32(entry + 16, map.get(i).type());
        }
        long end = tag(info, END, 0);
        info.putU32(start, end + TAG_HEADER - start);
        return start;
    }

    /** A tag of the given type with room for bodySize bytes after its header; returns its address. */
    private static long tag(BootInfoBuilder info, int type, int bodySize) {
        long tag = info.allocate(TAG_HEADER + bodySize, ALIGN);
        info.putU32(tag, type);
        info.putU32(tag + 4, TAG_HEADER + bodySize);
        return tag;
    }

    /** A tag whose body is fixedSize bytes, then s NUL-terminated (the size counts the NUL, 3.6.3). */
    private static long stringTag(BootInfoBuilder info, int type, String s, int fixedSize) {
        byte[] data = s.getBytes(StandardCharsets.UTF_8);
        long tag = tag(info, type, fixedSize + data.length + 1);
        info.putBytes(tag + TAG_HEADER + fixedSize, data);
        return tag;
    }
}
