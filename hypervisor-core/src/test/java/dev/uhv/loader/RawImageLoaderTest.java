package dev.uhv.loader;

import static dev.uhv.loader.LoaderAssertions.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawImageLoaderTest {
    private static final int RAM_SIZE = 0x10_0000;
    private final GuestMemory ram = GuestMemory.allocate(RAM_SIZE);

    @Test
    void copiesTheImageAtTheLoadAddress() throws Exception {
        byte[] image = {(byte) 0xf4, 0x12, 0x34, 0x56, 0x78};

        LoadResult result = RawImageLoader.load(image, ram, 0x7000, 0x7001);

        assertEquals(0, ram.readU8(0x6fff));
        assertEquals(0xf4, ram.readU8(0x7000));
        assertEquals(0x78563412L, ram.readU32(0x7001));
        assertEquals(0, ram.readU8(0x7005));
        assertEquals(new LoadResult(ImageFormat.RAW, 0x7001, 0x7000, 0x7005,
                List.of(new LoadedSegment(0x7000, 5, 5)), BootRegisters.NONE), result);
    }

    @Test
    void fillsRamExactlyToItsLastByte() throws Exception {
        LoadResult result = RawImageLoader.load(new byte[] {1, 2}, ram, RAM_SIZE - 2, RAM_SIZE - 1);

        assertEquals(2, ram.readU8(RAM_SIZE - 1));
        assertEquals(RAM_SIZE, result.endAddress());
    }

    @Test
    void refusesAnImageThatRunsPastTheEndOfRam() {
        byte[] image = new byte[0x100];
        image[0] = 1;

        String message = assertRefused(Reason.IMAGE_OUTSIDE_RAM,
                () -> RawImageLoader.load(image, ram, RAM_SIZE - 0x80, RAM_SIZE - 0x80));

        assertEquals("raw image of 0x100 bytes at 0xfff80 does not fit in guest RAM (1 MiB = 0x100000):"
                + " give more --mem or load it lower", message);
        assertEquals(0, ram.readU8(RAM_SIZE - 0x80), "nothing may be written");
    }

    @Test
    void refusesANegativeLoadAddress() {
        assertRefused(Reason.IMAGE_OUTSIDE_RAM, () -> RawImageLoader.load(new byte[4], ram, -1, 0));
    }

    @Test
    void refusesAnEntryOutsideRam() {
        String message = assertRefused(Reason.ENTRY_OUTSIDE_RAM,
                () -> RawImageLoader.load(new byte[] {9}, ram, 0x1000, RAM_SIZE));

        assertTrue(message.contains("0x100000"), message);
        assertEquals(0, ram.readU8(0x1000), "nothing may be written");
    }

    @Test
    void refusesAnEmptyImage() {
        assertRefused(Reason.EMPTY_IMAGE, () -> RawImageLoader.load(new byte[0], ram, 0, 0));
    }
}
