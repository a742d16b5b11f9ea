package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import org.junit.jupiter.api.Test;

class ImageLoaderTest {
    private final GuestMemory ram = GuestMemory.allocate(0x10_0000);
    private final byte[] elf = new ElfBuilder().entry(0x2000).load(0x2000, new byte[] {0x11, 0x22}, 2).build();

    @Test
    void detectsElfByItsMagicAndEverythingElseAsRaw() {
        assertEquals(ImageFormat.ELF, ImageFormat.detect(elf));
        assertEquals(ImageFormat.ELF, ImageFormat.detect(new byte[] {0x7f, 'E', 'L', 'F'}));
        assertEquals(ImageFormat.RAW, ImageFormat.detect(new byte[] {0x7f, 'E', 'L'}));
        assertEquals(ImageFormat.RAW, ImageFormat.detect(new byte[] {0x7f, 'e', 'L', 'F', 2}));
        assertEquals(ImageFormat.RAW, ImageFormat.detect(new byte[0]));
    }

    @Test
    void loadsADetectedElfAtItsPhysicalAddressesIgnoringTheLoadAddress() throws Exception {
        LoadResult result = ImageLoader.load(elf, null, ram, 0x8000, null);

        assertEquals(ImageFormat.ELF, result.format());
        assertEquals(0x2000, result.entry());
        assertEquals(0x2211, ram.readU16(0x2000));
        assertEquals(0, ram.readU16(0x8000));
    }

    @Test
    void entryOverridesElfEntryPoint() throws Exception {
        LoadResult result = ImageLoader.load(elf, null, ram, 0, 0x2001L);

        assertEquals(0x2001, result.entry());
    }

    @Test
    void entryOverrideIsCheckedAgainstRam() {
        String message = assertRefused(Reason.ENTRY_OUTSIDE_RAM,
                () -> ImageLoader.load(elf, null, ram, 0, 0x20_0000L));

        assertEquals("--entry 0x200000 is outside guest RAM (1 MiB = 0x100000)", message);
    }

    @Test
    void rawEntryDefaultsToTheLoadAddress() throws Exception {
        LoadResult result = ImageLoader.load(new byte[] {1, 2, 3}, null, ram, 0x3000, null);

        assertEquals(ImageFormat.RAW, result.format());
        assertEquals(0x3000, result.entry());
        assertEquals(3, ram.readU8(0x3002));
    }

    @Test
    void forcedRawLoadsAnElfFileByteForByte() throws Exception {
        LoadResult result = ImageLoader.load(elf, ImageFormat.RAW, ram, 0x4000, 0x4010L);

        assertEquals(ImageFormat.RAW, result.format());
        assertEquals(0x4010, result.entry());
        assertEquals(0x464c457f, ram.readU32(0x4000));
        assertEquals(elf.length, result.endAddress() - result.lowestAddress());
    }

    @Test
    void forcedElfRefusesAFlatBinary() {
        assertRefused(Reason.NOT_ELF, () -> ImageLoader.load(new byte[] {(byte) 0xf4}, ImageFormat.ELF, ram, 0, null));
    }
}
