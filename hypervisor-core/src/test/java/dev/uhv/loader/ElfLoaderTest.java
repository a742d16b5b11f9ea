package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.loader.ElfBuilder.Segment;
import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** ELF64 images, and the checks both classes share; {@link Elf32LoaderTest} has the ELF32 layout. */
class ElfLoaderTest {
    private static final int RAM_SIZE = 0x40_0000;
    private static final byte[] TEXT = {(byte) 0xb8, 0x2a, 0, 0, 0, (byte) 0xf4};
    private static final byte[] DATA = {1, 2, 3, 4};

    private final GuestMemory ram = GuestMemory.allocate(RAM_SIZE);

    /** A valid two-segment kernel: text at 0x100000, data at 0x200000 with a 0x100-byte .bss. */
    private static ElfBuilder kernel() {
        return new ElfBuilder().entry(0x100000).load(0x100000, TEXT, TEXT.length).load(0x200000, DATA, 0x104);
    }

    private LoadResult load(byte[] image) throws ImageLoadException {
        return ElfLoader.load(image, ram);
    }

    private String refused(Reason reason, byte[] image) {
        return assertRefused(reason, () -> load(image));
    }

    @Test
    void loadsEachSegmentAtItsPhysicalAddressAndZeroFillsBss() throws Exception {
        ram.fill(0x200000, 0x200, (byte) 0xaa); // stale bytes the .bss must overwrite

        LoadResult result = load(kernel().build());

        byte[] text = new byte[TEXT.length];
        ram.read(0x100000, text, 0, text.length);
        assertEquals(Arrays.toString(TEXT), Arrays.toString(text));
        assertEquals(0x04030201L, ram.readU32(0x200000));
        for (long a = 0x200004; a < 0x200104; a++) {
            assertEquals(0, ram.readU8(a), "bss byte at 0x" + Long.toHexString(a));
        }
        assertEquals(0xaa, ram.readU8(0x200104), "nothing past p_memsz may be written");
        assertFalse(result.is32Bit());
        assertEquals(new LoadResult(ImageFormat.ELF64, 0x100000, 0x100000, 0x200104, List.of(
                new LoadedSegment(0x100000, TEXT.length, TEXT.length),
                new LoadedSegment(0x200000, DATA.length, 0x104))), result);
    }

    @Test
    void loadsAtPaddrNotVaddrAndIgnoresOtherProgramHeaders() throws Exception {
        byte[] image = new ElfBuilder().entry(0x5000)
                .segment(new Segment(ElfBuilder.PT_NOTE, 0, 0, new byte[0], 0, 0x7fff_ffffL, 0x10L))
                .segment(new Segment(ElfBuilder.PT_LOAD, 0x5000, 0x9000, new byte[] {7}, 1, null, null))
                .build();

        LoadResult result = load(image);

        assertEquals(7, ram.readU8(0x9000));
        assertEquals(0, ram.readU8(0x5000));
        assertEquals(List.of(new LoadedSegment(0x9000, 1, 1)), result.segments());
    }

    @Test
    void acceptsEtDynWithoutRelocatingIt() throws Exception {
        LoadResult result = load(kernel().type(3).build());

        assertEquals(0x100000, result.lowestAddress());
        assertEquals(0x2a, ram.readU8(0x100001));
    }

    @Test
    void skipsEmptyLoadSegments() throws Exception {
        LoadResult result = load(kernel().load(0x7fff_0000_0000L, new byte[0], 0).build());

        assertEquals(2, result.segments().size());
    }

    @Test
    void refusedImageLeavesRamUntouched() {
        refused(Reason.SEGMENT_OUTSIDE_RAM, kernel().load(RAM_SIZE, DATA, 4).build());

        assertEquals(0, ram.readU8(0x100000));
        assertEquals(0, ram.readU8(0x200000));
    }

    @Test
    void emptyImage() {
        refused(Reason.EMPTY_IMAGE, new byte[0]);
    }

    @Test
    void truncatedHeader() {
        String message = refused(Reason.TRUNCATED, Arrays.copyOf(kernel().build(), 40));

        assertEquals("the file is 40 bytes, too short for an ELF64 header (64 bytes): it is truncated", message);
    }

