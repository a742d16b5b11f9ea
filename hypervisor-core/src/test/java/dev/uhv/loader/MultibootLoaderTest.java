package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static dev.uhv.loader.MultibootImages.cString;
import static dev.uhv.loader.MultibootImages.flatKernel;
import static dev.uhv.loader.MultibootImages.v1Header;
import static dev.uhv.loader.MultibootImages.v1Kludge;
import static dev.uhv.loader.MultibootImages.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Loading a multiboot v1 kernel and the information uhv gives it (Multiboot 0.6.96, 3.2 and 3.3),
 * read back from guest RAM; QEMU's hw/i386/multiboot.c where the specification leaves a choice.
 */
class MultibootLoaderTest {
    private static final int RAM_SIZE = 0x40_0000;
    private static final byte[] INITRD = "INITRD".getBytes(StandardCharsets.US_ASCII);
    /** Flags 3 (page-aligned modules, memory information), 0x1800 bytes at 0x100000, bss to 0x102800. */
    private static final byte[] KERNEL = flatKernel(3, 0x1800, 0x102800);

    private final GuestMemory ram = GuestMemory.allocate(RAM_SIZE);

    private static BootParameters boot(String commandLine, BootModule... modules) {
        return new BootParameters("kernel.bin", commandLine, List.of(modules), 0x1000);
    }

    private LoadResult load(byte[] image, BootParameters boot) throws ImageLoadException {
        return MultibootLoader.load(image, ram, boot, OptionalLong.empty());
    }

    private long u32(long address) {
        return ram.readU32(address);
    }

    @Test
    void entersWithTheMagicInEaxAndTheInformationAt0x9000InEbx() throws Exception {
        LoadResult r = load(KERNEL, boot(""));

        assertEquals(ImageFormat.MULTIBOOT, r.format());
        assertTrue(r.is32Bit(), "multiboot enters in 32-bit protected mode");
        assertEquals(0x100020, r.entry(), "entry_addr");
        assertEquals(new BootRegisters(0x2BADB002L, 0x9000), r.registers());
        assertEquals(0xf4, ram.readU8(0x100020));
    }

    @Test
    void theInformationHasMemoryCommandLineModulesMemoryMapAndBootLoaderName() throws Exception {
        long mbi = load(KERNEL, boot("console=ttyS0 debug")).registers().ebx();

        assertEquals(0x24d, u32(mbi), "flags: bits 0, 2, 3, 6 and 9");
        assertEquals(639, u32(mbi + 4), "mem_lower: KiB below the EBDA, as SeaBIOS's int 0x12");
        assertEquals(3072, u32(mbi + 8), "mem_upper: KiB from 1 MiB to the end of the 4 MiB of RAM");
        assertEquals("kernel.bin console=ttyS0 debug", cString(ram, u32(mbi + 16)), "QEMU's \"%s %s\"");
        assertEquals(0, u32(mbi + 20), "mods_count");
        assertEquals("uhv", cString(ram, u32(mbi + 64)), "boot_loader_name");
    }

    @Test
    void withoutAppendTheCommandLineIsTheKernelNameAndASpaceAsQemuWritesIt() throws Exception {
        long mbi = load(KERNEL, boot("")).registers().ebx();

        assertEquals("kernel.bin ", cString(ram, u32(mbi + 16)));
    }

