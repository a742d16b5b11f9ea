package dev.uhv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeldOutputTest {
    @Test
    void keepsOutputUntilReleasedThenCountsWhatDidNotFit() throws IOException {
        HeldOutput held = new HeldOutput(8);
        held.write("hello ".getBytes(StandardCharsets.US_ASCII));
        held.write('w');
        held.write("orld\n".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(4, held.release(out), "bytes past the limit are dropped and counted");
        assertEquals("hello wo", out.toString(StandardCharsets.US_ASCII));
        assertEquals(0, held.release(out), "released once");
        assertEquals("hello wo", out.toString(StandardCharsets.US_ASCII));
    }
}
