package dev.uhv.it;

import dev.uhv.it.InProcess.GuestRun;
import dev.uhv.it.UhvProcess.Result;
import dev.uhv.vga.AnsiScreenRenderer;
import dev.uhv.vga.VgaFont;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.uhv.it.Checks.assertLines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guest vga writes a coloured text screen at 0xB8000 and places the cursor through the CRT
 * controller; --vga prints the screen at exit and --vga-png draws it.
 */
class VgaTest {
    private static final String SERIAL = "vga: text screen written, cursor at row 12 column 4\nvga done\n";
    private static final int BLACK = 0x000000, BLUE = 0x0000aa, RED = 0xaa0000, GREY = 0xaaaaaa,
            LIGHT_GREEN = 0x55ff55, YELLOW = 0xffff55, WHITE = 0xffffff;

    @TempDir
    Path dir;

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    /** A line inside the guest's frame: its sides at columns 2 and 41, the text from column 4. */
    private static String framed(String text) {
        return "  \u2551 " + text + " ".repeat(41 - 4 - text.length()) + "\u2551";
    }

    /** The 25 lines the guest's screen prints as plain text. */
    private static List<String> expectedScreen() {
        String edge = "\u2550".repeat(38);
        List<String> lines = new ArrayList<>(List.of(
                " uhv VGA text mode test",
                "",
                "  \u2554" + edge + "\u2557",
                framed("Hello from the guest"),
                framed("White on red"),
                framed("Black on cyan"),
                framed("Blinking yellow"),
                framed("\u263a \u263b \u2665 \u2666 \u2663 \u2660 \u2591\u2592\u2593\u2588"),
                "  \u255a" + edge + "\u255d",
                "", "", "",
                "C:\\>"));
        while (lines.size() < 25) {
            lines.add("");
        }
        return lines;
    }

    private static String screenText() {
        return expectedScreen().stream().map(l -> l + "\n").collect(Collectors.joining());
    }

    @Test
    void exitPrintsTheScreenAsTextAndThePngShowsIt() throws IOException {
        Path png = dir.resolve("screen.png");
        GuestRun run = InProcess.run(dir, "vga.elf", "--vga", "exit", "--vga-png", png.toString());
        assertEquals(1, run.status(), run.call().stderr());
        assertLines(run.serial(), SERIAL.strip().split("\n"));
        assertEquals(screenText(), run.call().stdout(), "stdout is not a terminal: plain text");

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        assertGlyph(image, 0, 1, 'u', WHITE, BLUE);
        assertGlyph(image, 0, 79, ' ', WHITE, BLUE);
        assertGlyph(image, 2, 2, 0xc9, YELLOW, BLACK);
        assertGlyph(image, 3, 4, 'H', LIGHT_GREEN, BLACK);
        assertGlyph(image, 4, 4, 'W', WHITE, RED);
        assertGlyph(image, 7, 4, 0x01, 0xff5555, BLACK);
        assertGlyph(image, 12, 2, '\\', GREY, BLACK);
        for (int x = 0; x < 8; x++) {
            assertEquals(BLACK, rgb(image, 4 * 8 + x, 12 * 16 + 13), "above the cursor");
            assertEquals(GREY, rgb(image, 4 * 8 + x, 12 * 16 + 14), "the cursor (lines 14-15) at row 12 column 4");
            assertEquals(GREY, rgb(image, 4 * 8 + x, 12 * 16 + 15));
        }
    }

    @Test
    void pngAloneWritesNothingToStdout() throws IOException {
        Path png = dir.resolve("alone.png");
        GuestRun run = InProcess.run(dir, "vga.elf", "--vga-png", png.toString());
        assertEquals(1, run.status());
        assertEquals("", run.call().stdout());
        assertEquals(640, ImageIO.read(png.toFile()).getWidth());
    }

