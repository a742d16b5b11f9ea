package dev.uhv.loader;

import java.util.List;

/**
 * Writes the multiboot (v1) information structure (Multiboot Specification 0.6.96, 3.3 "Boot
 * information format") with what it points to, as QEMU's -kernel fills it: memory sizes (flags bit 0),
 * command line (bit 2), modules (bit 3), memory map (bit 6) and boot loader name (bit 9). QEMU also
 * sets bit 1 with boot_device 0x8000ffff (the first hard disk); uhv has no disk and leaves it clear.
 */
final class MultibootInfoWriter {
    /** EAX at the kernel's entry (3.2 "Machine state"). */
    static final long BOOTLOADER_MAGIC = 0x2BADB002L;
    static final String BOOT_LOADER_NAME = "uhv";

    static final int HAS_MEMORY = 1, HAS_CMDLINE = 1 << 2, HAS_MODULES = 1 << 3, HAS_MMAP = 1 << 6,
            HAS_BOOT_LOADER_NAME = 1 << 9;

    /** Field offsets in the information structure (3.3). */
    static final int FLAGS = 0, MEM_LOWER = 4, MEM_UPPER = 8, CMDLINE = 16, MODS_COUNT = 20, MODS_ADDR = 24,
            MMAP_LENGTH = 44, MMAP_ADDR = 48, BOOT_LOADER_NAME_ADDR = 64;
    /** Up to and including the VBE fields, as QEMU writes it (no framebuffer: flags bit 12 is clear). */
    static final int INFO_SIZE = 88;
    /** mod_start, mod_end, string, reserved. */
    static final int MODULE_SIZE = 16;
    /** base_addr, length, type: the value of each entry's size field, which precedes it (3.3). */
    static final int MMAP_ENTRY_SIZE = 20;

    private MultibootInfoWriter() {
    }

    /**
     * QEMU's multiboot command line: the kernel's file name, a space, then -append's text (even when
     * that is empty): hw/i386/multiboot.c, "%s %s".
     */
    static String commandLine(BootParameters boot) {
        return boot.kernelName() + " " + boot.commandLine();
    }

    /** QEMU's module string: the -initrd entry as typed, the file name and, after a space, its arguments. */
    static String moduleString(BootModule module) {
        return module.args().isEmpty() ? module.name() : module.name() + " " + module.args();
    }

    /** Lays the information out in info and returns its address, which goes to EBX. */
    static long write(BootInfoBuilder info, BootParameters boot, List<ModulePlacement.Placed> modules, long ramSize) {
        long mbi = info.allocate(INFO_SIZE, 4);
        info.putU32(mbi + FLAGS, HAS_MEMORY | HAS_CMDLINE | HAS_MODULES | HAS_MMAP | HAS_BOOT_LOADER_NAME);
        info.putU32(mbi + MEM_LOWER, BootMemoryMap.lowerKiB(ramSize));
        info.putU32(mbi + MEM_UPPER, BootMemoryMap.upperKiB(ramSize));
        info.putU32(mbi + CMDLINE, info.putString(commandLine(boot)));
        info.putU32(mbi + BOOT_LOADER_NAME_ADDR, info.putString(BOOT_LOADER_NAME));

        List<BootMemoryMap.Region> map = BootMemoryMap.regions(ramSize);
        int entryBytes = 4 + MMAP_ENTRY_SIZE;
        long mmap = info.allocate(map.size() * entryBytes, 4);
        for (int i = 0; i < map.size(); i++) {
            long entry = mmap + (long) i * entryBytes;
            BootMemoryMap.Region r = map.get(i);
            info.putU32(entry, MMAP_ENTRY_SIZE);
            info.putU64(entry + 4, r.base());
            info.putU64(entry + 12, r.length());
            info.putU32(entry + 20, r.type());
        }
        info.putU32(mbi + MMAP_LENGTH, (long) map.size() * entryBytes);
        info.putU32(mbi + MMAP_ADDR, mmap);

        long[] strings = new long[modules.size()];
        for (int i = 0; i < modules.size(); i++) {
            strings[i] = info.putString(moduleString(modules.get(i).module()));
        }
        long mods = info.allocate(modules.size() * MODULE_SIZE, 4);
        for (int i = 0; i < modules.size(); i++) {
            long entry = mods + (long) i * MODULE_SIZE;
            info.putU32(entry, modules.get(i).start());
            info.putU32(entry + 4, modules.get(i).end());
            info.putU32(entry + 8, strings[i]);
        }
        info.putU32(mbi + MODS_COUNT, modules.size());
        info.putU32(mbi + MODS_ADDR, mods);
        return mbi;
    }
}
