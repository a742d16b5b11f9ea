package dev.uhv.linux;

import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** HostSystem against what the kernel says, read the way procfs sysctl files must be read (in one go). */
class HostSystemTest {
    private static long sysctl(String path) throws IOException {
        try (FileInputStream in = new FileInputStream(path)) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    @Test
    void mmapMinAddrIsTheKernelsValue() throws IOException {
        assertEquals(sysctl("/proc/sys/vm/mmap_min_addr"), HostSystem.mmapMinAddr());
    }

    @Test
    void lowestMappableAddress() throws IOException {
        long min = sysctl("/proc/sys/vm/mmap_min_addr");
        long page = Mman.pageSize();
        long expected = HostSystem.isRoot() || min == 0 ? 0 : (min + page - 1) / page * page;
        assertEquals(expected, HostSystem.lowestMappableAddress());
    }

    @Test
    void isRootIsTheEffectiveUid() throws IOException {
        String uid = new String(Runtime.getRuntime().exec(new String[] {"id", "-u"}).getInputStream().readAllBytes(),
                StandardCharsets.US_ASCII).trim();
        assertEquals("0".equals(uid), HostSystem.isRoot());
    }
}
