package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.loader.ElfBuilder.Segment;
import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The loads and refusals i386 ELF32 and x86-64 ELF64 share, each run once per class: the checks are
 * common code, but every field reaches them through its class's layout, so a misread field fails
 * under that class only. The cases for one class stay in {@link ElfLoaderTest} (ELF64) and
 * {@link Elf32LoaderTest}.
 */
class ElfBothClassesTest {
    private static final int RAM_SIZE = 0x40_0000;
    private static final byte[] TEXT = {(byte) 0xb8, 0x2a, 0, 0, 0, (byte) 0xf4};
    private static final byte[] DATA = {1, 2, 3, 4};

    private final GuestMemory ram = GuestMemory.allocate(RAM_SIZE);

    /** Runs a test once with ELF32 and once with ELF64. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ImageFormat.class, names = {"ELF32", "ELF64"})
    private @interface EachElfClass {
    }

    /** A valid executable of the format's class, with no segments yet. */
    private static ElfBuilder elf(ImageFormat format) {
        return switch (format) {
            case ELF32 -> ElfBuilder.elf32();
            case ELF64 -> new ElfBuilder();
            default -> throw new IllegalArgumentException("not an ELF class: " + format);
        };
    }

    /** A valid two-segment kernel: text at 0x100000, data at 0x200000 with a 0x100-byte .bss. */
    private static ElfBuilder kernel(ImageFormat format) {
        return elf(format).entry(0x100000).load(0x100000, TEXT, TEXT.length).load(0x200000, DATA, 0x104);
    }

    private String refused(Reason reason, byte[] image) {
        return assertRefused(reason, () -> ElfLoader.load(image, ram));
    }

    @EachElfClass
    void loadsEachSegmentAtItsPhysicalAddressAndZeroFillsBss(ImageFormat format) throws Exception {
        ram.fill(0x200000, 0x200, (byte) 0xaa); // stale bytes the .bss must overwrite

        LoadResult result = ElfLoader.load(kernel(format).build(), ram);

        byte[] text = new byte[TEXT.length];
        ram.read(0x100000, text, 0, text.length);
        assertEquals(Arrays.toString(TEXT), Arrays.toString(text));
        assertEquals(0x04030201L, ram.readU32(0x200000));
        for (long a = 0x200004; a < 0x200104; a++) {
            assertEquals(0, ram.readU8(a), "bss byte at 0x" + Long.toHexString(a));
        }
        assertEquals(0xaa, ram.readU8(0x200104), "nothing past p_memsz may be written");
        assertEquals(format == ImageFormat.ELF32, result.is32Bit());
        assertEquals(new LoadResult(format, 0x100000, 0x100000, 0x200104, List.of(
                new LoadedSegment(0x100000, TEXT.length, TEXT.length),
                new LoadedSegment(0x200000, DATA.length, 0x104)), BootRegisters.NONE), result);
    }

    @EachElfClass
    void loadsAtPaddrNotVaddrAndIgnoresOtherProgramHeaders(ImageFormat format) throws Exception {
        // The PT_NOTE's offset lies far past the end of the file: only PT_LOAD bytes are read.
        byte[] image = elf(format).entry(0x5000)
                .segment(new Segment(ElfBuilder.PT_NOTE, 0, 0, new byte[0], 0, 0x7fff_ffffL, 0x10L))
                .segment(new Segment(ElfBuilder.PT_LOAD, 0x5000, 0x9000, new byte[] {7}, 1, null, null))
                .build();

        LoadResult result = ElfLoader.load(image, ram);

        assertEquals(7, ram.readU8(0x9000));
        assertEquals(0, ram.readU8(0x5000));
        assertEquals(List.of(new LoadedSegment(0x9000, 1, 1)), result.segments());
        assertEquals(0x5000, result.entry());
    }

    @EachElfClass
    void acceptsEtDynWithoutRelocatingIt(ImageFormat format) throws Exception {
        LoadResult result = ElfLoader.load(kernel(format).type(3).build(), ram);

        assertEquals(0x100000, result.lowestAddress());
        assertEquals(0x2a, ram.readU8(0x100001));
    }

