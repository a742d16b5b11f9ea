package dev.uhv.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The drawing thread against a terminal that is a buffer. */
class LiveScreenTest {
    private static final String E = "\u001b[";

    private static TextScreen withCharacter(int character) {
        byte[] cells = TextScreen.filled(' ', 0x07).cells();
        cells[2 * (2 * TextScreen.COLUMNS + 3)] = (byte) character;
        return new TextScreen(cells, TextScreen.Cursor.HIDDEN, true);
    }

    private static String waitFor(ByteArrayOutputStream terminal, String piece) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            String text = terminal.toString(StandardCharsets.UTF_8);
            if (text.contains(piece)) {
                return text;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the terminal never got " + piece.replace("\u001b", "ESC") + ": "
                + terminal.toString(StandardCharsets.UTF_8).replace("\u001b", "ESC"));
    }

    @Test
    void drawsChangesWhileRunningAndGivesTheTerminalBackAtClose() throws Exception {
        AtomicReference<TextScreen> guest = new AtomicReference<>(withCharacter('a'));
        AtomicInteger reads = new AtomicInteger();
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        LiveScreen live = new LiveScreen(() -> {
            reads.incrementAndGet();
            return guest.get();
        }, terminal, Duration.ofMillis(5));
        live.start();
        String first = waitFor(terminal, E + "?25l");
        assertTrue(first.startsWith(AnsiScreenRenderer.ENTER_ALTERNATE_SCREEN + E + "0m" + E + "2J"), first);
        int drawn = first.length();

        guest.set(withCharacter('b'));
        String second = waitFor(terminal, E + "3;4H" + E + "0;37;40mb").substring(drawn);
        assertTrue(second.startsWith(E + "3;4H"), "only the changed cell is written again: " + second);

        live.close();
        String all = terminal.toString(StandardCharsets.UTF_8);
        assertTrue(all.endsWith(AnsiScreenRenderer.LEAVE_ALTERNATE_SCREEN), all);
        int after = reads.get();
        Thread.sleep(50);
        assertEquals(after, reads.get(), "no reads of guest memory after close");
        live.close();
        assertEquals(all, terminal.toString(StandardCharsets.UTF_8), "close is idempotent");
    }

    @Test
    void anUnchangingScreenIsDrawnOnce() throws Exception {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        TextScreen still = withCharacter('s');
        LiveScreen live = new LiveScreen(() -> still, terminal, Duration.ofMillis(2));
        live.start();
        String first = waitFor(terminal, E + "?25l");
        Thread.sleep(60);
        live.close();
        assertEquals(first + AnsiScreenRenderer.LEAVE_ALTERNATE_SCREEN, terminal.toString(StandardCharsets.UTF_8));
    }
}