    /** As a user runs it with stdout into a file: --vga (live) says it prints at exit instead, and does. */
    @Test
    void liveWithoutATerminalPrintsTheScreenAtExitAfterTheGuestOutput() {
        Path image = Guests.copy("vga.elf", dir);
        Result r = UhvProcess.run(dir, "run", image.toString(), "--vga", "--debugcon", "none");
        assertEquals(1, r.status(), r.stderr());
        assertEquals(SERIAL + screenText(), r.stdout());
        assertTrue(r.stderr().contains("uhv: --vga live: stdout is not a terminal, so the screen is printed once at "
                + "exit (--vga exit)\n"), r.stderr());
        assertFalse(r.stdout().contains("\u001b"), "no escape sequences into a file");
    }

    /**
     * On a terminal (a pseudo-terminal from util-linux's script): the screen is drawn in the alternate
     * screen, which is left at exit; then the final screen in colour, then the guest's serial output,
     * held while the screen was live.
     */
    @Test
    void liveOnATerminalDrawsInTheAlternateScreenAndHoldsSerialOutputUntilExit() throws IOException {
        Path script = Path.of("/usr/bin/script");
        Assumptions.assumeTrue(Files.isExecutable(script), "no util-linux script(1) to give uhv a terminal");
        Path image = Guests.copy("vga.elf", dir);
        List<String> uhv = UhvProcess.launch().command("run", image.toString(), "--vga", "live", "--debugcon", "none");
        String shellCommand = uhv.stream().map(a -> "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
        Result r = UhvProcess.start(dir, List.of(script.toString(), "-q", "-e", "-c", shellCommand, "/dev/null"),
                Map.of()).await(60);
        String tty = r.stdout().replace("\r\n", "\n");
        assertEquals(1, r.status(), tty);
        int enter = tty.indexOf(AnsiScreenRenderer.ENTER_ALTERNATE_SCREEN);
        int leave = tty.indexOf(AnsiScreenRenderer.LEAVE_ALTERNATE_SCREEN);
        assertTrue(enter >= 0 && leave > enter, "the alternate screen entered, then left: " + visible(tty));
        String afterLive = tty.substring(leave + AnsiScreenRenderer.LEAVE_ALTERNATE_SCREEN.length());
        assertTrue(afterLive.startsWith("\u001b[0;97;44m uhv VGA text mode test" + " ".repeat(80 - 23) + "\u001b[0m\n"),
                "the final screen, in colour: " + visible(afterLive));
        assertTrue(afterLive.contains("\u001b[0;92;40mHello from the guest"), visible(afterLive));
        assertTrue(afterLive.contains("\u001b[0;5;93;40mBlinking yellow"), "bit 7 blinks: " + visible(afterLive));
        assertTrue(afterLive.contains("C:\\>\u001b[0;4;37;40m \u001b[0m\n"), "the cursor cell: " + visible(afterLive));
        int serial = afterLive.indexOf(SERIAL);
        assertTrue(serial > afterLive.indexOf("C:\\>"), "serial output after the screen: " + visible(afterLive));
        assertFalse(tty.substring(0, leave).contains("vga done"), "no serial output over the live screen");
    }

    private static String visible(String s) {
        return s.replace("\u001b", "ESC");
    }

    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xffffff;
    }

    /** Every pixel of a cell: the font's glyph in the foreground colour, the rest in the background. */
    private static void assertGlyph(BufferedImage image, int row, int column, int character, int fg, int bg) {
        VgaFont font = VgaFont.standard();
        for (int line = 0; line < VgaFont.HEIGHT; line++) {
            for (int x = 0; x < VgaFont.WIDTH; x++) {
                int expected = font.pixel(character, x, line) ? fg : bg;
                assertEquals(Integer.toHexString(expected), Integer.toHexString(rgb(image, column * 8 + x,
                        row * 16 + line)), "cell " + row + "," + column + " pixel " + x + "," + line);
            }
        }
    }
}
