package dev.uhv.vga;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Draws a {@link TextScreen} as a 640x400 picture, 80x25 cells of 8x16 pixels in a bitmap font and
 * the VGA's 16-colour palette, and writes it as a PNG (javax.imageio, no fonts or display needed).
 * The picture is the screen at one instant with blinking characters shown (the "on" phase of the
 * blink, as is the cursor): attribute bit 7 only chooses between a blinking character and a bright
 * background, as {@link TextScreen#background} reads it. The cursor fills its scan lines of its cell
 * in the cell's foreground colour, as the VGA draws it. The cells are 8 pixels wide where a VGA's
 * mode 3 shows 9 (720x400): the ninth column is a copy of the eighth for box-drawing characters and
 * blank otherwise, and leaving it out keeps the picture to the font's own pixels.
 */
public final class PngScreenRenderer {
    public static final int WIDTH = TextScreen.COLUMNS * VgaFont.WIDTH, HEIGHT = TextScreen.ROWS * VgaFont.HEIGHT;
    /** The VGA's default palette: the 16 colours of the text attributes, as 0xRRGGBB. */
    public static final int[] PALETTE = {0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500,
            0xaaaaaa, 0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff};

    private final VgaFont font;

    public PngScreenRenderer(VgaFont font) {
        this.font = font;
    }

    /** A picture of the screen: a 4-bit image indexed by VGA colour. */
    public BufferedImage image(TextScreen screen) {
        byte[] r = new byte[PALETTE.length], g = new byte[PALETTE.length], b = new byte[PALETTE.length];
        for (int i = 0; i < PALETTE.length; i++) {
            r[i] = (byte) (PALETTE[i] >> 16);
            g[i] = (byte) (PALETTE[i] >> 8);
            b[i] = (byte) PALETTE[i];
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_BINARY,
                new IndexColorModel(4, PALETTE.length, r, g, b));
        WritableRaster raster = image.getRaster();
        TextScreen.Cursor cursor = screen.cursor();
        for (int row = 0; row < TextScreen.ROWS; row++) {
            for (int column = 0; column < TextScreen.COLUMNS; column++) {
                int character = screen.character(row, column);
                int fg = screen.foreground(row, column), bg = screen.background(row, column);
                boolean hasCursor = cursor.at(row, column);
                for (int line = 0; line < VgaFont.HEIGHT; line++) {
                    boolean cursorLine = hasCursor && line >= cursor.firstLine() && line <= cursor.lastLine();
                    for (int x = 0; x < VgaFont.WIDTH; x++) {
                        boolean lit = cursorLine || font.pixel(character, x, line);
                        raster.setSample(column * VgaFont.WIDTH + x, row * VgaFont.HEIGHT + line, 0, lit ? fg : bg);
                    }
                }
            }
        }
        return image;
    }

    /** Writes the picture as a PNG. */
    public void writePng(TextScreen screen, OutputStream out) throws IOException {
        if (!ImageIO.write(image(screen), "png", out)) {
            throw new IOException("this Java runtime has no PNG writer");
        }
    }
}
