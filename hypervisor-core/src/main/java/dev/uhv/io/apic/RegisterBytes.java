package dev.uhv.io.apic;

import java.util.function.LongToIntFunction;

/** Narrow or misaligned MMIO reads of the APICs: the bytes the access covers, little-endian. */
final class RegisterBytes {

    private RegisterBytes() {
    }

    /** size bytes from offset, each from byteAt (a value 0..0xff). */
    static long read(LongToIntFunction byteAt, long offset, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = value << 8 | byteAt.applyAsInt(offset + i);
        }
        return value;
    }
}
