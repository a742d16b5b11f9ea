package dev.uhv.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The executables the native module builds (native/uhv-child, native/ptrace-floor), found on the
 * classpath: used in place from a build folder, or extracted once from the jar into a cache folder
 * named by their content hash, so concurrent runs and upgrades never see a half-written file.
 */
public final class NativeExecutables {
    private NativeExecutables() {
    }

    public static Path childLauncher() {
        return locate("native/uhv-child");
    }

    public static Path ptraceFloor() {
        return locate("native/ptrace-floor");
    }

    static Path locate(String resource) {
        URL url = NativeExecutables.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is not on the classpath: build uhv with `scripts/uhv` "
                    + "or `mvn package` first");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            return extract(resource, url);
        } catch (IOException e) {
            throw new UncheckedIOException("extracting " + resource, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path extract(String resource, URL url) throws IOException {
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        String hash = sha256(bytes);
        Path dir = cacheDir().resolve(hash);
        Path target = dir.resolve(Path.of(resource).getFileName().toString());
        // An existing file is used only if its content is exactly ours (a shared temp folder is
        // writable by others).
        if (Files.isExecutable(target) && Files.size(target) == bytes.length
                && sha256(Files.readAllBytes(target)).equals(hash)) {
            return target;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "extract", ".tmp");
        Files.write(tmp, bytes);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /**
     * $XDG_CACHE_HOME/uhv or ~/.cache/uhv, else a folder of the user's own (0700) in the temp folder
     * (a user without a writable home).
     */
    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path dir = base.resolve("uhv");
        try {
            Files.createDirectories(dir);
            if (Files.isWritable(dir)) {
                return dir;
            }
        } catch (IOException e) {
            // fall through to the temp folder
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "uhv-" + System.getProperty("user.name"));
        try {
            Files.createDirectories(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (!Files.getOwner(tmp).getName().equals(System.getProperty("user.name"))) {
                throw new IllegalStateException(tmp + " belongs to another user: set XDG_CACHE_HOME to a folder of "
                        + "yours");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + tmp, e);
        }
        return tmp;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
