package dev.uhv.gdb;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PacketCodecTest {
    @Test
    void checksumIsTheByteSumModulo256() {
        assertEquals(0x9a, PacketCodec.checksum("OK"));
        assertEquals(0, PacketCodec.checksum(""));
        assertEquals(("qSupported".chars().sum()) & 0xff, PacketCodec.checksum("qSupported"));
    }

    @Test
    void framesWithDollarHashAndTwoLowercaseDigits() {
        assertEquals("$OK#9a", new String(PacketCodec.frame("OK"), StandardCharsets.ISO_8859_1));
        assertEquals("$#00", new String(PacketCodec.frame(""), StandardCharsets.ISO_8859_1));
    }

    @Test
    void escapesTheFourSpecialBytesAndTheChecksumCoversTheEscapedForm() {
        String payload = "a#b$c}d*e";
        String wire = PacketCodec.escape(payload);
        assertEquals("a}\u0003b}\u0004c}]d}\ne", wire);
        assertEquals(payload, PacketCodec.unescape(wire));
        String framed = new String(PacketCodec.frame(payload), StandardCharsets.ISO_8859_1);
        assertEquals("$" + wire + String.format("#%02x", PacketCodec.checksum(wire)), framed);
    }

    @Test
    void binaryBytesPassUnchanged() {
        String binary = "\u0000\u00ff\u0080\u0003";
        assertEquals(binary, PacketCodec.unescape(PacketCodec.escape(binary)));
    }

    @Test
    void hexHelpers() {
        StringBuilder out = new StringBuilder();
        Hex.appendLittleEndian(out, 0x1122334455667788L, 8);
        assertEquals("8877665544332211", out.toString());
        assertEquals(0x1122334455667788L, Hex.littleEndian(out.toString(), 0, 8));
        out.setLength(0);
        Hex.appendLittleEndian(out, -1, 10);
        assertEquals("ffffffffffffffff0000", out.toString(), "beyond 8 bytes: zeros");
        assertEquals(0x100000L, Hex.number("100000"));
        assertEquals("696e666f", Hex.text("info"));
        assertEquals("info", Hex.decodeText("696e666f"));
    }
}
