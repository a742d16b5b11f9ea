package dev.uhv.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnsiScreenRendererTest {
    private static final String E = "\u001b[";

    /** A screen of blanks (grey on black) with text at a row and column in one attribute. */
    private static TextScreen screen(TextScreen.Cursor cursor, boolean blink, Object... rowColumnAttrText) {
        byte[] cells = TextScreen.filled(' ', 0x07).cells();
        for (int i = 0; i < rowColumnAttrText.length; i += 4) {
            int row = (int) rowColumnAttrText[i], column = (int) rowColumnAttrText[i + 1];
            int attr = (int) rowColumnAttrText[i + 2];
            String text = (String) rowColumnAttrText[i + 3];
            for (int k = 0; k < text.length(); k++) {
                int at = 2 * (row * TextScreen.COLUMNS + column + k);
                cells[at] = (byte) text.charAt(k);
                cells[at + 1] = (byte) attr;
            }
        }
        return new TextScreen(cells, cursor, blink);
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    @Test
    void plainTextIs25LinesWithTrailingBlanksLeftOut() {
        String text = AnsiScreenRenderer.plain(screen(TextScreen.Cursor.HIDDEN, true, 0, 2, 0x1f, "Hi  ",
                24, 70, 0x07, "\u00c9\u00cd\u00bb"));
        List<String> lines = lines(text);
        assertEquals(26, lines.size(), "25 lines, each ended by a newline");
        assertEquals("  Hi", lines.get(0));
        assertEquals("", lines.get(1));
        assertEquals(" ".repeat(70) + "\u2554\u2550\u2557", lines.get(24));
        assertTrue(!text.contains("\u001b"), "no escape sequences");
    }

    @Test
    void colouredUsesTheSixteenVgaColoursInAnsiOrder() {
        // VGA blue (1) is ANSI blue (4), VGA brown (6) is ANSI yellow (3), VGA 14 is bright yellow
        String text = AnsiScreenRenderer.coloured(screen(TextScreen.Cursor.HIDDEN, true,
                0, 0, 0x1f, "A", 0, 1, 0x06, "B", 0, 2, 0x4e, "C", 0, 3, 0x70, "D"));
        assertEquals(E + "0;97;44mA" + E + "0;33;40mB" + E + "0;93;41mC" + E + "0;30;47mD" + E + "0m",
                lines(text).get(0));
    }

    @Test
    void attributeBit7BlinksOrBrightensTheBackground() {
        TextScreen blinking = screen(TextScreen.Cursor.HIDDEN, true, 0, 0, 0x8e, "X", 1, 0, 0xc0, "Y");
        assertEquals(E + "0;5;93;40mX" + E + "0m", lines(AnsiScreenRenderer.coloured(blinking)).get(0));
        assertEquals(E + "0;5;30;41mY" + E + "0m", lines(AnsiScreenRenderer.coloured(blinking)).get(1));
        TextScreen bright = screen(TextScreen.Cursor.HIDDEN, false, 0, 0, 0x8e, "X", 1, 0, 0xc0, "Y");
        assertEquals(E + "0;93;100mX" + E + "0m", lines(AnsiScreenRenderer.coloured(bright)).get(0));
        assertEquals(E + "0;30;101mY" + E + "0m", lines(AnsiScreenRenderer.coloured(bright)).get(1));
    }

    @Test
    void colouredKeepsColouredBlanksAndTheCursorCell() {
        TextScreen s = screen(new TextScreen.Cursor(1, 3, 14, 15), true, 0, 0, 0x10, "  ", 1, 0, 0x07, "C:>");
        List<String> lines = lines(AnsiScreenRenderer.coloured(s));
        assertEquals(E + "0;30;44m  " + E + "0m", lines.get(0), "blanks on blue show");
        assertEquals(E + "0;37;40mC:>" + E + "0;4;37;40m " + E + "0m", lines.get(1), "the cursor is underlined");
        assertEquals("", lines.get(2), "blanks on black do not");
    }

    @Test
    void theFirstFrameClearsAndDrawsEveryCell() {
        TextScreen s = screen(new TextScreen.Cursor(0, 0, 13, 14), true, 0, 0, 0x07, "A");
        String frame = AnsiScreenRenderer.update(null, s);
        assertTrue(frame.startsWith(E + "0m" + E + "2J" + E + "1;1H" + E + "0;37;40mA "), frame);
        // one placement per row (after the last column the terminal waits to wrap), then the cursor's
        assertEquals(TextScreen.ROWS + 1, frame.chars().filter(ch -> ch == 'H').count(), frame);
        String cells = frame.replaceAll("\u001b\\[[0-9;?]* ?[A-Za-z]", "");
        assertEquals("A" + " ".repeat(TextScreen.CELLS - 1), cells);
    }

    @Test
    void anUnchangedScreenNeedsNothing() {
        TextScreen s = screen(new TextScreen.Cursor(5, 5, 13, 14), true, 3, 3, 0x1f, "same");
        assertEquals("", AnsiScreenRenderer.update(s, screen(new TextScreen.Cursor(5, 5, 13, 14), true,
                3, 3, 0x1f, "same")));
    }

    @Test
    void onlyChangedCellsAreWrittenAndNeighboursShareOnePlacement() {
        TextScreen.Cursor cursor = new TextScreen.Cursor(12, 4, 14, 15);
        TextScreen before = screen(cursor, true, 3, 4, 0x0a, "Hello");
        TextScreen after = screen(cursor, true, 3, 4, 0x0a, "Help!", 20, 79, 0x4f, "Z");
        assertEquals(E + "4;8H" + E + "0;92;40mp!" + E + "21;80H" + E + "0;97;41mZ" + E + "0m"
                + E + "13;5H" + E + "3 q" + E + "?25h", AnsiScreenRenderer.update(before, after));
    }

    @Test
    void aMovedOrHiddenCursorIsTheOnlyChange() {
        TextScreen at = screen(new TextScreen.Cursor(0, 0, 0, 15), true);
        TextScreen moved = screen(new TextScreen.Cursor(24, 79, 0, 15), true);
        assertEquals(E + "25;80H" + E + "1 q" + E + "?25h", AnsiScreenRenderer.update(at, moved),
                "a block cursor (from line 0) as a blinking block");
        assertEquals(E + "?25l", AnsiScreenRenderer.update(at, screen(TextScreen.Cursor.HIDDEN, true)));
    }

    @Test
    void switchingBlinkRedrawsEveryCell() {
        TextScreen blinking = screen(TextScreen.Cursor.HIDDEN, true, 0, 0, 0x9f, "X");
        String frame = AnsiScreenRenderer.update(blinking, screen(TextScreen.Cursor.HIDDEN, false, 0, 0, 0x9f, "X"));
        assertTrue(frame.startsWith(E + "1;1H" + E + "0;97;104mX" + E + "0;37;40m "), frame);
    }
}
