package dev.uhv.scan;

/**
 * How uhv sees the sensitive instructions that do not fault at the host's CPL3 (cpuid where the CPU
 * has no CPUID faulting, pushf/popf, sgdt/sidt/sldt/str/smsw, reads of segment registers), from
 * --sensitive.
 */
public enum SensitiveMode {
    /** Hardware CPUID faulting where the host has it, the code scanner for everything else. */
    AUTO,
    /** Hardware CPUID faulting only: cpuid where the host supports it, nothing else. */
    FAULT,
    /** The code scanner for all of them, cpuid included, whatever the hardware offers. */
    PATCH,
    /** Neither: they run natively and show the host's values. */
    OFF;

    /** Whether the child asks the kernel for CPUID faulting. */
    public boolean requestsCpuidFaulting() {
        return this == AUTO || this == FAULT;
    }

    /** Whether guest pages start non-executable and are scanned before they run. */
    public boolean scans() {
        return this == AUTO || this == PATCH;
    }

    /** Whether the scanner patches cpuid too, given whether the child got CPUID faulting. */
    public boolean patchesCpuid(boolean cpuidFaulting) {
        return this == PATCH || (this == AUTO && !cpuidFaulting);
    }

    public String label() {
        return name().toLowerCase();
    }
}
