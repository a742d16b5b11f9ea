package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static dev.uhv.loader.MultibootImages.cString;
import static dev.uhv.loader.MultibootImages.v1Header;
import static dev.uhv.loader.MultibootImages.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.loader.MultibootImages.V2;
import dev.uhv.memory.GuestMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Loading a multiboot2 kernel and the tags uhv gives it (Multiboot2 2.0, 3.1 and 3.6), read back from RAM. */
class Multiboot2LoaderTest {
    private static final int RAM_SIZE = 0x40_0000;
    private static final int FRAMEBUFFER_INFO = 8;
    private final GuestMemory ram = GuestMemory.allocate(RAM_SIZE);

    /** Information request (required) for what uhv gives, module alignment, address and entry tags. */
    private static V2 flatHeader() {
        return new V2().tag(1, 0, 1, 2, 3, 4, 6).tag(6, 0).address(0x100000, 0x100000, 0, 0x102000).entry(0x100400);
    }

    /** A flat 0x1000-byte kernel with header at file offset 0 and address 0x100000. */
    private static byte[] flatKernel(V2 header) {
        return with(new byte[0x1000], 0, header.build());
    }

    private LoadResult load(byte[] image, String commandLine, BootModule... modules) throws ImageLoadException {
        return MultibootLoader.load(image, ram, new BootParameters("kernel", commandLine, List.of(modules), 0x1000),
                OptionalLong.empty());
    }

    /** One information tag: its address, type and size. */
    private record Tag(long at, long type, long size) {
    }

    private List<Tag> tags(long info) {
        List<Tag> tags = new ArrayList<>();
        long at = info + 8;
        while (true) {
            Tag t = new Tag(at, ram.readU32(at), ram.readU32(at + 4));
            tags.add(t);
            if (t.type() == 0) {
                return tags;
            }
            at += (t.size() + 7) & -8;
        }
    }

    @Test
    void entersWithTheMultiboot2MagicAndAnAlignedInformationAddress() throws Exception {
        LoadResult r = load(flatKernel(flatHeader()), "");

        assertEquals(ImageFormat.MULTIBOOT, r.format());
        assertEquals(0x100400, r.entry(), "the entry address tag");
        assertEquals(new BootRegisters(0x36D76289L, 0x9000), r.registers());
        assertEquals(0, r.registers().ebx() % 8);
        assertEquals(0, ram.readU8(0x101fff), "bss up to the address tag's bss_end_addr");
    }

    @Test
    void theTagsAreCommandLineLoaderNameModulesMeminfoMemoryMapAndEnd() throws Exception {
        LoadResult r = load(flatKernel(flatHeader()), "console=ttyS0",
                new BootModule("initrd.img", new byte[] {1, 2, 3}, "root=/dev/ram"));
        long info = r.registers().ebx();
        List<Tag> tags = tags(info);

        assertEquals(List.of(1L, 2L, 3L, 4L, 6L, 0L), tags.stream().map(Tag::type).toList());
        tags.forEach(t -> assertEquals(0, t.at() % 8, "8-byte aligned tag " + t));
        Tag last = tags.get(tags.size() - 1);
        assertEquals(last.at() + 8 - info, ram.readU32(info), "total_size, up to the end tag's end");
        assertEquals(0, ram.readU32(info + 4), "reserved");

        assertEquals("console=ttyS0", cString(ram, tags.get(0).at() + 8), "the --append text only, as GRUB");
        assertEquals(8 + "console=ttyS0".length() + 1, tags.get(0).size());
        assertEquals("uhv", cString(ram, tags.get(1).at() + 8));
        Tag module = tags.get(2);
        assertEquals(0x102000, ram.readU32(module.at() + 8), "mod_start: the page above bss_end_addr");
        assertEquals(0x102003, ram.readU32(module.at() + 12), "mod_end");
        assertEquals("root=/dev/ram", cString(ram, module.at() + 16), "the arguments only, as GRUB");
        assertEquals(1, ram.readU8(0x102000));
        assertEquals(16, tags.get(3).size());
        assertEquals(639, ram.readU32(tags.get(3).at() + 8), "mem_lower");
        assertEquals(3072, ram.readU32(tags.get(3).at() + 12), "mem_upper");
    }

