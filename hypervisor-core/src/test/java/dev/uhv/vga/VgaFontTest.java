package dev.uhv.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bundled font is the VGA's: checked on glyphs whose shape is not in doubt. */
class VgaFontTest {
    private final VgaFont font = VgaFont.standard();

    private List<String> glyph(int character) {
        List<String> rows = new ArrayList<>();
        for (int line = 0; line < VgaFont.HEIGHT; line++) {
            StringBuilder row = new StringBuilder();
            for (int x = 0; x < VgaFont.WIDTH; x++) {
                row.append(font.pixel(character, x, line) ? '#' : '.');
            }
            rows.add(row.toString());
        }
        return rows;
    }

    @Test
    void capitalAIsTheVgaOne() {
        assertEquals(List.of("........", "........", "...#....", "..###...", ".##.##..", "##...##.", "##...##.",
                "#######.", "##...##.", "##...##.", "##...##.", "##...##.", "........", "........", "........",
                "........"), glyph('A'));
    }

    @Test
    void blanksAreEmptyAndTheFullBlockIsFull() {
        for (int c : new int[] {0x00, 0x20, 0xff}) {
            assertFalse(glyph(c).stream().anyMatch(r -> r.contains("#")), "character " + c);
        }
        assertTrue(glyph(0xdb).stream().allMatch(r -> r.equals("########")));
        assertEquals("........", glyph(0xdc).get(0), "lower half block: empty at the top");
        assertEquals("########", glyph(0xdc).get(15), "full at the bottom");
    }

    @Test
    void boxDrawingLinesRunToTheCellEdges() {
        List<String> horizontal = glyph(0xc4);
        assertEquals(1, horizontal.stream().filter(r -> r.equals("########")).count(), "one full line across");
        List<String> vertical = glyph(0xb3);
        assertEquals(vertical.get(0), vertical.get(15), "a vertical line from top to bottom");
        assertTrue(vertical.get(0).contains("#"));
    }

    @Test
    void aFontMustHave4096Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new VgaFont(new byte[2048]));
    }
}
