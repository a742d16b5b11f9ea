package dev.uhv.gdb;

import dev.uhv.emulate.ExitReason;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GdbConfigTest {
    @Test
    void qemuStyleSpecifications() {
        assertEquals(new GdbConfig("127.0.0.1", 1234, false), GdbConfig.parse("tcp::1234", false));
        assertEquals(new GdbConfig("127.0.0.1", 1234, true), GdbConfig.parse(":1234", true));
        assertEquals(new GdbConfig("127.0.0.1", 0, false), GdbConfig.parse("0", false));
        assertEquals(new GdbConfig("0.0.0.0", 9000, false), GdbConfig.parse("tcp:0.0.0.0:9000", false));
        assertEquals(new GdbConfig("::1", 9000, false), GdbConfig.parse("tcp:[::1]:9000", false));
    }

    @Test
    void badSpecificationsSayWhatIsExpected() {
        assertEquals("expected tcp:HOST:PORT, tcp::PORT or :PORT",
                assertThrows(IllegalArgumentException.class, () -> GdbConfig.parse("tcp:host:", false)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> GdbConfig.parse("unix:/tmp/x", false));
        assertEquals("port 70000 is not a TCP port (0..65535; 0 takes a free one)",
                assertThrows(IllegalArgumentException.class, () -> GdbConfig.parse(":70000", false)).getMessage());
    }

    @Test
    void howTheRunsEndReachGdb() {
        assertEquals("W05", GdbServer.exitPacket(ExitReason.DEBUG_EXIT, 5));
        assertEquals("W00", GdbServer.exitPacket(ExitReason.HALTED, 0));
        assertEquals("X0b", GdbServer.exitPacket(ExitReason.TRIPLE_FAULT, 4));
        assertEquals("X04", GdbServer.exitPacket(ExitReason.UNHANDLED_INSTRUCTION, 6));
        assertEquals("X09", GdbServer.exitPacket(ExitReason.TIMEOUT, 8));
    }
}
