package dev.uhv.vga;

/**
 * Code page 437, the character set of the VGA's text mode (the IBM PC's ROM font), as Unicode for a
 * terminal. Bytes 0x01-0x1F and 0x7F are the ROM font's pictures (smileys, card suits, arrows,
 * the house), not control characters: a VGA shows them as glyphs. 0x00 becomes a space: its glyph
 * is blank, and a NUL would vanish in a terminal. Every character is in the Basic Multilingual
 * Plane, so one char per byte.
 */
public final class Cp437 {
    private static final String TABLE =
            " \u263a\u263b\u2665\u2666\u2663\u2660\u2022\u25d8\u25cb\u25d9\u2642\u2640\u266a\u266b\u263c" // 0x00
            + "\u25ba\u25c4\u2195\u203c\u00b6\u00a7\u25ac\u21a8\u2191\u2193\u2192\u2190\u221f\u2194\u25b2\u25bc" // 0x10
            + " !\"#$%&'()*+,-./" // 0x20
            + "0123456789:;<=>?" // 0x30
            + "@ABCDEFGHIJKLMNO" // 0x40
            + "PQRSTUVWXYZ[\\]^_" // 0x50
            + "`abcdefghijklmno" // 0x60
            + "pqrstuvwxyz{|}~\u2302" // 0x70
            + "\u00c7\u00fc\u00e9\u00e2\u00e4\u00e0\u00e5\u00e7\u00ea\u00eb\u00e8\u00ef\u00ee\u00ec\u00c4\u00c5" // 0x80
            + "\u00c9\u00e6\u00c6\u00f4\u00f6\u00f2\u00fb\u00f9\u00ff\u00d6\u00dc\u00a2\u00a3\u00a5\u20a7\u0192" // 0x90
            + "\u00e1\u00ed\u00f3\u00fa\u00f1\u00d1\u00aa\u00ba\u00bf\u2310\u00ac\u00bd\u00bc\u00a1\u00ab\u00bb" // 0xa0
            + "\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255d\u255c\u255b\u2510" // 0xb0
            + "\u2514\u2534\u252c\u251c\u2500\u253c\u255e\u255f\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u2567" // 0xc0
            + "\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256b\u256a\u2518\u250c\u2588\u2584\u258c\u2590\u2580" // 0xd0
            + "\u03b1\u00df\u0393\u03c0\u03a3\u03c3\u00b5\u03c4\u03a6\u0398\u03a9\u03b4\u221e\u03c6\u03b5\u2229" // 0xe0
            + "\u2261\u00b1\u2265\u2264\u2320\u2321\u00f7\u2248\u00b0\u2219\u00b7\u221a\u207f\u00b2\u25a0\u00a0"; // 0xf0

    private Cp437() {
    }

    /** The Unicode character for a CP437 byte (its low 8 bits). */
    public static char toUnicode(int b) {
        return TABLE.charAt(b & 0xff);
    }

    /** Whether the byte's glyph is empty (NUL, space, and 0xFF, the no-break space). */
    public static boolean isBlank(int b) {
        int c = b & 0xff;
        return c == 0x00 || c == 0x20 || c == 0xff;
    }
}
