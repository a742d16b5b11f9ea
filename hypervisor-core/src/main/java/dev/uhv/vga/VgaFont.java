package dev.uhv.vga;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * An 8x16 bitmap font of the 256 CP437 characters: 16 bytes per character, one per scan line from
 * the top, the most significant bit the leftmost pixel (the VGA's own font layout).
 *
 * <p>{@link #standard()} is the 8x16 font of the LGPL VGABios (Bochs's VGA BIOS) and of SeaVGABIOS
 * (QEMU's), from Joseph Gil's fntcol16.zip collection, whose individual fonts are in the public
 * domain. See {@code vgafont16.txt} beside the resource for where the bytes came
 * from. It is a resource rather than a font rendered at run time: the JDK here is headless, and a
 * fresh machine may have no fonts at all.
 */
public final class VgaFont {
    public static final int WIDTH = 8, HEIGHT = TextScreen.CELL_LINES, GLYPHS = 256;
    static final String RESOURCE = "vgafont16.bin";

    private static final VgaFont STANDARD = load();

    private final byte[] bitmap;

    /** A font from GLYPHS x HEIGHT bytes in the layout above. */
    public VgaFont(byte[] bitmap) {
        if (bitmap.length != GLYPHS * HEIGHT) {
            throw new IllegalArgumentException("an 8x16 font of 256 characters has " + GLYPHS * HEIGHT + " bytes, not "
                    + bitmap.length);
        }
        this.bitmap = bitmap.clone();
    }

    public static VgaFont standard() {
        return STANDARD;
    }

    /** Whether the pixel at (x, line) of a character's cell is set. */
    public boolean pixel(int character, int x, int line) {
        return (bitmap[(character & 0xff) * HEIGHT + line] & (0x80 >>> x)) != 0;
    }

    private static VgaFont load() {
        try (InputStream in = VgaFont.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + VgaFont.class.getName());
            }
            return new VgaFont(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }
}
