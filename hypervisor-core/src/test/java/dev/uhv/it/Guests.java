package dev.uhv.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The guest images of the uhv-guests jar (guests/NAME.elf, guests/NAME.bin) on the test classpath. */
public final class Guests {
    private Guests() {
    }

    /** The bytes of guests/FILE, for example "demo.elf". */
    public static byte[] bytes(String file) {
        String resource = "guests/" + file;
        try (InputStream in = Guests.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath: build uhv-guests first");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    /** Copies guests/FILE into dir and returns the copy. */
    public static Path copy(String file, Path dir) {
        try {
            Path target = dir.resolve(file);
            Files.write(target, bytes(file));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