    @EachElfClass
    void refusedImageLeavesRamUntouched(ImageFormat format) {
        refused(Reason.SEGMENT_OUTSIDE_RAM, kernel(format).load(RAM_SIZE, DATA, 4).build());

        assertEquals(0, ram.readU8(0x100000));
        assertEquals(0, ram.readU8(0x200000));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ELF32, 52", "ELF64, 64"})
    void truncatedHeader(ImageFormat format, int headerSize) {
        String message = refused(Reason.TRUNCATED, Arrays.copyOf(kernel(format).build(), 40));

        assertEquals("the file is 40 bytes, too short for an " + format + " header (" + headerSize
                + " bytes): it is truncated", message);
    }

    @EachElfClass
    void bigEndian(ImageFormat format) {
        refused(Reason.NOT_LITTLE_ENDIAN, kernel(format).dataEncoding(2).build());
    }

    /**
     * Each class runs one machine, so the other class's x86 is refused like a foreign one (an ELF32
     * for x86-64 is what the x32 ABI writes).
     */
    @ParameterizedTest(name = "{0} for {2}")
    @CsvSource({
            "ELF32, 62,  x86-64,  i386 (3)",
            "ELF32, 40,  ARM,     i386 (3)",
            "ELF64, 183, AArch64, x86-64 (62)",
            "ELF64, 3,   i386,    x86-64 (62)"})
    void wrongMachine(ImageFormat format, int machine, String machineName, String classMachine) {
        String message = refused(Reason.WRONG_MACHINE, kernel(format).machine(machine).build());

        assertEquals("this " + format + " is for " + machineName + " (e_machine " + machine + "), not "
                + classMachine + ": uhv runs x86-64 ELF64 and i386 ELF32 guests only", message);
    }

    @EachElfClass
    void relocatableObject(ImageFormat format) {
        String message = refused(Reason.NOT_EXECUTABLE, kernel(format).type(1).build());

        assertTrue(message.contains("ET_REL"), message);
    }

    @EachElfClass
    void badVersion(ImageFormat format) {
        refused(Reason.BAD_HEADER, kernel(format).version(2).build());
    }

    /** ELF64 is given ELF32's header size, as a file mixing up the two classes would have. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"ELF32, 40, 52", "ELF64, 52, 64"})
    void headerSizeTooSmall(ImageFormat format, int ehsize, int headerSize) {
        String message = refused(Reason.BAD_HEADER, kernel(format).ehsize(ehsize).build());

        assertTrue(message.contains("e_ehsize is " + ehsize + ", smaller than an " + format + " header ("
                + headerSize + ")"), message);
    }

    /** As for e_ehsize: ELF64 is given ELF32's entry size. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"ELF32, 28, 32", "ELF64, 32, 56"})
    void programHeaderEntrySizeTooSmall(ImageFormat format, int phentsize, int entrySize) {
        String message = refused(Reason.BAD_HEADER, kernel(format).phentsize(phentsize).build());

        assertTrue(message.contains("e_phentsize is " + phentsize + ", smaller than an " + format
                + " program header (" + entrySize + ")"), message);
    }

    @EachElfClass
    void extendedProgramHeaderNumbering(ImageFormat format) {
        refused(Reason.BAD_HEADER, kernel(format).phnum(0xffff).build());
    }

    @EachElfClass
    void noProgramHeaders(ImageFormat format) {
        refused(Reason.NO_LOADABLE_SEGMENTS, elf(format).entry(0x1000).build());
    }

    /** The message gives the table's extent: the kernel's two program headers, 2 * 32 or 2 * 56 bytes. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"ELF32, 0x40", "ELF64, 0x70"})
    void programHeadersPastEndOfFile(ImageFormat format, String tableSize) {
        byte[] image = kernel(format).build();

        String message = refused(Reason.PROGRAM_HEADERS_OUTSIDE_FILE,
                kernel(format).phoff(image.length - 8).build());

        assertTrue(message.contains(Long.toHexString(image.length - 8) + "+" + tableSize), message);
    }

    @EachElfClass
    void fileSizeLargerThanMemorySize(ImageFormat format) {
        String message = refused(Reason.BAD_SEGMENT, kernel(format).load(0x300000, DATA, 2).build());

        assertTrue(message.startsWith("ELF segment 2 has p_filesz 0x4 larger than p_memsz 0x2"), message);
    }

    @EachElfClass
    void segmentPastEndOfFile(ImageFormat format) {
        byte[] image = kernel(format)
                .segment(new Segment(ElfBuilder.PT_LOAD, 0x300000, 0x300000, new byte[0], 0x1000, 0x40L, 0x1000L))
                .build();

        String message = refused(Reason.SEGMENT_OUTSIDE_FILE, image);

        assertTrue(message.startsWith("ELF segment 2's file bytes 0x40+0x1000"), message);
    }

    @EachElfClass
    void segmentOutsideRam(ImageFormat format) {
        String message = refused(Reason.SEGMENT_OUTSIDE_RAM, kernel(format).load(0x8000000, DATA, 0x1000).build());

        assertEquals("ELF segment 2 at 0x8000000+0x1000 is outside guest RAM (4 MiB = 0x400000): give more --mem",
                message);
    }

    @EachElfClass
    void segmentStraddlingTheEndOfRam(ImageFormat format) {
        refused(Reason.SEGMENT_OUTSIDE_RAM, kernel(format).load(RAM_SIZE - 2, DATA, DATA.length).build());
    }

    @EachElfClass
    void overlappingSegments(ImageFormat format) {
        String message = refused(Reason.OVERLAPPING_SEGMENTS, kernel(format).load(0x100004, DATA, 4).build());

        assertEquals("ELF segments 0 (0x100000+0x6) and 2 (0x100004+0x4) overlap in guest-physical memory:"
                + " the file is corrupt", message);
    }

    @EachElfClass
    void noLoadSegment(ImageFormat format) {
        String message = refused(Reason.NO_LOADABLE_SEGMENTS, elf(format).entry(0x1000)
                .segment(new Segment(ElfBuilder.PT_NOTE, 0, 0, DATA, DATA.length, null, null))
                .build());

        assertTrue(message.contains("no PT_LOAD segment among its 1 program headers"), message);
    }
}
