package dev.uhv.io.apic;

import java.util.Arrays;

/**
 * 256 bits, one per interrupt vector: the layout of the APIC's IRR, ISR and TMR, which software
 * reads as eight 32-bit words, vectors 0-31 in word 0 (SDM Vol. 3A, 10.8.4, Figure 10-20).
 */
final class VectorSet {
    static final int WORDS = 8;

    private final int[] words = new int[WORDS];

    void set(int vector) {
        words[vector >>> 5] |= 1 << (vector & 31);
    }

    void clear(int vector) {
        words[vector >>> 5] &= ~(1 << (vector & 31));
    }

    /** The highest vector set, or -1. */
    int highest() {
        for (int w = WORDS - 1; w >= 0; w--) {
            if (words[w] != 0) {
                return w * 32 + 31 - Integer.numberOfLeadingZeros(words[w]);
            }
        }
        return -1;
    }

    int word(int index) {
        return words[index];
    }

    void clearAll() {
        Arrays.fill(words, 0);
    }
}
