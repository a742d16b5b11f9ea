package dev.uhv.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts uhv as a separate process, as a user would: `java -jar hypervisor-core/target/uhv.jar ...`.
 *
 * <p>The shaded jar is made in the package phase, after the tests, so a clean `mvn verify` has no
 * jar yet, and after an edit the jar left by an earlier build is stale. In those cases the same
 * main class runs from the test class path instead ({@link Launch#packaged()} says which). Both
 * are a new JVM with System.exit and real signals, which is what these tests are about.
 */
public final class UhvProcess {
    private static final String MAIN_CLASS = "dev.uhv.cli.Main";
    private static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private UhvProcess() {
    }

    /** The repository root (system property uhv.repo, set by the surefire configuration). */
    public static Path repo() {
        String repo = System.getProperty("uhv.repo");
        return (repo != null ? Path.of(repo) : Path.of("..")).toAbsolutePath().normalize();
    }

    public static Path packagedJar() {
        return repo().resolve("hypervisor-core/target/uhv.jar");
    }

    public static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * How to start uhv: the JVM arguments before uhv's own ("-jar JAR" or "-cp CP dev.uhv.cli.Main"),
     * and the files they name.
     */
    public record Launch(List<String> jvmArgs, boolean packaged, List<Path> files) {
        public List<String> command(String... uhvArgs) {
            return command(List.of(), uhvArgs);
        }

        /** As {@link #command(String...)} with more JVM flags (-Dname=value) before the class or jar. */
        public List<String> command(List<String> jvmFlags, String... uhvArgs) {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary().toString());
            cmd.addAll(JVM_FLAGS);
            cmd.addAll(jvmFlags);
            cmd.addAll(jvmArgs);
            cmd.addAll(Arrays.asList(TestTransport.apply(uhvArgs)));
            return cmd;
        }

        /**
         * The same launch from copies under dir that every user may read (for a run as another
         * user: the build folders may sit under a private home).
         */
        public Launch copiedTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            worldReadable(dir);
            List<Path> copies = new ArrayList<>();
            int i = 0;
            for (Path f : files) {
                Path target = dir.resolve((i++) + "-" + f.getFileName());
                copyTree(f, target);
                copies.add(target);
            }
            return packaged ? new Launch(List.of("-jar", copies.get(0).toString()), true, copies)
                    : new Launch(List.of("-cp", join(copies), MAIN_CLASS), false, copies);
        }
    }

    /** The packaged jar when it exists and is newer than every compiled class, else the test class path. */
    public static synchronized Launch launch() {
        if (launch == null) {
            launch = chooseLaunch();
            System.err.println("[uhv tests] uhv processes run " + (launch.packaged() ? "the packaged jar "
                    + packagedJar() : "from the test class path (no current " + packagedJar() + ")"));
        }
        return launch;
    }

    private static Launch launch;

    private static Launch chooseLaunch() {
        Path jar = packagedJar();
        if (Files.isRegularFile(jar) && !olderThanClasses(jar)) {
            return new Launch(List.of("-jar", jar.toString()), true, List.of(jar));
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Path> entries = Stream.of(cp.split(File.pathSeparator)).filter(s -> !s.isEmpty()).map(Path::of)
                .filter(Files::exists).toList();
        return new Launch(List.of("-cp", join(entries), MAIN_CLASS), false, entries);
    }

    private static boolean olderThanClasses(Path jar) {
        Path classes = repo().resolve("hypervisor-core/target/classes");
        if (!Files.isDirectory(classes)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(classes)) {
            FileTime jarTime = Files.getLastModifiedTime(jar);
            return files.filter(Files::isRegularFile).anyMatch(f -> {
                try {
                    return Files.getLastModifiedTime(f).compareTo(jarTime) > 0;
                } catch (IOException e) {
                    return true;
                }
            });
        } catch (IOException e) {
            return true;
        }
    }

    /** A finished uhv process. */
    public record Result(int status, String stdout, String stderr) {
        public List<String> stderrLines() {
            return stderr.lines().toList();
        }

        /** The last stderr line that starts with "uhv: ", or null. */
        public String summary() {
            List<String> lines = stderr.lines().filter(l -> l.startsWith("uhv: ")).toList();
            return lines.isEmpty() ? null : lines.get(lines.size() - 1);
        }
    }

    /** A started uhv process whose stdout and stderr go to files (read them while it runs). */
    public record Started(Process process, Path stdoutFile, Path stderrFile) {
        public String stdout() {
            return read(stdoutFile);
        }

        public String stderr() {
            return read(stderrFile);
        }

        /** Waits for the end (at most timeoutSeconds, else kills it and throws). */
        public Result await(long timeoutSeconds) {
            try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError("uhv did not end within " + timeoutSeconds + " s; stdout:\n" + stdout()
                            + "\nstderr:\n" + stderr());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            Result r = new Result(process.exitValue(), stdout(), stderr());
            System.err.print("[uhv process] -> " + r.status() + "\n" + r.stderr());
            return r;
        }
    }

    /** Starts `command` in workDir with extra environment variables. */
    public static Started start(Path workDir, List<String> command, Map<String, String> env) {
        try {
            Path out = Files.createTempFile(workDir, "uhv-", ".stdout");
            Path err = Files.createTempFile(workDir, "uhv-", ".stderr");
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            return new Started(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    /** `uhv ARGS...` in a new process (the packaged jar where it is current), waited for. */
    public static Result run(Path workDir, String... uhvArgs) {
        return start(workDir, launch().command(uhvArgs), Map.of()).await(60);
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (Stream<Path> all = Files.walk(from)) {
                for (Path p : (Iterable<Path>) all::iterator) {
                    Path t = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                    worldReadable(t);
                }
            }
        } else {
            Files.copy(from, to);
            worldReadable(to);
        }
    }

    /** rwxr-xr-x for folders and executables, rw-r--r-- for other files. */
    public static void worldReadable(Path p) throws IOException {
        boolean exec = Files.isDirectory(p) || Files.isExecutable(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
    }
}
