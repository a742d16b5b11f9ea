package dev.uhv.scan;

import java.util.BitSet;

/** What the scanner found in one guest page: where instructions start and which bytes they cover. */
public final class PageCode {
    private final long base;
    private final BitSet starts = new BitSet(CodeScanner.PAGE_SIZE);
    private final BitSet covered = new BitSet(CodeScanner.PAGE_SIZE);

    public PageCode(long base) {
        this.base = base;
    }

    public long base() {
        return base;
    }

    public boolean contains(long address) {
        return address >= base && address < base + CodeScanner.PAGE_SIZE;
    }

    /** Whether an instruction starts at address (an address of this page). */
    public boolean isStart(long address) {
        return starts.get((int) (address - base));
    }

    /** Whether some instruction found covers the byte at address (an address of this page). */
    public boolean isDecoded(long address) {
        return covered.get((int) (address - base));
    }

    /**
     * Records an instruction of length bytes at address unless it would overlap one found before
     * (within this page; its tail may run into the next); returns whether it did.
     */
    boolean claim(long address, int length) {
        int from = (int) (address - base);
        int to = Math.min(from + length, CodeScanner.PAGE_SIZE);
        if (covered.nextSetBit(from) >= 0 && covered.nextSetBit(from) < to) {
            return false;
        }
        starts.set(from);
        covered.set(from, to);
        return true;
    }

    /** How many instructions start in this page. */
    public int instructions() {
        return starts.cardinality();
    }
}
