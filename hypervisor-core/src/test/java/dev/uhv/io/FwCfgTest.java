package dev.uhv.io;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** fw_cfg through the port bus, as a guest reads it (docs/specs/fw_cfg.rst). */
class FwCfgTest {
    private static final long RAM = 96L << 20;

    private PortBus bus;

    @BeforeEach
    void setUp() {
        bus = new PortBus();
        bus.register(FwCfg.BASE, FwCfg.PORT_COUNT, new FwCfg(RAM, "console=ttyS0 quiet"));
    }

    private byte[] item(int selector, int length) {
        bus.write(0x510, 2, selector);
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) bus.read(0x511, 1);
        }
        return b;
    }

    private ByteBuffer le(int selector, int length) {
        return ByteBuffer.wrap(item(selector, length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void signatureThenZerosPastTheEnd() {
        assertEquals("QEMU\0\0", new String(item(0x0000, 6), US_ASCII));
    }

    @Test
    void idSaysTraditionalInterfaceWithoutDma() {
        assertEquals(1, le(0x0001, 4).getInt());
    }

    @Test
    void ramSizeCpusAndNoGraphics() {
        assertEquals(RAM, le(0x0003, 8).getLong());
        assertEquals(1, le(0x0004, 2).getShort());
        assertEquals(1, le(0x0005, 2).getShort(), "NB_CPUS");
        assertEquals(1, le(0x000f, 2).getShort(), "MAX_CPUS");
        assertArrayEquals(new byte[16], item(0x0002, 16), "UUID");
    }

    @Test
    void kernelCommandLineWithItsNul() {
        assertEquals(20, le(0x0014, 4).getInt());
        assertEquals("console=ttyS0 quiet\0\0", new String(item(0x0015, 21), US_ASCII));
    }

    @Test
    void fileDirectoryListsE820() {
        ByteBuffer dir = ByteBuffer.wrap(item(0x0019, 4 + 64 + 4)); // big-endian
        assertEquals(1, dir.getInt(), "count");
        assertEquals(20, dir.getInt(), "size");
        assertEquals(0x20, dir.getShort(), "select");
        assertEquals(0, dir.getShort(), "reserved");
        byte[] name = new byte[56];
        dir.get(name);
        assertEquals("etc/e820", new String(name, US_ASCII).replace("\0", ""));
        assertEquals(0, dir.getInt(), "past the end");
        ByteBuffer e820 = le(0x0020, 20);
        assertEquals(0, e820.getLong(), "address");
        assertEquals(RAM, e820.getLong(), "length");
        assertEquals(1, e820.getInt(), "type RAM");
    }

    @Test
    void unknownSelectorsReadZeroAndTheWriteChannelBitIsIgnored() {
        assertArrayEquals(new byte[4], item(0x0042, 4));
        assertArrayEquals(new byte[4], item(0x8003, 4), "no arch-local items");
        assertEquals("QEMU", new String(item(0x4000, 4), US_ASCII));
    }

    @Test
    void selectingRewinds() {
        item(0x0000, 2);
        assertEquals("QEMU", new String(item(0x0000, 4), US_ASCII));
    }

    @Test
    void theTwoPortsAreOneRegisterPairAndOnlyByteReadsAndWordSelectsCount() {
        bus.write(0x511, 2, 0x0000); // a word write selects at either port
        assertEquals('Q', bus.read(0x510, 1));
        assertEquals('E', bus.read(0x511, 1));
        assertEquals(0xffff, bus.read(0x511, 2), "word reads are refused");
        bus.write(0x511, 1, 0x55); // data writes are ignored
        bus.write(0x510, 4, 0x0001); // so are dword writes
        assertEquals('M', bus.read(0x511, 1));
    }
}
