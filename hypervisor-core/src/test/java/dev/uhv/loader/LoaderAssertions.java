package dev.uhv.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.uhv.loader.ImageLoadException.Reason;
import org.junit.jupiter.api.function.Executable;

final class LoaderAssertions {

    private LoaderAssertions() {
    }

    /** Asserts the load is refused for reason with a one-line message, and returns the message. */
    static String assertRefused(Reason reason, Executable load) {
        ImageLoadException e = assertThrows(ImageLoadException.class, load);
        assertEquals(reason, e.reason(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "message must be one line: " + e.getMessage());
        return e.getMessage();
    }
}
