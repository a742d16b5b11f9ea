package dev.uhv.it;

import dev.uhv.it.UhvProcess.Launch;
import dev.uhv.it.UhvProcess.Result;
import dev.uhv.linux.HostSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * uhv needs no root: the uid "nobody" (65534, no groups, no capabilities) boots the demo guest, and
 * gets one clear line for an image below vm.mmap_min_addr. Run with setpriv from root (the tests run
 * as root here and in CI); skipped where that is not possible.
 */
class NonRootTest {
    private static final String NOBODY = "65534";
    private static Path dir;
    private static Launch launch;
    private static Path home;

    @BeforeAll
    static void prepare() throws IOException {
        assumeTrue(HostSystem.isRoot(), "needs root to switch to the uid nobody");
        assumeTrue(setpriv() != null, "setpriv is not installed");
        // Under /tmp, not a @TempDir parent that may be private: nobody must reach every file.
        dir = Files.createTempDirectory(Path.of("/tmp"), "uhv-nonroot-");
        UhvProcess.worldReadable(dir);
        launch = UhvProcess.launch().copiedTo(dir.resolve("uhv"));
        for (String g : List.of("demo.elf", "demo.bin")) {
            UhvProcess.worldReadable(Guests.copy(g, dir));
        }
        home = Files.createDirectory(dir.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String setpriv() {
        for (String p : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    private static Result runAsNobody(String... uhvArgs) {
        List<String> cmd = new ArrayList<>(List.of(setpriv(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--inh-caps=-all"));
        // Native helpers are extracted into HOME/.cache and the temp folder: keep both in the test folder.
        cmd.addAll(launch.command(List.of("-Djava.io.tmpdir=" + home), uhvArgs));
        Map<String, String> env = Map.of("HOME", home.toString(), "XDG_CACHE_HOME", home.resolve(".cache").toString());
        return UhvProcess.start(dir, cmd, env).await(60);
    }

    @Test
    void nobodyBootsTheDemoGuest() {
        Result r = runAsNobody("run", dir.resolve("demo.elf").toString());
        assertEquals(1, r.status(), "exit status; stderr:\n" + r.stderr());
        assertTrue(r.stdout().startsWith("uhv demo kernel: hello from ring 0 (virtual)\n"), r.stdout());
        assertTrue(r.stdout().contains("demo done\n"), r.stdout());
        assertTrue(r.stdout().contains("debugcon: hello from the demo kernel\n"), r.stdout());
        assertEquals("uhv: guest exited with status 1", r.summary().substring(0, r.summary().indexOf(" (")), r.summary());
    }

    @Test
    void nobodyGetsOneLineForAnImageBelowMmapMinAddr() {
        assumeTrue(HostSystem.mmapMinAddr() > 0, "vm.mmap_min_addr is 0: page 0 is mappable by anyone");
        Result r = runAsNobody("run", dir.resolve("demo.bin").toString(), "--load-addr", "0");
        assertEquals(2, r.status(), "exit status; stderr:\n" + r.stderr());
        List<String> lines = r.stderrLines();
        assertEquals(1, lines.size(), r.stderr());
        assertTrue(lines.get(0).startsWith("uhv: ") && lines.get(0).contains("mmap_min_addr"), lines.get(0));
        assertTrue(!r.stderr().contains("Exception") && !r.stderr().contains("\tat "), r.stderr());
        assertEquals("", r.stdout());
    }
}