    @Test
    void theMemoryMapIsSeaBiosE820WithoutTheBiosOwnEntries() throws Exception {
        long mbi = load(KERNEL, boot("")).registers().ebx();

        assertEquals(4 * 24, u32(mbi + 44), "mmap_length: four entries of 4 + 20 bytes");
        long entry = u32(mbi + 48);
        long[][] expected = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xf0000, 0x10000, 2}, {0x100000, 0x300000, 1}};
        for (long[] e : expected) {
            assertEquals(20, u32(entry), "size");
            assertEquals(e[0], ram.readU64(entry + 4), "base_addr");
            assertEquals(e[1], ram.readU64(entry + 12), "length");
            assertEquals(e[2], u32(entry + 20), "type");
            entry += 4 + u32(entry);
        }
    }

    @Test
    void modulesArePageAlignedAboveTheKernelWithQemusStrings() throws Exception {
        BootModule initrd = new BootModule("initrd.img", INITRD, "root=/dev/ram");
        BootModule big = new BootModule("second", new byte[0x1001], "");
        LoadResult r = load(KERNEL, boot("", initrd, big));
        long mbi = r.registers().ebx();

        assertEquals(2, u32(mbi + 20), "mods_count");
        long mods = u32(mbi + 24);
        assertEquals(0x103000, u32(mods), "the first page above the kernel's bss (0x102800)");
        assertEquals(0x103006, u32(mods + 4), "mod_end = mod_start + its size, as QEMU");
        assertEquals("initrd.img root=/dev/ram", cString(ram, u32(mods + 8)));
        assertEquals(0x104000, u32(mods + 16));
        assertEquals(0x105001, u32(mods + 20));
        assertEquals("second", cString(ram, u32(mods + 24)));
        byte[] loaded = new byte[INITRD.length];
        ram.read(0x103000, loaded, 0, loaded.length);
        assertArrayEquals(INITRD, loaded);
        assertEquals(0x9000, r.lowestAddress(), "the information is the lowest thing loaded");
        assertEquals(0x105001, r.endAddress(), "the last module is the highest");
        assertEquals(0x106000, MultibootLoader.highestAddress(KERNEL, List.of(initrd, big)),
                "RAM sizing: up to the end of the last module's page");
    }

    @Test
    void theInformationStaysBelowTheEbdaAndOutOfEveryLoadedRange() throws Exception {
        LoadResult r = load(KERNEL, boot("x".repeat(1000), new BootModule("m", INITRD, "a")));
        LoadedSegment info = r.segments().get(r.segments().size() - 1);

        assertEquals(0x9000, info.physicalAddress());
        assertTrue(info.end() <= 0x9fc00, "below the EBDA: " + Long.toHexString(info.end()));
    }

    @Test
    void theInformationGoesNoLowerThanTheGuestCanReach() throws Exception {
        LoadResult r = load(KERNEL, new BootParameters("k", "", List.of(), 0x10000));

        assertEquals(0x10000, r.registers().ebx(), "vm.mmap_min_addr 65536");
    }

    @Test
    void anElf32KernelWithoutAddressFieldsLoadsThroughItsProgramHeaders() throws Exception {
        byte[] code = with(v1Header(3), 12, new byte[] {(byte) 0xf4});
        byte[] elf = ElfBuilder.elf32().entry(0x10000c).load(0x100000, code, 0x2000).build();

        LoadResult r = load(elf, boot("hi"));

        assertEquals(0x10000c, r.entry(), "e_entry");
        assertEquals(0xf4, ram.readU8(0x10000c));
        assertEquals(new BootRegisters(0x2BADB002L, 0x9000), r.registers());
        assertEquals("kernel.bin hi", cString(ram, u32(0x9000 + 16)));
    }

    @Test
    void theKludgeWinsOverElfHeadersAsInQemu() throws Exception {
        // An ELF whose multiboot header (at file offset 0x54) has address fields: load from those.
        byte[] header = v1Kludge(0, 0x200054, 0x200000, 0, 0, 0x200054);
        byte[] elf = ElfBuilder.elf32().entry(0x100000).load(0x100000, header, header.length).build();

        LoadResult r = load(elf, boot(""));

        assertEquals(0x200054, r.entry());
        assertEquals(0x464c457f, ram.readU32(0x200000), "the whole file from offset 0, ELF header included");
    }

    @Test
    void anElf64KernelWithoutAddressFieldsIsRefusedAsQemuDoes() {
        byte[] elf = new ElfBuilder().entry(0x100000).load(0x100000, v1Header(0), 12).build();

        String message = assertRefused(Reason.WRONG_CLASS, () -> load(elf, boot("")));

        assertEquals("this multiboot kernel is an ELF64 file; a multiboot v1 kernel without address fields (flags"
                + " bit 16) must be an i386 ELF32, as QEMU requires", message);
    }

    @Test
    void aFlatKernelWithoutAddressFieldsIsRefused() {
        assertRefused(Reason.BAD_MULTIBOOT_HEADER, () -> load(with(new byte[64], 0, v1Header(0)), boot("")));
    }

    @Test
    void forcedOnAnImageWithoutHeaderSaysWhatItLookedFor() {
        byte[] badChecksum = with(new byte[64], 8, MultibootImages.le(MultibootImages.V1_MAGIC, 0, 0));

        String message = assertRefused(Reason.NOT_MULTIBOOT,
                () -> ImageLoader.load(badChecksum, ImageFormat.MULTIBOOT, ram, 0, null));

        assertEquals("no multiboot header: no valid 0x1badb002 (v1) in the first 8 KiB, 4-byte aligned, nor 0xe85250d6"
                + " (v2) in the first 32 KiB, 8-byte aligned; the v1 magic at 0x8 has a wrong checksum (magic + flags +"
                + " checksum must be 0 mod 2^32)", message);
    }

    @Test
    void aKernelOverTheInformationAreaIsRefused() {
        byte[] low = with(new byte[0x2000], 0, v1Kludge(0, 0x8000, 0x8000, 0, 0, 0x8020));

        String message = assertRefused(Reason.BOOT_INFO_OVERLAP, () -> load(low, boot("")));

        assertTrue(message.startsWith("the kernel at 0x8000..0xa000 overlaps the multiboot information, which uhv"
                + " places at 0x9000..0x9"), message);
    }

    @Test
    void aModuleOverTheInformationAreaIsRefused() {
        byte[] low = with(new byte[0x1000], 0, v1Kludge(0, 0x2000, 0x2000, 0, 0, 0x2020));

        String message = assertRefused(Reason.BOOT_INFO_OVERLAP,
                () -> load(low, boot("", new BootModule("big.bin", new byte[0x10000], ""))));

        assertTrue(message.startsWith("module big.bin at 0x3000..0x13000 overlaps"), message);
    }

    @Test
    void aModuleThatDoesNotFitInRamIsRefused() {
        String message = assertRefused(Reason.MODULE_OUTSIDE_RAM,
                () -> load(KERNEL, boot("", new BootModule("huge", new byte[RAM_SIZE], ""))));

        assertEquals("module huge (0x400000 bytes) would load at 0x103000, above the kernel, and does not fit in guest"
                + " RAM (4 MiB = 0x400000): give more --mem", message);
    }

    @Test
    void aCommandLineTooLongForConventionalMemoryIsRefused() {
        String message = assertRefused(Reason.BOOT_INFO_OVERLAP, () -> load(KERNEL, boot("x".repeat(0x97000))));

        assertTrue(message.contains("does not fit in conventional memory 0x9000..0x9fc00"), message);
    }

    @Test
    void entryOutsideRamIsRefusedAndEntryOverridesTheHeader() throws Exception {
        byte[] far = with(new byte[0x100], 0, v1Kludge(0, 0x100000, 0x100000, 0, 0, 0x500000));
        String message = assertRefused(Reason.ENTRY_OUTSIDE_RAM, () -> load(far, boot("")));
        assertEquals("the multiboot entry_addr 0x500000 is outside guest RAM (4 MiB = 0x400000)", message);

        assertEquals(0x100004, MultibootLoader.load(far, ram, boot(""), OptionalLong.of(0x100004)).entry());
    }

    @Test
    void aVideoModeRequestLoadsWithoutVideoInformation() throws Exception {
        long mbi = load(flatKernel(4, 0x100, 0), boot("")).registers().ebx();

        assertEquals(0, u32(mbi) & (1 << 11), "no VBE information (flags bit 11)");
    }
}
