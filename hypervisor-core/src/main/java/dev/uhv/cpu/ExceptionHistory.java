package dev.uhv.cpu;

import java.util.ArrayList;
import java.util.List;

/** The last exceptions the virtual CPU raised, oldest first; a fixed-size ring. */
public final class ExceptionHistory {
    public static final int SIZE = 16;

    private final ExceptionRecord[] ring = new ExceptionRecord[SIZE];
    private long count;

    public void add(ExceptionRecord r) {
        ring[(int) (count++ % SIZE)] = r;
    }

    /** How many were raised in all (not only those kept). */
    public long count() {
        return count;
    }

    public List<ExceptionRecord> last() {
        List<ExceptionRecord> out = new ArrayList<>(SIZE);
        for (long i = Math.max(0, count - SIZE); i < count; i++) {
            out.add(ring[(int) (i % SIZE)]);
        }
        return out;
    }
}
