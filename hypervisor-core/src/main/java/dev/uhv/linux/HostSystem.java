package dev.uhv.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the host kernel that decide how the child can be set up. */
public final class HostSystem {
    private HostSystem() {
    }

    public static boolean isRoot() {
        return LibC.geteuid() == 0;
    }

    /** vm.mmap_min_addr: the lowest address an unprivileged process may map. */
    public static long mmapMinAddr() {
        return readLong(Path.of("/proc/sys/vm/mmap_min_addr"), 65536);
    }

    /** The lowest guest-physical address the child can map: 0 for root, else vm.mmap_min_addr. */
    public static long lowestMappableAddress() {
        long min = mmapMinAddr();
        if (min == 0 || isRoot()) {
            return 0;
        }
        long page = Mman.pageSize();
        return (min + page - 1) / page * page;
    }

    public static int onlineCpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Reads a /proc or /sys file whole. Files.readString trusts the size the file reports, and
     * /proc files report 0 and come back cut short; reading lines streams to the end.
     */
    public static String readProcFile(Path path) throws IOException {
        return String.join("\n", Files.readAllLines(path));
    }

    static long readLong(Path path, long fallback) {
        try {
            return Long.parseLong(readProcFile(path).trim());
        } catch (IOException | NumberFormatException e) {
            return fallback;
        }
    }
}
