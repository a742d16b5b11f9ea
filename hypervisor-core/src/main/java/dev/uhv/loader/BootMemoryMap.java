package dev.uhv.loader;

import java.util.ArrayList;
import java.util.List;

/**
 * The physical memory map uhv reports to a multiboot kernel: what QEMU's multiboot option ROM reads
 * from SeaBIOS's e820 table (int 0x15, eax 0xe820) on a PC, without what only a BIOS puts there.
 * Conventional memory is usable up to the 1 KiB extended BIOS data area at 0x9fc00 (so int 0x12 says
 * 639 KiB), 0x9fc00-0xa0000 and the BIOS ROM 0xf0000-0x100000 are reserved, and all RAM above 1 MiB
 * is usable. SeaBIOS also reserves the top 128 KiB of RAM (its ACPI tables) and 0xfffc0000-4 GiB (its
 * ROM), and KVM a TSS at 0xfeffc000; uhv has neither BIOS nor tables there, so it lists none of them.
 * Like SeaBIOS it lists no I/O APIC or local APIC page (kernels find those through ACPI or the MSR).
 */
final class BootMemoryMap {
    /** e820 / multiboot type 1: usable RAM. */
    static final int AVAILABLE = 1;
    /** e820 / multiboot type 2: anything else. */
    static final int RESERVED = 2;

    /** The extended BIOS data area: the last KiB below 640 KiB. */
    static final long EBDA_START = 0x9_fc00;
    private static final long EBDA_END = 0xa_0000;
    private static final long BIOS_ROM_START = 0xf_0000;
    /** Where "upper memory" starts (multiboot's mem_upper counts from here). */
    static final long HIGH_MEMORY = 0x10_0000;
    private static final long KIB = 1024;

    /** One entry: [base, base + length) of the given type. */
    record Region(long base, long length, int type) {
    }

    private BootMemoryMap() {
    }

    /** The map for ramSize bytes of guest RAM, by address. */
    static List<Region> regions(long ramSize) {
        List<Region> map = new ArrayList<>();
        map.add(new Region(0, Math.min(ramSize, EBDA_START), AVAILABLE));
        map.add(new Region(EBDA_START, EBDA_END - EBDA_START, RESERVED));
        map.add(new Region(BIOS_ROM_START, HIGH_MEMORY - BIOS_ROM_START, RESERVED));
        if (ramSize > HIGH_MEMORY) {
            map.add(new Region(HIGH_MEMORY, ramSize - HIGH_MEMORY, AVAILABLE));
        }
        return map;
    }

    /** KiB of usable memory from 0: 639, as int 0x12 reports under SeaBIOS (multiboot mem_lower). */
    static long lowerKiB(long ramSize) {
        return Math.min(ramSize, EBDA_START) / KIB;
    }

    /** KiB of usable memory from 1 MiB up to the first hole: here the end of RAM (multiboot mem_upper). */
    static long upperKiB(long ramSize) {
        return Math.max(0, ramSize - HIGH_MEMORY) / KIB;
    }
}
