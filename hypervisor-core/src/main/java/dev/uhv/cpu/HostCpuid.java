package dev.uhv.cpu;

/** The host CPU's cpuid, behind an interface so the CPUID model can be tested with fixed values. */
@FunctionalInterface
public interface HostCpuid {

    /** Runs cpuid with eax = leaf and ecx = subleaf. */
    CpuidResult query(int leaf, int subleaf);
}
