package dev.uhv.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UndecodableTest {

    private final Decoder decoder = Decoder.forMode(MachineMode.LONG_64);

    @Test
    void invalidOpcodeNamesTheBytesAndTheStatus() {
        UndecodableException e = assertThrows(UndecodableException.class, () -> decoder.decode(Hex.bytes("0f 04"), 2));
        assertEquals("0f 04: no instruction (ZYDIS_STATUS_DECODING_ERROR)", e.getMessage());
        assertEquals("ZYDIS_STATUS_DECODING_ERROR", e.statusName());
        assertFalse(e.isTruncated());
        assertArrayEquals(Hex.bytes("0f 04"), e.bytes());
    }

    @Test
    void lengthCutsTheInstructionShort() {
        byte[] movToCr0 = Hex.bytes("0f 22 c0");
        UndecodableException e = assertThrows(UndecodableException.class, () -> decoder.decode(movToCr0, 2));
        assertEquals("0f 22: truncated instruction (ZYDIS_STATUS_NO_MORE_DATA)", e.getMessage());
        assertTrue(e.isTruncated());
        assertArrayEquals(Hex.bytes("0f 22"), e.bytes());
    }

    @Test
    void noBytesAtAll() {
        UndecodableException e = assertThrows(UndecodableException.class, () -> decoder.decode(new byte[4], 0));
        assertEquals("(no bytes): truncated instruction (ZYDIS_STATUS_NO_MORE_DATA)", e.getMessage());
    }

    @Test
    void lockOnAnInstructionThatCannotBeLocked() {
        UndecodableException e = assertThrows(UndecodableException.class, () -> decoder.decode(Hex.bytes("f0 90"), 2));
        assertEquals("ZYDIS_STATUS_ILLEGAL_LOCK", e.statusName());
    }

    @Test
    void moreThanFifteenBytesOfPrefixesIsTooLong() {
        byte[] prefixes = Hex.bytes("66".repeat(16) + "90");
        UndecodableException e = assertThrows(UndecodableException.class, () -> decoder.decode(prefixes, prefixes.length));
        assertEquals("ZYDIS_STATUS_INSTRUCTION_TOO_LONG", e.statusName());
        assertFalse(e.isTruncated());
        assertEquals(Decoder.MAX_INSTRUCTION_LENGTH, e.bytes().length);
    }

    @Test
    void lengthBeyondTheArrayIsAProgrammingError() {
        assertThrows(IndexOutOfBoundsException.class, () -> decoder.decode(new byte[2], 3));
        assertThrows(IndexOutOfBoundsException.class, () -> decoder.decode(new byte[2], -1));
    }
}
