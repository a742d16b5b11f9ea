package dev.uhv.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the host kernel that decide how the child can be set up. */
public final class HostSystem {
    private HostSystem() {
    }

    public static boolean isRoot() {
        return LibC.geteuid() == 0;
    }

    /** Whether uhv's standard output (file descriptor 1) is a terminal. */
    public static boolean stdoutIsTerminal() {
        return LibC.isatty(1) == 1;
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
     * Reads a /proc or /sys file whole. Files.readString reads such a file in pieces sized by what it
     * reports (0), and procfs answers a read at a non-zero offset of a sysctl with end-of-file, so
     * "4096" came back as "4". One large read from offset 0 gets it all.
     */
    public static String readProcFile(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static long readLong(Path path, long fallback) {
        try {
            return Long.parseLong(readProcFile(path).trim());
        } catch (IOException | NumberFormatException e) {
            return fallback;
        }
    }
}
