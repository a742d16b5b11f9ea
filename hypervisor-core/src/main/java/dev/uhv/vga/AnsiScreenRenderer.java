package dev.uhv.vga;

/**
 * Draws a {@link TextScreen} for a terminal with ANSI (ECMA-48) escape sequences, in the 16 VGA
 * colours: the foreground from attribute bits 0-3 (SGR 30-37, bright 90-97), the background from
 * bits 4-6 (SGR 40-47). Attribute bit 7 follows the VGA's attribute controller: by default it makes
 * the character blink (SGR 5, as the BIOS sets mode 3 up); a guest that turns blinking off (mode
 * control bit 3, INT 10h AX=1003h) gets bright backgrounds from bits 4-7 (SGR 100-107). Black is
 * written out (SGR 40), never left to the terminal's own background, so the picture is the VGA's on
 * a light terminal too.
 *
 * <p>Two forms: {@link #coloured} prints the screen once as 25 lines (at exit), {@link #update} moves
 * a live terminal from one screen to the next, writing only the cells that changed.
 */
public final class AnsiScreenRenderer {
    static final String CSI = "\u001b[";
    /** Switches to the terminal's alternate screen (xterm's private mode 1049), so that leaving restores it. */
    public static final String ENTER_ALTERNATE_SCREEN = CSI + "?1049h";
    /** Plain attributes, the terminal's own cursor shape, the cursor shown, back to the normal screen. */
    public static final String LEAVE_ALTERNATE_SCREEN = CSI + "0m" + CSI + "0 q" + CSI + "?25h" + CSI + "?1049l";
    /** ANSI colour numbers of VGA colours 0-7 (VGA: black, blue, green, cyan, red, magenta, brown, grey). */
    private static final int[] ANSI_COLOUR = {0, 4, 2, 6, 1, 5, 3, 7};
    /** A style value that no cell has: the next cell always sets its attributes. */
    private static final int NO_STYLE = -1;
    private static final int BLINKING = 1 << 8, UNDERLINED = 1 << 9;
    /** The cursor from line 8 of the cell down looks like an underline, above that like a block. */
    private static final int UNDERLINE_CURSOR_FIRST_LINE = 8;

    private AnsiScreenRenderer() {
    }

    /** The 25 rows as plain text, each ended by a newline, trailing blanks left out. */
    public static String plain(TextScreen screen) {
        StringBuilder out = new StringBuilder();
        for (String line : screen.textLines()) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /**
     * The 25 rows in colour, each ended by SGR 0 and a newline; the cursor's cell is underlined.
     * Trailing cells that show nothing (a blank character on black, not the cursor) are left out.
     */
    public static String coloured(TextScreen screen) {
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < TextScreen.ROWS; r++) {
            int end = TextScreen.COLUMNS;
            while (end > 0 && showsNothing(screen, r, end - 1)) {
                end--;
            }
            int style = NO_STYLE;
            for (int c = 0; c < end; c++) {
                int cellStyle = style(screen, r, c, screen.cursor().at(r, c));
                if (cellStyle != style) {
                    appendSgr(out, cellStyle);
                    style = cellStyle;
                }
                out.append(Cp437.toUnicode(screen.character(r, c)));
            }
            if (style != NO_STYLE) {
                out.append(CSI).append("0m");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * What moves a terminal that shows previous (at its top left, in the alternate screen) to
     * current: the changed cells, each placed with CUP where it does not follow the last one, then
     * the terminal's cursor on the VGA cursor (or hidden). With no previous screen the terminal is
     * cleared and every cell written. Empty when nothing changed.
     */
    public static String update(TextScreen previous, TextScreen current) {
        StringBuilder out = new StringBuilder();
        boolean all = previous == null || previous.blink() != current.blink();
        if (previous == null) {
            out.append(CSI).append("0m").append(CSI).append("2J");
        }
        int style = NO_STYLE;
        int atRow = -1, atColumn = -1;
        for (int r = 0; r < TextScreen.ROWS; r++) {
            for (int c = 0; c < TextScreen.COLUMNS; c++) {
                if (!all && current.sameCell(previous, r, c)) {
                    continue;
                }
                if (r != atRow || c != atColumn) {
                    moveTo(out, r, c);
                }
                int cellStyle = style(current, r, c, false);
                if (cellStyle != style) {
                    appendSgr(out, cellStyle);
                    style = cellStyle;
                }
                out.append(Cp437.toUnicode(current.character(r, c)));
                atRow = r;
                // After the last column the terminal waits to wrap: the next cell is placed explicitly.
                atColumn = c + 1 < TextScreen.COLUMNS ? c + 1 : -1;
            }
        }
        if (style == NO_STYLE && previous != null && previous.cursor().equals(current.cursor())) {
            return "";
        }
        if (style != NO_STYLE) {
            out.append(CSI).append("0m");
        }
        TextScreen.Cursor cursor = current.cursor();
        if (cursor.visible()) {
            moveTo(out, cursor.row(), cursor.column());
            // DECSCUSR: a blinking underline or block, as the VGA's cursor blinks
            out.append(CSI).append(cursor.firstLine() >= UNDERLINE_CURSOR_FIRST_LINE ? "3" : "1").append(" q");
            out.append(CSI).append("?25h");
        } else {
            out.append(CSI).append("?25l");
        }
        return out.toString();
    }

    private static boolean showsNothing(TextScreen s, int row, int column) {
        return Cp437.isBlank(s.character(row, column)) && s.background(row, column) == 0
                && !s.cursor().at(row, column);
    }

    private static int style(TextScreen s, int row, int column, boolean underline) {
        return s.foreground(row, column) | s.background(row, column) << 4
                | (s.blinking(row, column) ? BLINKING : 0) | (underline ? UNDERLINED : 0);
    }

    /** SGR from a reset: blink and underline when the style has them, then foreground and background. */
    private static void appendSgr(StringBuilder out, int style) {
        out.append(CSI).append('0');
        if ((style & BLINKING) != 0) {
            out.append(";5");
        }
        if ((style & UNDERLINED) != 0) {
            out.append(";4");
        }
        int fg = style & 0xf, bg = (style >> 4) & 0xf;
        out.append(';').append(fg < 8 ? 30 + ANSI_COLOUR[fg] : 90 + ANSI_COLOUR[fg - 8]);
        out.append(';').append(bg < 8 ? 40 + ANSI_COLOUR[bg] : 100 + ANSI_COLOUR[bg - 8]);
        out.append('m');
    }

    private static void moveTo(StringBuilder out, int row, int column) {
        out.append(CSI).append(row + 1).append(';').append(column + 1).append('H');
    }
}
