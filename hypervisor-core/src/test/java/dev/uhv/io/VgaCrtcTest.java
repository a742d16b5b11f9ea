package dev.uhv.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The VGA's registers through their ports (offsets from 0x3C0), and the state the renderers read. */
class VgaCrtcTest {
    private static final int CRTC_INDEX = 0x3d4 - VgaCrtc.BASE, CRTC_DATA = 0x3d5 - VgaCrtc.BASE,
            STATUS_1 = 0x3da - VgaCrtc.BASE, ATTRIBUTE = 0x3c0 - VgaCrtc.BASE, ATTRIBUTE_READ = 0x3c1 - VgaCrtc.BASE;

    private final VgaCrtc vga = new VgaCrtc();

    private void crtc(int register, int value) {
        vga.write(CRTC_INDEX, 1, register);
        vga.write(CRTC_DATA, 1, value);
    }

    private int crtc(int register) {
        vga.write(CRTC_INDEX, 1, register);
        return vga.read(CRTC_DATA, 1);
    }

    @Test
    void startsAsTheBiosLeavesMode3() {
        assertEquals(VgaCrtc.State.MODE3, vga.state());
        assertEquals(new VgaCrtc.State(0, 0, 13, 14, true, true), vga.state());
        assertEquals(0x4f, crtc(0x09), "maximum scan line: 16-line cells");
        assertEquals(0x67, vga.read(0x3cc - VgaCrtc.BASE, 1), "miscellaneous output: colour, 28 MHz");
    }

    @Test
    void cursorAndStartAddressGoThroughIndexAndData() {
        crtc(0x0e, 0x03);
        crtc(0x0f, 0xc4);
        crtc(0x0c, 0x00);
        crtc(0x0d, 0x50);
        crtc(0x0a, 0x0e);
        crtc(0x0b, 0x0f);
        assertEquals(new VgaCrtc.State(0x50, 0x3c4, 14, 15, true, true), vga.state());
        assertEquals(0x03, crtc(0x0e));
        assertEquals(0xc4, crtc(0x0f));
        assertEquals(0x0f, vga.read(CRTC_INDEX, 1), "the index reads back");
    }

    @Test
    void aWordWriteToTheIndexPortWritesIndexAndData() {
        vga.write(CRTC_INDEX, 2, 0x070e);
        vga.write(CRTC_INDEX, 2, 0xd00f);
        assertEquals(0x7d0, vga.state().cursorLocation());
        assertEquals(0xd00f, vga.read(CRTC_INDEX, 2), "a word read covers index and data too");
    }

    @Test
    void bit5OfCursorStartHidesTheCursor() {
        crtc(0x0a, 0x20 | 0x03);
        assertFalse(vga.state().cursorEnabled());
        assertEquals(3, vga.state().cursorStart());
        crtc(0x0a, 0x03);
        assertTrue(vga.state().cursorEnabled());
    }

    @Test
    void registers0To7AreWriteProtectedByRegister11Bit7() {
        crtc(0x01, 0x27);
        assertEquals(0x4f, crtc(0x01), "protected after mode 3 (0x11 = 0x8e)");
        crtc(0x07, 0x00);
        assertEquals(0x1f & ~0x10, crtc(0x07), "only bit 4 of 0x07 stays writable");
        crtc(0x11, 0x0e);
        crtc(0x01, 0x27);
        assertEquals(0x27, crtc(0x01), "writable once the protection is off");
        assertEquals(0xff, crtc(0x40), "a register beyond 0x18 reads all ones");
    }

    @Test
    void inputStatus1TogglesRetraceAtEachRead() {
        int first = vga.read(STATUS_1, 1), second = vga.read(STATUS_1, 1), third = vga.read(STATUS_1, 1);
        assertNotEquals(first & 0x08, second & 0x08, "a wait for the retrace to end, or to start, ends at once");
        assertEquals(first, third);
        assertEquals(0x09, first | second, "vertical retrace and display disabled");
    }

    @Test
    void attributeControllerTakesIndexThenDataAndStatusReadResetsTheFlipFlop() {
        vga.write(ATTRIBUTE, 1, 0x10);
        vga.read(STATUS_1, 1); // back to the index
        vga.write(ATTRIBUTE, 1, 0x30); // index 0x10, palette address source set
        vga.write(ATTRIBUTE, 1, 0x04); // data: line graphics, blinking off
        assertEquals(0x30, vga.read(ATTRIBUTE, 1));
        assertEquals(0x04, vga.read(ATTRIBUTE_READ, 1));
        assertFalse(vga.state().blink(), "attribute bit 7 now selects bright backgrounds");
        vga.write(ATTRIBUTE, 1, 0x12); // the flip-flop is at index again
        assertEquals(0x0f, vga.read(ATTRIBUTE_READ, 1), "colour plane enable");
    }

    @Test
    void sequencerGraphicsAndMiscOutputReadBack() {
        vga.write(0x3c4 - VgaCrtc.BASE, 2, 0x0f02);
        assertEquals(0x0f, vga.read(0x3c5 - VgaCrtc.BASE, 1));
        vga.write(0x3ce - VgaCrtc.BASE, 1, 0x06);
        assertEquals(0x0e, vga.read(0x3cf - VgaCrtc.BASE, 1), "graphics miscellaneous: text at 0xB8000");
        vga.write(0x3c2 - VgaCrtc.BASE, 1, 0x63);
        assertEquals(0x63, vga.read(0x3cc - VgaCrtc.BASE, 1));
    }

    @Test
    void theDacAndUnusedPortsReadAllOnes() {
        vga.write(0x3c8 - VgaCrtc.BASE, 1, 0x01);
        assertEquals(0xff, vga.read(0x3c9 - VgaCrtc.BASE, 1));
        assertEquals(0xff, vga.read(0x3d0 - VgaCrtc.BASE, 1));
    }
}
