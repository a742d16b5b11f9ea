package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class I8042Test {
    private static final int OUTPUT_FULL = 0x01, SYSTEM = 0x04, LAST_WAS_COMMAND = 0x08, MOUSE_DATA = 0x20;

    private PortBus bus;
    private int resets;

    @BeforeEach
    void setUp() {
        bus = new PortBus();
        I8042 kbc = new I8042(() -> resets++);
        bus.register(I8042.DATA_PORT, 1, kbc.dataPort());
        bus.register(I8042.COMMAND_PORT, 1, kbc.commandPort());
    }

    private int status() {
        return bus.read(0x64, 1);
    }

    private int command(int c) {
        bus.write(0x64, 1, c);
        return bus.read(0x60, 1);
    }

    @Test
    void afterPostNothingIsPendingAndTheSystemFlagIsSet() {
        assertEquals(0x14, status());
    }

    @Test
    void selfTestAnswers55() {
        bus.write(0x64, 1, 0xaa);
        assertEquals(SYSTEM | LAST_WAS_COMMAND | OUTPUT_FULL, status() & 0x0f);
        assertEquals(0x55, bus.read(0x60, 1));
        assertEquals(0, status() & OUTPUT_FULL);
        assertEquals(0x55, bus.read(0x60, 1), "an empty buffer reads its last byte again");
    }

    @Test
    void commandByteReadAndWriteThroughPort60() {
        assertEquals(0x61, command(0x20));
        bus.write(0x64, 1, 0x60);
        bus.write(0x60, 1, 0x47);
        assertEquals(0, status() & LAST_WAS_COMMAND);
        assertEquals(0x47, command(0x20));
    }

    @Test
    void disableAndEnableTheKeyboardAndMousePorts() {
        bus.write(0x64, 1, 0xad);
        assertEquals(0x71, command(0x20));
        bus.write(0x64, 1, 0xae);
        bus.write(0x64, 1, 0xa8);
        assertEquals(0x41, command(0x20));
        bus.write(0x64, 1, 0xa7);
        assertEquals(0x61, command(0x20));
    }

    @Test
    void portTestsAndPortReads() {
        assertEquals(0x00, command(0xab));
        assertEquals(0x00, command(0xa9));
        assertEquals(0x80, command(0xc0));
        assertEquals(0xcf, command(0xd0));
        bus.write(0x64, 1, 0xdd);
        assertEquals(0xcd, command(0xd0), "A20 off");
        bus.write(0x64, 1, 0xdf);
        assertEquals(0xcf, command(0xd0));
    }

    @Test
    void echoedBytesArriveAsKeyboardOrMouseData() {
        bus.write(0x64, 1, 0xd2);
        bus.write(0x60, 1, 0x1c);
        assertEquals(OUTPUT_FULL, status() & (OUTPUT_FULL | MOUSE_DATA));
        assertEquals(0x1c, bus.read(0x60, 1));
        bus.write(0x64, 1, 0xd3);
        bus.write(0x60, 1, 0x08);
        assertEquals(OUTPUT_FULL | MOUSE_DATA, status() & (OUTPUT_FULL | MOUSE_DATA));
        assertEquals(0x08, bus.read(0x60, 1));
        assertEquals(0, status() & (OUTPUT_FULL | MOUSE_DATA));
    }

    @Test
    void bytesForTheKeyboardGoNowhere() {
        bus.write(0x60, 1, 0xff); // keyboard reset: no keyboard answers
        bus.write(0x64, 1, 0xd4);
        bus.write(0x60, 1, 0xf4); // to the mouse
        assertEquals(0, status() & OUTPUT_FULL);
        assertEquals(0, resets);
    }

    @Test
    void commandFePulsesTheResetLine() {
        bus.write(0x64, 1, 0xfe);
        assertEquals(1, resets);
    }

    @ParameterizedTest
    @ValueSource(ints = {0xf0, 0xf2, 0xfc})
    void anyPulseOfOutputBit0Resets(int command) {
        bus.write(0x64, 1, command);
        assertEquals(1, resets);
    }

    @ParameterizedTest
    @ValueSource(ints = {0xff, 0xf1, 0xfd})
    void pulsesThatLeaveBit0AloneDoNot(int command) {
        bus.write(0x64, 1, command);
        assertEquals(0, resets);
    }

    @Test
    void writingTheOutputPortWithBit0ClearResets() {
        bus.write(0x64, 1, 0xd1);
        bus.write(0x60, 1, 0xdf); // A20 on, not in reset
        assertEquals(0, resets);
        assertEquals(0xdf, command(0xd0));
        bus.write(0x64, 1, 0xd1);
        bus.write(0x60, 1, 0xde);
        assertEquals(1, resets);
    }
}
