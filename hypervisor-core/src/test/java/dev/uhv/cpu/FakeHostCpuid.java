package dev.uhv.cpu;

import java.util.HashMap;
import java.util.Map;

/** A host whose every leaf returns fixed registers: all bits set unless a leaf is overridden. */
final class FakeHostCpuid implements HostCpuid {
    private static final CpuidResult ALL_ONES = new CpuidResult(-1, -1, -1, -1);

    private final Map<Long, CpuidResult> leaves = new HashMap<>();

    /** Sets leaf/subleaf to the given registers. */
    FakeHostCpuid set(int leaf, int subleaf, int eax, int ebx, int ecx, int edx) {
        leaves.put(key(leaf, subleaf), new CpuidResult(eax, ebx, ecx, edx));
        return this;
    }

    @Override
    public CpuidResult query(int leaf, int subleaf) {
        return leaves.getOrDefault(key(leaf, subleaf), ALL_ONES);
    }

    private static long key(int leaf, int subleaf) {
        return ((long) leaf << 32) | Integer.toUnsignedLong(subleaf);
    }
}
