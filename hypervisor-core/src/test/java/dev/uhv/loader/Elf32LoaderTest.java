package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.it.Guests;
import dev.uhv.loader.ElfBuilder.Segment;
import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import org.junit.jupiter.api.Test;

/**
 * What only i386 ELF32 images have: ld's own output, and 32-bit addresses and offsets at the top of
 * their range, which must read as unsigned. The loads and refusals ELF32 shares with ELF64 run for
 * both in {@link ElfBothClassesTest}.
 */
class Elf32LoaderTest {
    private static final int RAM_SIZE = 0x40_0000;
    private static final byte[] TEXT = {(byte) 0xb8, 0x2a, 0, 0, 0, (byte) 0xf4};
    private static final byte[] DATA = {1, 2, 3, 4};

    private final GuestMemory ram = GuestMemory.allocate(RAM_SIZE);

    /** A valid two-segment i386 kernel: text at 0x100000, data at 0x200000 with a 0x100-byte .bss. */
    private static ElfBuilder kernel() {
        return ElfBuilder.elf32().entry(0x100000).load(0x100000, TEXT, TEXT.length).load(0x200000, DATA, 0x104);
    }

    private String refused(Reason reason, byte[] image) {
        return assertRefused(reason, () -> ElfLoader.load(image, ram));
    }

    /** The parser against what binutils writes: the vkern32 guest, linked by ld -m elf_i386. */
    @Test
    void loadsTheVkern32GuestAsLdLinkedIt() throws Exception {
        LoadResult result = ElfLoader.load(Guests.bytes("vkern32.elf"), ram);

        assertTrue(result.is32Bit());
        assertEquals(0x100000, result.entry());
        assertEquals(0xfc, ram.readU8(0x100000), "start32.s begins with cld");
        LoadedSegment data = result.segments().get(1);
        assertEquals(0x101000, data.physicalAddress());
        assertEquals(0, data.fileSize(), "all .bss");
        assertTrue(data.memorySize() > 5000, "the 5000-character line is in .bss");
    }

    @Test
    void programHeaderOffsetNearFourGigabytesIsUnsigned() {
        String message = refused(Reason.PROGRAM_HEADERS_OUTSIDE_FILE, kernel().phoff(0xffff_ffc0L).build());

        assertTrue(message.startsWith("the program headers at 0xffffffc0+0x40"), message);
    }

    @Test
    void segmentAboveTwoGigabytesIsUnsigned() {
        String message = refused(Reason.SEGMENT_OUTSIDE_RAM, kernel().load(0xc000_0000L, DATA, 0x1000).build());

        assertTrue(message.startsWith("ELF segment 2 at 0xc0000000+0x1000 is outside guest RAM"), message);
    }

    @Test
    void entryOutsideRam() {
        String message = refused(Reason.ENTRY_OUTSIDE_RAM, kernel().entry(0xf000_0000L).build());

        assertTrue(message.startsWith("ELF entry point 0xf0000000 (e_entry) is outside guest RAM"), message);
    }

    @Test
    void higherHalfEntry() {
        byte[] image = ElfBuilder.elf32().entry(0xc010_0010L)
                .segment(new Segment(ElfBuilder.PT_LOAD, 0xc010_0000L, 0x100000, TEXT, 0x1000, null, null))
                .build();

        String message = refused(Reason.HIGHER_HALF_ENTRY, image);

        assertTrue(message.startsWith("ELF entry point 0xc0100010 is a higher-half virtual address (segment 0 maps"
                + " virtual 0xc0100000 at physical 0x100000)"), message);
    }
}
