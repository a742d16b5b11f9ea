package dev.uhv.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class Cp437Test {
    @Test
    void thePicturesBelowTheSpaceAreGlyphsNotControlCharacters() {
        assertEquals('\u263a', Cp437.toUnicode(0x01), "white smiley");
        assertEquals('\u263b', Cp437.toUnicode(0x02), "black smiley");
        assertEquals('\u2665', Cp437.toUnicode(0x03), "heart");
        assertEquals('\u266a', Cp437.toUnicode(0x0d), "note, not a carriage return");
        assertEquals('\u25d9', Cp437.toUnicode(0x0a), "inverse circle, not a line feed");
        assertEquals('\u25bc', Cp437.toUnicode(0x1f));
        assertEquals('\u2302', Cp437.toUnicode(0x7f), "house, not DEL");
        assertEquals(' ', Cp437.toUnicode(0x00), "NUL's glyph is blank");
    }

    @Test
    void boxDrawingBlocksAndLetters() {
        assertEquals("\u2554\u2550\u2557\u2551\u255a\u255d", "" + Cp437.toUnicode(0xc9) + Cp437.toUnicode(0xcd)
                + Cp437.toUnicode(0xbb) + Cp437.toUnicode(0xba) + Cp437.toUnicode(0xc8) + Cp437.toUnicode(0xbc));
        assertEquals("\u250c\u2500\u2510\u2502\u2514\u2518\u253c", "" + Cp437.toUnicode(0xda) + Cp437.toUnicode(0xc4)
                + Cp437.toUnicode(0xbf) + Cp437.toUnicode(0xb3) + Cp437.toUnicode(0xc0) + Cp437.toUnicode(0xd9)
                + Cp437.toUnicode(0xc5));
        assertEquals("\u2591\u2592\u2593\u2588\u2584\u258c\u2590\u2580", "" + Cp437.toUnicode(0xb0)
                + Cp437.toUnicode(0xb1) + Cp437.toUnicode(0xb2) + Cp437.toUnicode(0xdb) + Cp437.toUnicode(0xdc)
                + Cp437.toUnicode(0xdd) + Cp437.toUnicode(0xde) + Cp437.toUnicode(0xdf));
        assertEquals('A', Cp437.toUnicode(0x41));
        assertEquals('~', Cp437.toUnicode(0x7e));
        assertEquals('\u00df', Cp437.toUnicode(0xe1), "German sharp s doubles as beta");
        assertEquals('\u00a0', Cp437.toUnicode(0xff));
        assertEquals('A', Cp437.toUnicode(0x141), "only the low byte counts");
    }

    /** Every byte but NUL (shown as a space) has a character of its own. */
    @Test
    void theMappingIsOneToOne() {
        Set<Character> seen = new HashSet<>();
        for (int b = 1; b < 256; b++) {
            seen.add(Cp437.toUnicode(b));
        }
        assertEquals(255, seen.size());
    }

    /** 0x80-0xFF against the JDK's own IBM437 (which maps 0x00-0x1F and 0x7F to controls, unlike the VGA). */
    @Test
    void theUpperHalfIsTheJdksIbm437() {
        Assumptions.assumeTrue(Charset.isSupported("IBM437"), "this JDK has no IBM437 charset");
        byte[] upper = new byte[128];
        for (int i = 0; i < 128; i++) {
            upper[i] = (byte) (0x80 + i);
        }
        String jdk = new String(upper, Charset.forName("IBM437"));
        for (int i = 0; i < 128; i++) {
            assertEquals(jdk.charAt(i), Cp437.toUnicode(0x80 + i), String.format("byte 0x%02x", 0x80 + i));
        }
    }

    @Test
    void blanksAreNulSpaceAndNoBreakSpace() {
        assertTrue(Cp437.isBlank(0x00));
        assertTrue(Cp437.isBlank(0x20));
        assertTrue(Cp437.isBlank(0xff));
        assertFalse(Cp437.isBlank(0xdb));
        assertFalse(Cp437.isBlank(0x2e));
    }
}
