package dev.uhv.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.loader.BootMemoryMap.Region;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The memory map and sizes a multiboot kernel gets: QEMU with SeaBIOS, without the BIOS's own entries. */
class BootMemoryMapTest {
    @Test
    void sixtyFourMiB() {
        long ram = 64L << 20;

        assertEquals(List.of(new Region(0, 0x9fc00, 1), new Region(0x9fc00, 0x400, 2), new Region(0xf0000, 0x10000, 2),
                new Region(0x100000, ram - 0x100000, 1)), BootMemoryMap.regions(ram));
        assertEquals(639, BootMemoryMap.lowerKiB(ram));
        assertEquals(64512, BootMemoryMap.upperKiB(ram), "63 MiB above 1 MiB");
    }

    @Test
    void lessThanOneMiBHasNoUpperMemory() {
        long ram = 512 << 10;

        assertEquals(List.of(new Region(0, ram, 1), new Region(0x9fc00, 0x400, 2), new Region(0xf0000, 0x10000, 2)),
                BootMemoryMap.regions(ram));
        assertEquals(512, BootMemoryMap.lowerKiB(ram));
        assertEquals(0, BootMemoryMap.upperKiB(ram));
    }
}
