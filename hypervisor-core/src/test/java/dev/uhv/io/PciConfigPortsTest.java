package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Configuration mechanism #1 on an empty bus, through the port bus as a guest reaches it. */
class PciConfigPortsTest {
    private PortBus bus;
    private int resets;

    @BeforeEach
    void setUp() {
        bus = new PortBus();
        bus.register(PciConfigPorts.BASE, PciConfigPorts.PORT_COUNT,
                new PciConfigPorts(new ResetControlRegister(() -> resets++)));
    }

    @Test
    void configAddressIsReadableBackWithItsReservedBitsZero() {
        assertEquals(0, bus.read(0xcf8, 4));
        bus.write(0xcf8, 4, 0x8000_0000);
        assertEquals(0x8000_0000, bus.read(0xcf8, 4));
        bus.write(0xcf8, 4, 0xffff_ffff);
        assertEquals(0x80ff_fffc, bus.read(0xcf8, 4));
    }

    @Test
    void byteAndWordAccessesToCf8AreNotConfigAddress() {
        bus.write(0xcf8, 4, 0x8000_1234);
        bus.write(0xcf8, 1, 0);
        bus.write(0xcf8, 2, 0);
        assertEquals(0x8000_1234, bus.read(0xcf8, 4));
        assertEquals(0xff, bus.read(0xcf8, 1));
        assertEquals(0xffff, bus.read(0xcf8, 2));
    }

    @Test
    void configDataReadsAllOnesAtEveryWidthAndPort() {
        bus.write(0xcf8, 4, 0x8000_0000);
        assertEquals(0xffff_ffff, bus.read(0xcfc, 4));
        assertEquals(0xffff, bus.read(0xcfe, 2));
        for (int port = 0xcfc; port <= 0xcff; port++) {
            assertEquals(0xff, bus.read(port, 1));
        }
        bus.write(0xcfc, 4, 0x1234_5678);
        assertEquals(0xffff_ffff, bus.read(0xcfc, 4), "writes are dropped");
        assertEquals(0x8000_0000, bus.read(0xcf8, 4));
    }

    @Test
    void resetControlRegisterAtCf9() {
        bus.write(0xcf9, 1, 0x02);
        assertEquals(0x02, bus.read(0xcf9, 1));
        assertEquals(0, resets);
        bus.write(0xcf9, 1, 0x06);
        assertEquals(1, resets, "bit 2 resets the CPU");
        bus.write(0xcf8, 2, 0x0600);
        assertEquals(1, resets, "only a byte access reaches the register");
    }
}
