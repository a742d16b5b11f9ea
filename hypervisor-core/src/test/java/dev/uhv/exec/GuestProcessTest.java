package dev.uhv.exec;

import dev.uhv.linux.HostSystem;
import dev.uhv.memory.SharedRam;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The process a guest runs in, looked at from /proc while it sits in its first ptrace stop: a small
 * clean process (DESIGN.md, "The shape"): guest RAM at guest-physical addresses with nothing of the
 * child below its end, no vDSO, no descriptors, the seccomp wall on; and gone once closed.
 */
class GuestProcessTest {
    private static final long RAM_SIZE = 1 << 20;

    /** One line of /proc/PID/maps. */
    private record Mapping(long start, long end, String perms, String name, String line) {
        static Mapping parse(String line) {
            String[] f = line.trim().split("\\s+", 6);
            String[] range = f[0].split("-");
            return new Mapping(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16), f[1],
                    f.length > 5 ? f[5] : "", line);
        }
    }

    @Test
    void stoppedChildIsASmallCleanProcess() throws Exception {
        long base = HostSystem.lowestMappableAddress(); // 0 for root, as here and in CI
        int pid;
        try (SharedRam ram = new SharedRam(RAM_SIZE); PtraceTransport t = new PtraceTransport()) {
            t.start(NativeExecutables.childLauncher(), ram.fd(), base, ram.size() - base, base, -1, 0);
            pid = t.pid();
            Path proc = Path.of("/proc", Integer.toString(pid));

            List<Mapping> maps = Files.readAllLines(proc.resolve("maps")).stream().map(Mapping::parse).toList();
            List<Mapping> ram0 = maps.stream().filter(m -> m.start() == base).toList();
            assertEquals(1, ram0.size(), () -> "one mapping at 0x" + Long.toHexString(base) + ":\n" + maps);
            Mapping guest = ram0.get(0);
            assertAll(
                    () -> assertEquals(RAM_SIZE, guest.end(), "guest RAM ends at its size: " + guest.line()),
                    () -> assertEquals("rwxs", guest.perms(), "shared, executable: " + guest.line()),
                    () -> assertTrue(guest.name().contains("uhv-guest-ram"), "the memfd: " + guest.line()));
            for (Mapping m : maps) {
                if (m != guest) {
                    assertTrue(Long.compareUnsigned(m.start(), RAM_SIZE) >= 0,
                            "a child mapping overlaps or sits below the end of guest RAM: " + m.line());
                }
                assertFalse(m.name().contains("[vdso]") || m.name().startsWith("[vvar"),
                        "host code the guest could jump into: " + m.line());
            }

            List<String> status = Files.readAllLines(proc.resolve("status"));
            assertEquals("2", field(status, "Seccomp"), "seccomp filter mode");
            assertEquals("1", field(status, "NoNewPrivs"));
            assertTrue(field(status, "State").startsWith("t"), "in a tracing stop: " + field(status, "State"));
            String tracer = field(status, "TracerPid");
            assertTrue(Files.isDirectory(Path.of("/proc/self/task", tracer)),
                    "traced by a thread of this JVM, not " + tracer);

            try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                List<Path> open = fds.toList();
                assertTrue(open.isEmpty(), () -> "open descriptors in the guest process: " + open);
            }
            assertEquals("uhv-child", Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString(),
                    "a small native program, never a copy of the JVM");
            assertEquals(0, t.activeFeatures() & (Transport.FLAG_CPUID_FAULT | Transport.FLAG_TSC_FAULT),
                    "no faulting was asked for");
            assertEquals(0x63, t.kernelStackSelector(), "the child's first TLS slot holds the CPL0 stack segment");

            t.close();
            assertFalse(Files.exists(proc), "the child is reaped: no zombie left at " + proc);
            t.close(); // idempotent
        }
        assertFalse(Files.exists(Path.of("/proc", Integer.toString(pid))));
    }

    private static String field(List<String> status, String name) throws IOException {
        return status.stream().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim())
                .findFirst().orElseThrow(() -> new IOException("no " + name + " in /proc/PID/status"));
    }
}
