package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BochsShutdownPortTest {
    private BochsShutdownPort port;
    private int shutdowns;

    @BeforeEach
    void setUp() {
        port = new BochsShutdownPort(() -> shutdowns++);
    }

    private void send(String s) {
        for (char c : s.toCharArray()) {
            port.write(0, 1, c);
        }
    }

    @Test
    void theWholeStringShutsDown() {
        send("Shutdow");
        assertEquals(0, shutdowns);
        send("n");
        assertEquals(1, shutdowns);
        send("Shutdown");
        assertEquals(2, shutdowns, "the match starts over after a shutdown");
    }

    @Test
    void anyOtherByteStartsTheMatchOver() {
        send("ShutXdown");
        send("shutdown");
        send("Shut");
        send("Shutdown"); // the 'S' that broke the match does not begin a new one, as in Bochs
        assertEquals(0, shutdowns);
        send("Shutdown");
        assertEquals(1, shutdowns);
    }

    @Test
    void wideWritesUseTheLowByteAndReadsFloat() {
        for (char c : "Shutdown".toCharArray()) {
            port.write(0, 2, 0x4100 | c);
        }
        assertEquals(1, shutdowns);
        assertEquals(0xffff_ffff, port.read(0, 4));
    }
}