    @Test
    void theMemoryMapTagHas24ByteEntriesVersion0() throws Exception {
        long info = load(flatKernel(flatHeader()), "").registers().ebx();
        Tag mmap = tags(info).get(3);

        assertEquals(6, mmap.type());
        assertEquals(16 + 4 * 24, mmap.size());
        assertEquals(24, ram.readU32(mmap.at() + 8), "entry_size");
        assertEquals(0, ram.readU32(mmap.at() + 12), "entry_version");
        long[][] expected = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xf0000, 0x10000, 2}, {0x100000, 0x300000, 1}};
        for (int i = 0; i < expected.length; i++) {
            long e = mmap.at() + 16 + 24L * i;
            assertEquals(expected[i][0], ram.readU64(e));
            assertEquals(expected[i][1], ram.readU64(e + 8));
            assertEquals(expected[i][2], ram.readU32(e + 16));
            assertEquals(0, ram.readU32(e + 20), "reserved");
        }
    }

    @Test
    void aRequiredRequestForInformationUhvCannotGiveIsRefused() {
        byte[] image = flatKernel(new V2().tag(1, 0, 6, FRAMEBUFFER_INFO).address(0x100000, 0x100000, 0, 0)
                .entry(0x100000));

        String message = assertRefused(Reason.MULTIBOOT_UNSUPPORTED, () -> load(image, ""));

        assertEquals("this multiboot2 kernel requires framebuffer information (information request for tag type 8);"
                + " uhv gives the command line, boot loader name, modules, basic memory information and memory map",
                message);
    }

    @Test
    void optionalRequestsAndTagsAreIgnored() throws Exception {
        byte[] image = flatKernel(new V2().tag(1, 1, FRAMEBUFFER_INFO, 13).tag(5, 1, 1024, 768, 32)
                .tag(10, 1, 0x100000, 0x1000000, 0x1000, 0).address(0x100000, 0x100000, 0, 0).entry(0x100000));

        assertEquals(0x100000, load(image, "").entry());
    }

    @Test
    void aRequiredFramebufferTagIsRefused() {
        byte[] image = flatKernel(new V2().tag(5, 0, 1024, 768, 32).address(0x100000, 0x100000, 0, 0)
                .entry(0x100000));

        String message = assertRefused(Reason.MULTIBOOT_UNSUPPORTED, () -> load(image, ""));

        assertEquals("this multiboot2 kernel requires a framebuffer (framebuffer tag); uhv boots it as BIOS-less i386"
                + " protected mode only", message);
    }

    @Test
    void anotherArchitectureIsRefused() {
        assertRefused(Reason.MULTIBOOT_UNSUPPORTED, () -> load(flatKernel(flatHeader().architecture(4)), ""));
    }

    @Test
    void anAddressTagWithoutEntryTagIsRefused() {
        byte[] image = flatKernel(new V2().address(0x100000, 0x100000, 0, 0));

        assertRefused(Reason.BAD_MULTIBOOT_HEADER, () -> load(image, ""));
    }

    @Test
    void malformedHeadersAreRefused() {
        assertRefused(Reason.BAD_MULTIBOOT_HEADER, () -> load(flatKernel(flatHeader().headerLength(0x9000)), ""));
        assertRefused(Reason.BAD_MULTIBOOT_HEADER, () -> load(flatKernel(flatHeader().headerLength(24)), ""));
        byte[] tinyTag = with(new V2().entry(0x100000).build(), 20, MultibootImages.le(4));
        assertRefused(Reason.BAD_MULTIBOOT_HEADER, () -> load(with(new byte[0x100], 0, tinyTag), ""));
    }

    @Test
    void isFoundOnlyAt8ByteAlignedOffsetsWithinTheFirst32KiB() {
        byte[] header = new V2().build();
        assertEquals(0x7fe0, Multiboot2Header.find(with(new byte[0x8000], 0x7fe0, header)));
        assertEquals(-1, Multiboot2Header.find(with(new byte[0x9000], 0x8000, header)));
        assertEquals(-1, Multiboot2Header.find(with(new byte[0x100], 4, header)));
        assertEquals(ImageFormat.MULTIBOOT, ImageFormat.detect(with(new byte[0x8000], 0x7fe0, header)));
    }

    @Test
    void anElfKernelStartsAtItsEntryTagOrElseEEntry() throws Exception {
        // ElfBuilder puts one segment's bytes at file offset 0x54; 4 bytes of padding align the header to 8.
        byte[] plain = with(new byte[4], 4, new V2().build());
        byte[] withEntry = with(new byte[4], 4, new V2().entry(0x100040).build());

        assertEquals(0x100000, load(ElfBuilder.elf32().entry(0x100000).load(0x100000, plain, 0x100).build(), "")
                .entry());
        assertEquals(0x100040, load(ElfBuilder.elf32().entry(0xc0100000L).load(0x100000, withEntry, 0x100).build(), "")
                .entry(), "a higher-half e_entry does not matter when the entry tag says where to start");
    }

    @Test
    void anElf64KernelLoadsAsGrubLoadsIt() throws Exception {
        byte[] elf = new ElfBuilder().entry(0x100000).load(0x100000, new V2().build(), 0x100).build();

        LoadResult r = load(elf, "");

        assertEquals(0x36D76289L, r.registers().eax());
        assertTrue(r.is32Bit(), "entered in 32-bit protected mode all the same");
    }

    @Test
    void aV1HeaderWinsOverAV2HeaderAsQemuLooksForV1Only() throws Exception {
        byte[] both = with(flatKernel(flatHeader()), 0x200, MultibootImages.v1Kludge(0, 0x100200, 0x100000, 0, 0,
                0x100400));

        assertEquals(0x2BADB002L, load(both, "").registers().eax());
        assertEquals(ImageFormat.MULTIBOOT, ImageFormat.detect(with(new byte[0x100], 0, v1Header(0))));
    }
}
