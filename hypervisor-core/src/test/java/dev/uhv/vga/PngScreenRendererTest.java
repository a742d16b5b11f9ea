package dev.uhv.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The picture, decoded from the PNG bytes and checked pixel by pixel against the font. */
class PngScreenRendererTest {
    private static final int BLACK = 0x000000, BLUE = 0x0000aa, RED = 0xaa0000, GREY = 0xaaaaaa,
            YELLOW = 0xffff55, WHITE = 0xffffff, BRIGHT_BLUE = 0x5555ff, LIGHT_GREEN = 0x55ff55;
    private static final VgaFont FONT = VgaFont.standard();
    private static BufferedImage picture, brightPicture;

    private static TextScreen screen(boolean blink) {
        byte[] cells = TextScreen.filled(' ', 0x07).cells();
        put(cells, 3, 4, 'H', 0x0a);
        put(cells, 4, 4, ' ', 0x4f);
        put(cells, 2, 2, 0xc9, 0x0e);
        put(cells, 6, 4, 'B', 0x9f);
        return new TextScreen(cells, new TextScreen.Cursor(12, 4, 14, 15), blink);
    }

    private static void put(byte[] cells, int row, int column, int character, int attribute) {
        int at = 2 * (row * TextScreen.COLUMNS + column);
        cells[at] = (byte) character;
        cells[at + 1] = (byte) attribute;
    }

    private static BufferedImage decode(TextScreen screen) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        new PngScreenRenderer(FONT).writePng(screen, png);
        return ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
    }

    @BeforeAll
    static void render() throws IOException {
        picture = decode(screen(true));
        brightPicture = decode(screen(false));
    }

    private static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xffffff;
    }

    /** Every pixel of a cell is the foreground where the font's glyph is set, the background elsewhere. */
    private static void assertGlyph(BufferedImage image, int row, int column, int character, int fg, int bg) {
        for (int line = 0; line < VgaFont.HEIGHT; line++) {
            for (int x = 0; x < VgaFont.WIDTH; x++) {
                int expected = FONT.pixel(character, x, line) ? fg : bg;
                assertEquals(Integer.toHexString(expected), Integer.toHexString(rgb(image, column * 8 + x,
                        row * 16 + line)), "cell " + row + "," + column + " pixel " + x + "," + line);
            }
        }
    }

    @Test
    void isA640By400Png() {
        assertEquals(640, picture.getWidth());
        assertEquals(400, picture.getHeight());
    }

    @Test
    void charactersAreTheFontsGlyphsInTheirColours() {
        assertGlyph(picture, 3, 4, 'H', LIGHT_GREEN, BLACK);
        assertGlyph(picture, 2, 2, 0xc9, YELLOW, BLACK);
        assertGlyph(picture, 0, 0, ' ', GREY, BLACK);
        assertEquals(LIGHT_GREEN, rgb(picture, 4 * 8 + 0, 3 * 16 + 2), "the H's left stem");
    }

    @Test
    void anAttributedBlankShowsItsBackground() {
        assertGlyph(picture, 4, 4, ' ', WHITE, RED);
        assertEquals(RED, rgb(picture, 4 * 8 + 3, 4 * 16 + 8));
    }

    @Test
    void bit7IsBlinkingShownOnOrABrightBackground() {
        assertGlyph(picture, 6, 4, 'B', WHITE, BLUE);
        assertGlyph(brightPicture, 6, 4, 'B', WHITE, BRIGHT_BLUE);
    }

    @Test
    void theCursorFillsItsScanLinesInTheForegroundColour() {
        for (int x = 0; x < 8; x++) {
            assertEquals(BLACK, rgb(picture, 4 * 8 + x, 12 * 16 + 13), "line 13 is not the cursor's");
            assertEquals(GREY, rgb(picture, 4 * 8 + x, 12 * 16 + 14));
            assertEquals(GREY, rgb(picture, 4 * 8 + x, 12 * 16 + 15));
        }
        assertEquals(BLACK, rgb(picture, 5 * 8, 12 * 16 + 15), "only in its own cell");
    }
}
