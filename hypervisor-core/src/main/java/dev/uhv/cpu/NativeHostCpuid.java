package dev.uhv.cpu;

import dev.uhv.linux.HostCpu;

/** The real host's cpuid instruction, run through libuhv. */
public final class NativeHostCpuid implements HostCpuid {

    @Override
    public CpuidResult query(int leaf, int subleaf) {
        int[] r = HostCpu.cpuid(leaf, subleaf);
        return new CpuidResult(r[0], r[1], r[2], r[3]);
    }
}
