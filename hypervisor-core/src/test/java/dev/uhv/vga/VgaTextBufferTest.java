package dev.uhv.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.io.VgaCrtc;
import dev.uhv.memory.GuestMemory;
import org.junit.jupiter.api.Test;

class VgaTextBufferTest {
    private static final long TEXT = VgaTextBuffer.ADDRESS;

    private final GuestMemory ram = GuestMemory.allocate(1 << 20);
    private final VgaTextBuffer buffer = new VgaTextBuffer(ram);

    private static VgaCrtc.State registers(int start, int cursor, int first, int last, boolean enabled) {
        return new VgaCrtc.State(start, cursor, first, last, enabled, true);
    }

    /** A cell as a guest stores it: the character in the low byte, the attribute in the high one. */
    private void cell(long offsetInCells, int character, int attribute) {
        ram.writeU16(TEXT + 2 * offsetInCells, attribute << 8 | character);
    }

    @Test
    void readsCharacterAndAttributeOfEachCell() {
        cell(0, 'H', 0x1f);
        cell(1, 'i', 0x4e);
        cell(24 * 80 + 79, 0xdb, 0x0a);
        TextScreen s = buffer.read(VgaCrtc.State.MODE3);
        assertEquals('H', s.character(0, 0));
        assertEquals(0x1f, s.attribute(0, 0));
        assertEquals('i', s.character(0, 1));
        assertEquals(0x4e, s.attribute(0, 1));
        assertEquals(0xdb, s.character(24, 79));
        assertEquals(0x0a, s.attribute(24, 79));
        assertEquals("Hi", s.textLine(0));
    }

    @Test
    void theSnapshotDoesNotFollowLaterStores() {
        cell(0, 'A', 0x07);
        TextScreen before = buffer.read(VgaCrtc.State.MODE3);
        cell(0, 'B', 0x07);
        assertEquals('A', before.character(0, 0));
        assertEquals('B', buffer.read(VgaCrtc.State.MODE3).character(0, 0));
        assertNotEquals(before, buffer.read(VgaCrtc.State.MODE3));
        byte[] copy = before.cells();
        copy[0] = 'Z';
        assertEquals('A', before.character(0, 0), "cells() hands out a copy");
    }

    @Test
    void theStartAddressPicksWhereTheScreenBegins() {
        cell(2000, 'P', 0x07); // page 1 of a BIOS's 4000-byte pages starts at word 2048; any start works
        TextScreen s = buffer.read(registers(2000, 0, 13, 14, true));
        assertEquals('P', s.character(0, 0));
    }

    @Test
    void theScreenWrapsWithinThe32KiBWindow() {
        int start = 0x4000 - 40; // 40 cells before the end of the window
        cell(0x4000 - 1, 'E', 0x07);
        cell(0, 'W', 0x07);
        TextScreen s = buffer.read(registers(start, 0, 13, 14, true));
        assertEquals('E', s.character(0, 39));
        assertEquals('W', s.character(0, 40), "after 0xBFFFF comes 0xB8000");
    }

    @Test
    void theCursorCellIsCountedFromTheStartAddress() {
        TextScreen.Cursor c = buffer.read(registers(0, 12 * 80 + 4, 14, 15, true)).cursor();
        assertEquals(new TextScreen.Cursor(12, 4, 14, 15), c);
        assertEquals(new TextScreen.Cursor(0, 4, 14, 15),
                buffer.read(registers(12 * 80, 12 * 80 + 4, 14, 15, true)).cursor());
    }

    @Test
    void aCursorTheVgaWouldNotDrawIsHidden() {
        assertFalse(buffer.read(registers(0, 100, 13, 14, false)).cursor().visible(), "disabled (0x0A bit 5)");
        assertFalse(buffer.read(registers(0, 2000, 13, 14, true)).cursor().visible(), "beyond the screen");
        assertFalse(buffer.read(registers(0, 100, 10, 5, true)).cursor().visible(), "first line after the last");
        assertFalse(buffer.read(registers(100, 50, 13, 14, true)).cursor().visible(), "before the start address");
        TextScreen.Cursor tall = buffer.read(registers(0, 100, 0, 31, true)).cursor();
        assertTrue(tall.visible());
        assertEquals(15, tall.lastLine(), "no further than the cell's last line");
    }

    @Test
    void blinkingComesFromTheRegisters() {
        assertTrue(buffer.read(VgaCrtc.State.MODE3).blink());
        assertFalse(buffer.read(new VgaCrtc.State(0, 0, 13, 14, true, false)).blink());
    }

    @Test
    void refusesRamThatDoesNotHoldTheWindow() {
        assertThrows(IllegalArgumentException.class, () -> new VgaTextBuffer(GuestMemory.allocate(0xb8000 + 4000)));
        assertTrue(VgaTextBuffer.covers(0xc0000));
        assertFalse(VgaTextBuffer.covers(0xbf000));
    }
}
