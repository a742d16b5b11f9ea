package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.it.Guests;
import dev.uhv.loader.ElfBuilder.Segment;
import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * i386 ELF32 images: every field read from the 32-bit layout, and each refusal through it. The
 * checks themselves are shared with ELF64 ({@link ElfLoaderTest}).
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

    @Test
    void loadsEachSegmentAtItsPhysicalAddressAndZeroFillsBss() throws Exception {
        ram.fill(0x200000, 0x200, (byte) 0xaa); // stale bytes the .bss must overwrite

        LoadResult result = ElfLoader.load(kernel().build(), ram);

        byte[] text = new byte[TEXT.length];
        ram.read(0x100000, text, 0, text.length);
        assertEquals(Arrays.toString(TEXT), Arrays.toString(text));
        assertEquals(0x04030201L, ram.readU32(0x200000));
        for (long a = 0x200004; a < 0x200104; a++) {
            assertEquals(0, ram.readU8(a), "bss byte at 0x" + Long.toHexString(a));
        }
        assertEquals(0xaa, ram.readU8(0x200104), "nothing past p_memsz may be written");
        assertTrue(result.is32Bit());
        assertEquals(new LoadResult(ImageFormat.ELF32, 0x100000, 0x100000, 0x200104, List.of(
                new LoadedSegment(0x100000, TEXT.length, TEXT.length),
                new LoadedSegment(0x200000, DATA.length, 0x104))), result);
    }

    @Test
    void loadsAtPaddrNotVaddrAndIgnoresOtherProgramHeaders() throws Exception {
        byte[] image = ElfBuilder.elf32().entry(0x5000)
                .segment(new Segment(ElfBuilder.PT_NOTE, 0, 0, new byte[0], 0, 0x7fffL, 0x10L))
                .segment(new Segment(ElfBuilder.PT_LOAD, 0x5000, 0x9000, new byte[] {7}, 1, null, null))
                .build();

        LoadResult result = ElfLoader.load(image, ram);

        assertEquals(7, ram.readU8(0x9000));
        assertEquals(0, ram.readU8(0x5000));
        assertEquals(List.of(new LoadedSegment(0x9000, 1, 1)), result.segments());
        assertEquals(0x5000, result.entry());
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
    void acceptsEtDynWithoutRelocatingItAsForElf64() throws Exception {
        LoadResult result = ElfLoader.load(kernel().type(3).build(), ram);

        assertEquals(0x100000, result.lowestAddress());
        assertEquals(0x2a, ram.readU8(0x100001));
    }

    @Test
    void truncatedHeader() {
        String message = refused(Reason.TRUNCATED, Arrays.copyOf(kernel().build(), 40));

        assertEquals("the file is 40 bytes, too short for an ELF32 header (52 bytes): it is truncated", message);
    }

    @Test
    void bigEndian() {
        refused(Reason.NOT_LITTLE_ENDIAN, kernel().dataEncoding(2).build());
    }

    @Test
    void x32Machine() {
        String message = refused(Reason.WRONG_MACHINE, kernel().machine(62).build());

        assertEquals("this ELF32 is for x86-64 (e_machine 62), not i386 (3): uhv runs x86-64 ELF64 and i386"
                + " ELF32 guests only", message);
    }

    @Test
    void armMachine() {
        String message = refused(Reason.WRONG_MACHINE, kernel().machine(40).build());

        assertTrue(message.startsWith("this ELF32 is for ARM (e_machine 40), not i386 (3)"), message);
    }

    @Test
    void relocatableObject() {
        String message = refused(Reason.NOT_EXECUTABLE, kernel().type(1).build());

        assertTrue(message.contains("ET_REL"), message);
    }

    @Test
    void badVersion() {
        refused(Reason.BAD_HEADER, kernel().version(2).build());
    }

    @Test
    void headerSizeTooSmall() {
        String message = refused(Reason.BAD_HEADER, kernel().ehsize(40).build());

        assertTrue(message.contains("e_ehsize is 40, smaller than an ELF32 header (52)"), message);
    }

    @Test
    void programHeaderEntrySizeTooSmall() {
        String message = refused(Reason.BAD_HEADER, kernel().phentsize(28).build());

        assertTrue(message.contains("e_phentsize is 28, smaller than an ELF32 program header (32)"), message);
    }

    @Test
    void extendedProgramHeaderNumbering() {
        refused(Reason.BAD_HEADER, kernel().phnum(0xffff).build());
    }

    @Test
    void noProgramHeaders() {
        refused(Reason.NO_LOADABLE_SEGMENTS, ElfBuilder.elf32().entry(0x1000).build());
    }

    @Test
    void programHeadersPastEndOfFile() {
        byte[] image = kernel().build();

        String message = refused(Reason.PROGRAM_HEADERS_OUTSIDE_FILE, kernel().phoff(image.length - 8).build());

        assertTrue(message.contains(Long.toHexString(image.length - 8) + "+0x40"), message);
    }

    @Test
    void programHeaderOffsetNearFourGigabytesIsUnsigned() {
        String message = refused(Reason.PROGRAM_HEADERS_OUTSIDE_FILE, kernel().phoff(0xffff_ffc0L).build());

        assertTrue(message.startsWith("the program headers at 0xffffffc0+0x40"), message);
    }

    @Test
    void fileSizeLargerThanMemorySize() {
        String message = refused(Reason.BAD_SEGMENT, kernel().load(0x300000, DATA, 2).build());

        assertTrue(message.startsWith("ELF segment 2 has p_filesz 0x4 larger than p_memsz 0x2"), message);
    }

    @Test
    void segmentPastEndOfFile() {
        byte[] image = kernel()
                .segment(new Segment(ElfBuilder.PT_LOAD, 0x300000, 0x300000, new byte[0], 0x1000, 0x40L, 0x1000L))
                .build();

        String message = refused(Reason.SEGMENT_OUTSIDE_FILE, image);

        assertTrue(message.startsWith("ELF segment 2's file bytes 0x40+0x1000"), message);
    }

    @Test
    void segmentOutsideRam() {
        String message = refused(Reason.SEGMENT_OUTSIDE_RAM, kernel().load(0x8000000, DATA, 0x1000).build());

        assertEquals("ELF segment 2 at 0x8000000+0x1000 is outside guest RAM (4 MiB = 0x400000): give more --mem",
                message);
    }

    @Test
    void segmentAboveTwoGigabytesIsUnsigned() {
        String message = refused(Reason.SEGMENT_OUTSIDE_RAM, kernel().load(0xc000_0000L, DATA, 0x1000).build());

        assertTrue(message.startsWith("ELF segment 2 at 0xc0000000+0x1000 is outside guest RAM"), message);
    }

    @Test
    void segmentStraddlingTheEndOfRam() {
        refused(Reason.SEGMENT_OUTSIDE_RAM, kernel().load(RAM_SIZE - 2, DATA, DATA.length).build());
    }

    @Test
    void overlappingSegments() {
        String message = refused(Reason.OVERLAPPING_SEGMENTS, kernel().load(0x100004, DATA, 4).build());

        assertTrue(message.startsWith("ELF segments 0 (0x100000+0x6) and 2 (0x100004+0x4) overlap"), message);
    }

    @Test
    void noLoadSegment() {
        String message = refused(Reason.NO_LOADABLE_SEGMENTS, ElfBuilder.elf32().entry(0x1000)
                .segment(new Segment(ElfBuilder.PT_NOTE, 0, 0, DATA, DATA.length, null, null))
                .build());

        assertTrue(message.contains("no PT_LOAD segment among its 1 program headers"), message);
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

    @Test
    void refusedImageLeavesRamUntouched() {
        refused(Reason.SEGMENT_OUTSIDE_RAM, kernel().load(RAM_SIZE, DATA, 4).build());

        assertEquals(0, ram.readU8(0x100000));
        assertEquals(0, ram.readU8(0x200000));
    }
}