    @Test
    void truncatedIdentification() {
        refused(Reason.TRUNCATED, new byte[] {0x7f, 'E'});
        refused(Reason.TRUNCATED, Arrays.copyOf(kernel().build(), 10));
    }

    @Test
    void badMagic() {
        byte[] image = kernel().build();
        image[1] = 'e';

        String message = refused(Reason.NOT_ELF, image);

        assertTrue(message.contains("\\x7fELF"), message);
    }

    @Test
    void elf64WhereElf32IsAsked() {
        String message = assertRefused(Reason.WRONG_CLASS,
                () -> ElfLoader.load(kernel().build(), ram, ImageFormat.ELF32, OptionalLong.empty()));

        assertEquals("this is an ELF64 file, not ELF32 as --format elf32 asks: leave --format out, or give"
                + " --format elf, to load either class", message);
        assertEquals(0, ram.readU8(0x100000), "nothing may be written");
    }

    @Test
    void elf64WhereElf64IsAsked() throws Exception {
        LoadResult result = ElfLoader.load(kernel().build(), ram, ImageFormat.ELF64, OptionalLong.empty());

        assertEquals(ImageFormat.ELF64, result.format());
    }

    @Test
    void elf32ClassByteWithAnElf64LayoutIsReadAsElf32() {
        String message = refused(Reason.WRONG_MACHINE, kernel().elfClass(1).build());

        assertTrue(message.startsWith("this ELF32 is for x86-64 (e_machine 62), not i386 (3)"), message);
    }

    @Test
    void invalidClass() {
        refused(Reason.BAD_HEADER, kernel().elfClass(3).build());
    }

    @Test
    void bigEndian() {
        refused(Reason.NOT_LITTLE_ENDIAN, kernel().dataEncoding(2).build());
    }

    @Test
    void invalidDataEncoding() {
        refused(Reason.BAD_HEADER, kernel().dataEncoding(0).build());
    }

    @Test
    void invalidIdentVersion() {
        refused(Reason.BAD_HEADER, kernel().identVersion(0).build());
    }

    @Test
    void wrongMachine() {
        String message = refused(Reason.WRONG_MACHINE, kernel().machine(183).build());

        assertEquals("this ELF64 is for AArch64 (e_machine 183), not x86-64 (62): uhv runs x86-64 ELF64 and i386"
                + " ELF32 guests only", message);
    }

    @Test
    void i386MachineInAnElf64() {
        String message = refused(Reason.WRONG_MACHINE, kernel().machine(3).build());

        assertTrue(message.startsWith("this ELF64 is for i386 (e_machine 3), not x86-64 (62)"), message);
    }

    @Test
    void relocatableObject() {
        String message = refused(Reason.NOT_EXECUTABLE, kernel().type(1).build());

        assertTrue(message.contains("ET_REL"), message);
    }

    @Test
    void coreDump() {
        refused(Reason.NOT_EXECUTABLE, kernel().type(4).build());
    }

    @Test
    void badVersion() {
        refused(Reason.BAD_HEADER, kernel().version(2).build());
    }

    @Test
    void headerSizeTooSmall() {
        String message = refused(Reason.BAD_HEADER, kernel().ehsize(52).build());

        assertTrue(message.contains("e_ehsize is 52, smaller than an ELF64 header (64)"), message);
    }

    @Test
    void programHeaderEntrySizeTooSmall() {
        String message = refused(Reason.BAD_HEADER, kernel().phentsize(32).build());

        assertTrue(message.contains("e_phentsize is 32, smaller than an ELF64 program header (56)"), message);
    }

    @Test
    void extendedProgramHeaderNumbering() {
        refused(Reason.BAD_HEADER, kernel().phnum(0xffff).build());
    }

    @Test
    void programHeadersPastEndOfFile() {
        byte[] image = kernel().build();

        String message = refused(Reason.PROGRAM_HEADERS_OUTSIDE_FILE, kernel().phoff(image.length - 8).build());

        assertTrue(message.contains(Long.toHexString(image.length - 8) + "+0x70"), message);
    }

    @Test
    void programHeaderOffsetThatWrapsAround() {
        refused(Reason.PROGRAM_HEADERS_OUTSIDE_FILE, kernel().phoff(0xffff_ffff_ffff_ffc0L).build());
    }

