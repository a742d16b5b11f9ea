package dev.uhv.cpu;

/** 48-bit canonical addresses (SDM Vol. 1, 3.3.7.1): bits 63:47 all equal. */
public final class Canonical {
    private Canonical() {
    }

    public static boolean isCanonical(long address) {
        return (address << 16) >> 16 == address;
    }
}
