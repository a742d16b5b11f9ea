package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.loader.ElfBuilder.Segment;
import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.Arrays;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * x86-64 ELF64 images: what only this class has (64-bit offsets and sizes that wrap around, the
 * higher half), and checks tried through an ELF64 image alone, such as e_ident's. The cases run
 * for both classes are in {@link ElfBothClassesTest}; {@link Elf32LoaderTest} has ELF32's own.
 */
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
    void skipsEmptyLoadSegments() throws Exception {
        LoadResult result = load(kernel().load(0x7fff_0000_0000L, new byte[0], 0).build());

        assertEquals(2, result.segments().size());
    }

    @Test
    void emptyImage() {
        refused(Reason.EMPTY_IMAGE, new byte[0]);
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
    void invalidDataEncoding() {
        refused(Reason.BAD_HEADER, kernel().dataEncoding(0).build());
    }

    @Test
    void invalidIdentVersion() {
        refused(Reason.BAD_HEADER, kernel().identVersion(0).build());
    }

    @Test
    void coreDump() {
        refused(Reason.NOT_EXECUTABLE, kernel().type(4).build());
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
    void segmentOffsetThatWrapsAround() {
        refused(Reason.SEGMENT_OUTSIDE_FILE, kernel()
                .segment(new Segment(ElfBuilder.PT_LOAD, 0x300000, 0x300000, new byte[0], 0x200,
                        0xffff_ffff_ffff_ff00L, 0x100L))
                .build());
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
