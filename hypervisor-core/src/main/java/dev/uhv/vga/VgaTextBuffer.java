package dev.uhv.vga;

import dev.uhv.io.VgaCrtc;
import dev.uhv.memory.GuestMemory;

/**
 * The colour text buffer at guest-physical 0xB8000: reads the 80x25 screen the CRT controller
 * shows into a {@link TextScreen}. uhv's guest RAM runs through 0xA0000-0xFFFFF (there is no ISA
 * hole), so the guest's stores to the buffer are ordinary RAM writes that run natively, and this
 * reads them from the shared mapping, with no trap and no device.
 *
 * <p>The screen starts at the CRTC's start address (in words from 0xB8000; a guest flips pages
 * with it) and wraps within the 32 KiB window 0xB8000-0xBFFFF, as the VGA's address counter does in
 * text mode. A read races the guest's stores: a cell may be caught half written, as on a real
 * screen.
 */
public final class VgaTextBuffer {
    /** Where the colour text buffer starts. */
    public static final long ADDRESS = 0xB8000;
    /** The text window at 0xB8000 (32 KiB, to 0xBFFFF): guest RAM must hold it. */
    public static final int WINDOW = 0x8000;

    private final GuestMemory memory;

    /** @throws IllegalArgumentException if guest RAM does not reach the end of the window */
    public VgaTextBuffer(GuestMemory memory) {
        if (!covers(memory.size())) {
            throw new IllegalArgumentException(String.format("guest RAM (0x%x bytes) does not hold the text buffer "
                    + "at 0x%x-0x%x", memory.size(), ADDRESS, ADDRESS + WINDOW - 1));
        }
        this.memory = memory;
    }

    /** Whether guest RAM of this size holds the whole text window. */
    public static boolean covers(long ramSize) {
        return ramSize >= ADDRESS + WINDOW;
    }

    /** The screen as the registers show it now. */
    public TextScreen read(VgaCrtc.State registers) {
        byte[] cells = new byte[TextScreen.CELLS * 2];
        int start = (registers.startAddress() * 2) % WINDOW;
        int first = Math.min(cells.length, WINDOW - start);
        memory.read(ADDRESS + start, cells, 0, first);
        memory.read(ADDRESS, cells, first, cells.length - first);
        return new TextScreen(cells, cursor(registers), registers.blink());
    }

    /** Where the VGA draws the cursor: its cell relative to the start address, and its scan lines. */
    static TextScreen.Cursor cursor(VgaCrtc.State r) {
        int cell = (r.cursorLocation() - r.startAddress()) & 0xffff;
        int last = Math.min(r.cursorEnd(), TextScreen.CELL_LINES - 1);
        if (!r.cursorEnabled() || cell >= TextScreen.CELLS || r.cursorStart() > last) {
            return TextScreen.Cursor.HIDDEN;
        }
        return new TextScreen.Cursor(cell / TextScreen.COLUMNS, cell % TextScreen.COLUMNS, r.cursorStart(), last);
    }
}
