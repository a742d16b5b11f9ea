package dev.uhv.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DecodeCacheTest {

    private static final int ENTRIES = 16;
    private static final byte[] MOV_TO_CR0 = Hex.bytes("0f 22 c0 90 90");
    private static final byte[] MOV_FROM_CR0 = Hex.bytes("0f 20 c0 90 90");
    private static final byte[] HLT = Hex.bytes("f4 90");

    private final DecodeCache cache = new DecodeCache(Decoder.forMode(MachineMode.LONG_64), ENTRIES);

    @Test
    void unchangedBytesAtTheSameAddressHitTheSameInstance() throws UndecodableException {
        DecodedInstruction first = cache.decode(0x1000, MOV_TO_CR0, MOV_TO_CR0.length);
        DecodedInstruction second = cache.decode(0x1000, MOV_TO_CR0.clone(), MOV_TO_CR0.length);
        assertSame(first, second);
        assertEquals(1, cache.hits());
        assertEquals(1, cache.misses());
        assertEquals(List.of(new Operand.Reg(Register.CR0, 64), new Operand.Reg(Register.RAX, 64)), first.operands());
    }

    @Test
    void bytesAfterTheInstructionDoNotMatter() throws UndecodableException {
        DecodedInstruction first = cache.decode(0x1000, MOV_TO_CR0, MOV_TO_CR0.length);
        byte[] otherTail = Hex.bytes("0f 22 c0 cc");
        assertSame(first, cache.decode(0x1000, otherTail, otherTail.length));
        assertEquals(1, cache.hits());
    }

    @Test
    void changedBytesAtTheSameAddressDecodeAgain() throws UndecodableException {
        cache.decode(0x1000, MOV_TO_CR0, MOV_TO_CR0.length);
        DecodedInstruction rewritten = cache.decode(0x1000, MOV_FROM_CR0, MOV_FROM_CR0.length);
        assertEquals(new Operand.Reg(Register.RAX, 64), rewritten.operand(0));
        assertEquals(new Operand.Reg(Register.CR0, 64), rewritten.operand(1));
        assertEquals(0, cache.hits());
        assertEquals(2, cache.misses());
        assertSame(rewritten, cache.decode(0x1000, MOV_FROM_CR0, MOV_FROM_CR0.length));
    }

    @Test
    void anotherAddressWithTheSameIndexEvicts() throws UndecodableException {
        long address = 0x1003;
        long alias = address + ENTRIES;
        DecodedInstruction mov = cache.decode(address, MOV_TO_CR0, MOV_TO_CR0.length);
        DecodedInstruction hlt = cache.decode(alias, HLT, HLT.length);
        assertEquals(Mnemonic.HLT, hlt.mnemonic());
        DecodedInstruction movAgain = cache.decode(address, MOV_TO_CR0, MOV_TO_CR0.length);
        assertNotSame(mov, movAgain);
        assertEquals(mov, movAgain);
        assertEquals(0, cache.hits());
        assertEquals(3, cache.misses());
    }

    @Test
    void fewerAvailableBytesThanTheCachedInstructionIsNoHit() throws UndecodableException {
        cache.decode(0x1000, MOV_TO_CR0, MOV_TO_CR0.length);
        UndecodableException e = assertThrows(UndecodableException.class, () -> cache.decode(0x1000, MOV_TO_CR0, 2));
        assertTrue(e.isTruncated());
        assertEquals(0, cache.hits());
    }

    @Test
    void aFailedDecodeKeepsTheOldEntry() throws UndecodableException {
        DecodedInstruction mov = cache.decode(0x1000, MOV_TO_CR0, MOV_TO_CR0.length);
        byte[] invalid = Hex.bytes("0f 04");
        assertThrows(UndecodableException.class, () -> cache.decode(0x1000, invalid, invalid.length));
        assertSame(mov, cache.decode(0x1000, MOV_TO_CR0, MOV_TO_CR0.length));
    }

    @Test
    void invalidateAllForgetsEveryEntry() throws UndecodableException {
        DecodedInstruction first = cache.decode(0x1000, MOV_TO_CR0, MOV_TO_CR0.length);
        cache.invalidateAll();
        assertNotSame(first, cache.decode(0x1000, MOV_TO_CR0, MOV_TO_CR0.length));
        assertEquals(0, cache.hits());
        assertEquals(2, cache.misses());
    }

    @Test
    void entriesMustBeAPowerOfTwo() {
        Decoder decoder = Decoder.forMode(MachineMode.LONG_64);
        assertThrows(IllegalArgumentException.class, () -> new DecodeCache(decoder, 0));
        assertThrows(IllegalArgumentException.class, () -> new DecodeCache(decoder, 12));
        assertThrows(IllegalArgumentException.class, () -> new DecodeCache(decoder, -16));
    }
}
