package dev.uhv.gdb;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class RspConnectionTest {
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    private RspConnection from(String incoming) {
        return new RspConnection(new ByteArrayInputStream(incoming.getBytes(StandardCharsets.ISO_8859_1)), sent,
                () -> { });
    }

    private String sent() {
        return sent.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void acknowledgesAnIntactPacketAndSkipsAcks() throws IOException {
        RspConnection c = from("+$qSupported:swbreak+#" + String.format("%02x",
                PacketCodec.checksum("qSupported:swbreak+")));
        assertEquals(new RspConnection.Packet("qSupported:swbreak+"), c.read());
        assertEquals("+", sent());
        assertInstanceOf(RspConnection.Closed.class, c.read());
    }

    @Test
    void asksAgainForADamagedPacketAndTakesTheResend() throws IOException {
        RspConnection c = from("$g#00$g#67");
        assertEquals(new RspConnection.Packet("g"), c.read());
        assertEquals("-+", sent(), "a nack for the bad checksum, then an ack");
    }

    @Test
    void theInterruptByteArrivesOutsidePackets() throws IOException {
        RspConnection c = from("\u0003$?#3f");
        assertInstanceOf(RspConnection.Interrupt.class, c.read());
        assertEquals(new RspConnection.Packet("?"), c.read());
    }

    @Test
    void undoesEscapes() throws IOException {
        String wire = PacketCodec.escape("X1000,1:#");
        RspConnection c = from("$" + wire + String.format("#%02x", PacketCodec.checksum(wire)));
        assertEquals(new RspConnection.Packet("X1000,1:#"), c.read());
    }

    @Test
    void sendsFramedPacketsAndResendsTheLastOnANack() throws IOException {
        RspConnection c = from("-");
        c.send("OK");
        assertInstanceOf(RspConnection.Closed.class, c.read());
        assertEquals("$OK#9a$OK#9a", sent());
    }

    @Test
    void noAckModeNeitherAcknowledgesNorChecks() throws IOException {
        RspConnection c = from("$g#00-");
        c.startNoAckMode();
        c.send("OK");
        assertEquals(new RspConnection.Packet("g"), c.read());
        assertInstanceOf(RspConnection.Closed.class, c.read());
        assertEquals("$OK#9a", sent(), "no ack, and no resend on '-'");
    }
}