    @Test
    void moreProgramHeadersThanTheFileHolds() {
        refused(Reason.PROGRAM_HEADERS_OUTSIDE_FILE, kernel().phnum(100).build());
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
    void segmentOffsetThatWrapsAround() {
        refused(Reason.SEGMENT_OUTSIDE_FILE, kernel()
                .segment(new Segment(ElfBuilder.PT_LOAD, 0x300000, 0x300000, new byte[0], 0x200,
                        0xffff_ffff_ffff_ff00L, 0x100L))
                .build());
    }

    @Test
    void segmentOutsideRam() {
        String message = refused(Reason.SEGMENT_OUTSIDE_RAM, kernel().load(0x8000000, DATA, 0x1000).build());

        assertEquals("ELF segment 2 at 0x8000000+0x1000 is outside guest RAM (4 MiB = 0x400000): give more --mem",
                message);
    }

    @Test
    void segmentStraddlingTheEndOfRam() {
        refused(Reason.SEGMENT_OUTSIDE_RAM, kernel().load(RAM_SIZE - 2, DATA, DATA.length).build());
    }

    @Test
    void segmentWhoseEndWrapsAround() {
        refused(Reason.SEGMENT_OUTSIDE_RAM, kernel().load(0x1000, DATA, 0xffff_ffff_ffff_f000L).build());
    }

    @Test
    void segmentWithHigherHalfPhysicalAddress() {
        String message = refused(Reason.SEGMENT_OUTSIDE_RAM,
                new ElfBuilder().entry(0xffff_ffff_8010_0000L).load(0xffff_ffff_8010_0000L, TEXT, 0x100).build());

        assertTrue(message.contains("higher-half physical address"), message);
        assertTrue(message.contains("0xffffffff80100000+0x100"), message);
    }

    @Test
    void overlappingSegments() {
        String message = refused(Reason.OVERLAPPING_SEGMENTS, kernel().load(0x100004, DATA, 4).build());

        assertEquals("ELF segments 0 (0x100000+0x6) and 2 (0x100004+0x4) overlap in guest-physical memory:"
                + " the file is corrupt", message);
    }

    @Test
    void noProgramHeaders() {
        refused(Reason.NO_LOADABLE_SEGMENTS, new ElfBuilder().entry(0x1000).build());
    }

    @Test
    void noLoadSegment() {
        String message = refused(Reason.NO_LOADABLE_SEGMENTS, new ElfBuilder().entry(0x1000)
                .segment(new Segment(ElfBuilder.PT_NOTE, 0, 0, DATA, DATA.length, null, null))
                .build());

        assertTrue(message.contains("no PT_LOAD segment among its 1 program headers"), message);
    }

    @Test
    void entryOutsideRam() {
        String message = refused(Reason.ENTRY_OUTSIDE_RAM, kernel().entry(0x1000_0000).build());

        assertEquals("ELF entry point 0x10000000 (e_entry) is outside guest RAM (4 MiB = 0x400000):"
                + " give more --mem or check the link address", message);
    }

    @Test
    void higherHalfEntry() {
        long base = 0xffff_ffff_8000_0000L;
        byte[] image = new ElfBuilder().entry(base + 0x100010)
                .segment(new Segment(ElfBuilder.PT_LOAD, base + 0x100000, 0x100000, TEXT, 0x1000, null, null))
                .build();

        String message = refused(Reason.HIGHER_HALF_ENTRY, image);

        assertEquals("ELF entry point 0xffffffff80100010 is a higher-half virtual address (segment 0 maps virtual"
                + " 0xffffffff80100000 at physical 0x100000); uhv maps guest virtual == physical for now, so"
                + " higher-half kernels cannot start there yet (its physical address is 0x100010)", message);
    }

    @Test
    void entryJustPastAHigherHalfSegmentIsNotCalledHigherHalf() {
        long base = 0xffff_ffff_8000_0000L;
        byte[] image = new ElfBuilder().entry(base + 0x101000)
                .segment(new Segment(ElfBuilder.PT_LOAD, base + 0x100000, 0x100000, TEXT, 0x1000, null, null))
                .build();

        refused(Reason.ENTRY_OUTSIDE_RAM, image);
    }
}
