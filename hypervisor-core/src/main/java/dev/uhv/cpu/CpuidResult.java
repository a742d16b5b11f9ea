package dev.uhv.cpu;

/** What cpuid leaves in eax, ebx, ecx and edx. */
public record CpuidResult(int eax, int ebx, int ecx, int edx) {

    /** An unsupported or unmodelled leaf. */
    public static final CpuidResult ZERO = new CpuidResult(0, 0, 0, 0);
}
