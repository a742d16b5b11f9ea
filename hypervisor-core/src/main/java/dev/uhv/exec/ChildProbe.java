package dev.uhv.exec;

import dev.uhv.linux.HostSystem;
import dev.uhv.memory.SharedRam;
import dev.uhv.scan.PageProtector;

/**
 * Starts a guest process with a little RAM and stops it again, on each transport, to learn whether
 * this host lets uhv run it and which instructions it can make fault (for `uhv doctor`).
 *
 * @param error          why the child could not start under ptrace, or null
 * @param cpuidFaulting  arch_prctl(ARCH_SET_CPUID, 0) worked in the child
 * @param tscFaulting    prctl(PR_SET_TSC, PR_TSC_SIGSEGV) worked in the child
 * @param kernelStackSelector the child's stack segment for virtual CPL0 (0x63 in its TLS GDT slot, 0x7
 *                       in an LDT), or 0 when it has none
 * @param scannerError   why the code scanner cannot change page protections in the child (its
 *                       mprotect stub behind the seccomp wall), or null when it can
 * @param fastError      why the fast transport cannot run here (no FSGSBASE, or its child failed to
 *                       start or to change a page's protection from its handler), or null when it can
 */
public record ChildProbe(String error, boolean cpuidFaulting, boolean tscFaulting, int kernelStackSelector,
                         String scannerError, String fastError) {

    private static final int PAGE_SIZE = 4096;
    private static final int FLAGS = Transport.FLAG_CPUID_FAULT | Transport.FLAG_TSC_FAULT | Transport.FLAG_NX_RAM;

    public static ChildProbe run() {
        String fastError = FastTransport.supported() ? probeFast() : FastTransport.UNSUPPORTED;
        long base = HostSystem.lowestMappableAddress();
        try (SharedRam ram = new SharedRam(base + 0x10000); PtraceTransport t = new PtraceTransport()) {
            t.start(NativeExecutables.childLauncher(), ram.fd(), base, ram.size() - base, base, -1, FLAGS);
            int active = t.activeFeatures();
            return new ChildProbe(null, (active & Transport.FLAG_CPUID_FAULT) != 0,
                    (active & Transport.FLAG_TSC_FAULT) != 0, t.kernelStackSelector(), scannerError(t, base),
                    fastError);
        } catch (ChildSetupException | RuntimeException e) {
            return new ChildProbe(e.getMessage(), false, false, 0, null, fastError);
        }
    }

    private static String probeFast() {
        long base = HostSystem.lowestMappableAddress();
        try (SharedRam ram = new SharedRam(base + 0x10000); FastTransport t = new FastTransport(false)) {
            t.start(NativeExecutables.childLauncher(), ram.fd(), base, ram.size() - base, base, -1, FLAGS);
            return scannerError(t, base);
        } catch (ChildSetupException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Makes the first guest page executable and writable again, as the scanner would. */
    private static String scannerError(Transport t, long base) {
        try {
            t.protect(base, PAGE_SIZE, PageProtector.READ | PageProtector.EXECUTE);
            t.protect(base, PAGE_SIZE, PageProtector.READ | PageProtector.WRITE);
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
