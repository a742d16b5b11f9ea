package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The a.out kludge fields / multiboot2 address tag (Multiboot 3.1.3, Multiboot2 3.1.5) and QEMU's checks. */
class MultibootAddressesTest {
    private final GuestMemory ram = GuestMemory.allocate(0x40_0000);

    /** 0x3000 bytes, each the low byte of its file offset / 16. */
    private static byte[] file() {
        byte[] f = new byte[0x3000];
        for (int i = 0; i < f.length; i++) {
            f[i] = (byte) (i >> 4);
        }
        return f;
    }

    @Test
    void theFileOffsetOfLoadAddrIsTheHeadersOffsetLessHeaderAddrMinusLoadAddr() throws Exception {
        // The header is at file offset 0x1040 and address 0x200040: the bytes from file offset 0x1000
        // land at 0x200000, up to load_end_addr 0x200800; then bss to 0x201000.
        ram.fill(0x200000, 0x2000, (byte) 0xaa);
        MultibootAddresses a = new MultibootAddresses(0x200040, 0x200000, 0x200800, 0x201000);

        LoadedSegment s = a.load(file(), 0x1040, ram);

        assertEquals(new LoadedSegment(0x200000, 0x800, 0x1000), s);
        assertEquals(0x00, ram.readU8(0x200000), "file offset 0x1000");
        assertEquals(0x7f, ram.readU8(0x2007ff), "file offset 0x17ff");
        for (long at = 0x200800; at < 0x201000; at += 0x100) {
            assertEquals(0, ram.readU8(at), "bss zeroed at 0x" + Long.toHexString(at));
        }
        assertEquals(0, ram.readU8(0x200fff));
        assertEquals(0xaa, ram.readU8(0x201000), "nothing past bss_end_addr");
    }

    @Test
    void loadEndAddrZeroLoadsToTheEndOfTheFileAndBssEndZeroMeansNoBss() throws Exception {
        MultibootAddresses a = new MultibootAddresses(0x100000, 0x100000, 0, 0);

        LoadedSegment s = a.load(file(), 0, ram);

        assertEquals(new LoadedSegment(0x100000, 0x3000, 0x3000), s);
        assertEquals(0xff, ram.readU8(0x100fff), "file offset 0xfff");
        assertEquals(0xff, ram.readU8(0x102fff), "the last byte of the file (0x2fff >> 4, low byte)");
    }

    @Test
    void headerAddrBelowLoadAddrIsRefused() {
        String message = assertRefused(Reason.BAD_MULTIBOOT_HEADER,
                () -> new MultibootAddresses(0xfff00, 0x100000, 0, 0).load(file(), 0, ram));

        assertEquals("bad multiboot address fields: header_addr 0xfff00 is below load_addr 0x100000", message);
    }

    @Test
    void loadAddrBeforeTheStartOfTheFileIsRefused() {
        assertRefused(Reason.BAD_MULTIBOOT_HEADER,
                () -> new MultibootAddresses(0x100100, 0x100000, 0, 0).load(file(), 0x80, ram));
    }

    @Test
    void loadEndAddrBelowLoadAddrOrPastTheFileIsRefused() {
        assertRefused(Reason.BAD_MULTIBOOT_HEADER,
                () -> new MultibootAddresses(0x100000, 0x100000, 0xfffff, 0).load(file(), 0, ram));
        String message = assertRefused(Reason.BAD_MULTIBOOT_HEADER,
                () -> new MultibootAddresses(0x100000, 0x100000, 0x104000, 0).load(file(), 0, ram));
        assertEquals("bad multiboot address fields: load_addr..load_end_addr (0x4000 bytes from file offset 0x0) runs"
                + " past the end of the file (0x3000 bytes): the file is truncated", message);
    }

    @Test
    void bssEndBelowTheLoadedBytesIsRefused() {
        assertRefused(Reason.BAD_MULTIBOOT_HEADER,
                () -> new MultibootAddresses(0x100000, 0x100000, 0x101000, 0x100800).load(file(), 0, ram));
    }

    @Test
    void aKernelOutsideRamIsRefusedAndNothingIsWritten() {
        byte[] before = new byte[0x100];
        String message = assertRefused(Reason.SEGMENT_OUTSIDE_RAM,
                () -> new MultibootAddresses(0x3ff000, 0x3ff000, 0, 0x500000).load(file(), 0, ram));

        assertEquals("the multiboot kernel loads at 0x3ff000..0x500000 (load_addr..bss_end_addr), outside guest RAM"
                + " (4 MiB = 0x400000): give more --mem", message);
        byte[] after = new byte[0x100];
        ram.read(0x3ff000, after, 0, after.length);
        assertEquals(Arrays.toString(before), Arrays.toString(after));
    }
}
