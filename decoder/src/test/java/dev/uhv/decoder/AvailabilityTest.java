package dev.uhv.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What {@code uhv doctor} reports about the native decoder. */
class AvailabilityTest {

    @Test
    void theNativeDecoderIsAvailable() {
        assertTrue(Decoder.isAvailable(), Decoder.unavailabilityCause());
        assertNull(Decoder.unavailabilityCause());
    }

    @Test
    void unavailabilityIsOneLineThatSaysWhatToInstall() {
        UnsatisfiedLinkError failure = new UnsatisfiedLinkError("Unable to load library 'uhv':\n"
                + "libZydis.so.4: cannot open shared object file\n  second line");
        assertEquals("libZydis could not be loaded through libuhv.so (UnsatisfiedLinkError: Unable to load library"
                + " 'uhv'; libZydis.so.4: cannot open shared object file; second line);"
                + " run `apt-get install libzydis-dev`", Decoder.unavailabilityMessage(failure));
    }
}
