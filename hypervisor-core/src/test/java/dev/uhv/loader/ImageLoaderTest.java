package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageLoaderTest {
    private final GuestMemory ram = GuestMemory.allocate(0x10_0000);
    private final byte[] elf = new ElfBuilder().entry(0x2000).load(0x2000, new byte[] {0x11, 0x22}, 2).build();
    private final byte[] elf32 = ElfBuilder.elf32().entry(0x3000).load(0x3000, new byte[] {0x33, 0x44}, 2).build();

    @Test
    void detectsElfByItsMagicAndEverythingElseAsRaw() {
        assertEquals(ImageFormat.ELF, ImageFormat.detect(elf));
        assertEquals(ImageFormat.ELF, ImageFormat.detect(elf32));
        assertEquals(ImageFormat.ELF, ImageFormat.detect(new byte[] {0x7f, 'E', 'L', 'F'}));
        assertEquals(ImageFormat.RAW, ImageFormat.detect(new byte[] {0x7f, 'E', 'L'}));
        assertEquals(ImageFormat.RAW, ImageFormat.detect(new byte[] {0x7f, 'e', 'L', 'F', 2}));
        assertEquals(ImageFormat.RAW, ImageFormat.detect(new byte[0]));
    }

    @Test
    void detectsAMultibootHeaderBeforeTheElfMagic() {
        byte[] multibootElf = ElfBuilder.elf32().entry(0x3000).load(0x3000, MultibootImages.v1Header(0), 12).build();

        assertEquals(ImageFormat.MULTIBOOT, ImageFormat.detect(multibootElf));
        assertEquals(ImageFormat.MULTIBOOT, ImageFormat.detect(MultibootImages.flatKernel(0, 0x100, 0)));
    }

    @Test
    void aMultibootKernelForcedToElf32LoadsAsAPlainElfWithNothingInItsRegisters() throws Exception {
        byte[] multibootElf = ElfBuilder.elf32().entry(0x3000).load(0x3000, MultibootImages.v1Header(0), 12).build();

        LoadResult detected = ImageLoader.load(multibootElf, null, ram, 0, null);
        LoadResult forced = ImageLoader.load(multibootElf, ImageFormat.ELF32, ram, 0, null);

        assertEquals(ImageFormat.MULTIBOOT, detected.format());
        assertEquals(0x2BADB002L, detected.registers().eax());
        assertEquals(ImageFormat.ELF32, forced.format());
        assertEquals(BootRegisters.NONE, forced.registers());
    }

    @Test
    void theHighestAddressOfAMultibootKernelCountsItsModules() throws Exception {
        byte[] kernel = MultibootImages.flatKernel(0, 0x100, 0x101000);
        List<BootModule> modules = List.of(new BootModule("m", new byte[0x2000], ""));

        assertEquals(0x101000, ImageLoader.highestAddress(kernel, null, 0, List.of()));
        assertEquals(0x103000, ImageLoader.highestAddress(kernel, null, 0, modules));
    }

    @Test
    void loadsADetectedElfAtItsPhysicalAddressesIgnoringTheLoadAddress() throws Exception {
        LoadResult result = ImageLoader.load(elf, null, ram, 0x8000, null);

        assertEquals(ImageFormat.ELF64, result.format());
        assertFalse(result.is32Bit());
        assertEquals(0x2000, result.entry());
        assertEquals(0x2211, ram.readU16(0x2000));
        assertEquals(0, ram.readU16(0x8000));
    }

    @Test
    void loadsADetectedElf32AndSaysItIs32Bit() throws Exception {
        LoadResult result = ImageLoader.load(elf32, null, ram, 0x8000, null);

        assertEquals(ImageFormat.ELF32, result.format());
        assertTrue(result.is32Bit());
        assertEquals(0x3000, result.entry());
        assertEquals(0x4433, ram.readU16(0x3000));
    }

    @Test
    void eachClassLoadsWhenAskedForByName() throws Exception {
        assertTrue(ImageLoader.load(elf32, ImageFormat.ELF32, ram, 0, null).is32Bit());
        assertEquals(ImageFormat.ELF64, ImageLoader.load(elf, ImageFormat.ELF64, ram, 0, null).format());
        assertEquals(ImageFormat.ELF32, ImageLoader.load(elf32, ImageFormat.ELF, ram, 0, null).format());
    }

    @Test
    void askingForTheOtherClassIsRefused() {
        String message = assertRefused(Reason.WRONG_CLASS,
                () -> ImageLoader.load(elf32, ImageFormat.ELF64, ram, 0, null));

        assertEquals("this is an ELF32 file, not ELF64 as --format elf64 asks: leave --format out, or give"
                + " --format elf, to load either class", message);
        assertEquals(0, ram.readU16(0x3000), "nothing may be written");
    }

    @Test
    void entryOverridesElf32EntryPoint() throws Exception {
        assertEquals(0x3001, ImageLoader.load(elf32, null, ram, 0, 0x3001L).entry());
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
