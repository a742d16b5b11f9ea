package dev.uhv.linux;

import com.sun.jna.Native;

/**
 * The host CPU's cpuid, xgetbv and rdtsc, run by native/src/lib/hostcpu.c in libuhv (JNA direct
 * mapping). No logic beyond the call.
 */
public final class HostCpu {
    static {
        Native.register(HostCpu.class, "uhv");
    }

    private HostCpu() {
    }

    /** Runs cpuid with eax = leaf, ecx = subleaf; returns {eax, ebx, ecx, edx}. */
    public static int[] cpuid(int leaf, int subleaf) {
        int[] out = new int[4];
        uhv_host_cpuid(leaf, subleaf, out);
        return out;
    }

    /** Reads XCR xcr. Only call it when the host has CPUID.1:ECX.OSXSAVE, or the process gets #UD. */
    public static long xgetbv(int xcr) {
        return uhv_host_xgetbv(xcr);
    }

    public static long rdtsc() {
        return uhv_host_rdtsc();
    }

    private static native void uhv_host_cpuid(int leaf, int subleaf, int[] out);

    private static native long uhv_host_xgetbv(int xcr);

    private static native long uhv_host_rdtsc();
}
