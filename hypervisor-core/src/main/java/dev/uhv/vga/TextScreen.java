package dev.uhv.vga;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One picture of the 80x25 text screen: each cell's character (a CP437 byte) and attribute byte, in
 * the VGA's order (character, then attribute, row by row), the cursor, and how attribute bit 7 is
 * read. Immutable: the cells are copied in and out.
 *
 * @param cells  {@link #CELLS} pairs of character and attribute bytes
 * @param cursor where the cursor is drawn, or {@link Cursor#HIDDEN}
 * @param blink  attribute bit 7 blinks (the VGA's default) rather than selecting a bright background
 */
public record TextScreen(byte[] cells, Cursor cursor, boolean blink) {
    public static final int COLUMNS = 80, ROWS = 25, CELLS = COLUMNS * ROWS;
    /** Scan lines in a character cell (the VGA's 16-line font in mode 3). */
    public static final int CELL_LINES = 16;

    /**
     * The cursor: a bar over scan lines first to last of one cell, in the cell's foreground colour.
     *
     * @param row       0-24
     * @param column    0-79
     * @param firstLine 0-15
     * @param lastLine  firstLine-15
     */
    public record Cursor(int row, int column, int firstLine, int lastLine) {
        /** No cursor: disabled, outside the screen, or a first line after the last (a VGA draws none). */
        public static final Cursor HIDDEN = new Cursor(-1, -1, 0, 0);

        public boolean visible() {
            return row >= 0;
        }

        public boolean at(int r, int c) {
            return row == r && column == c;
        }
    }

    public TextScreen {
        if (cells.length != CELLS * 2) {
            throw new IllegalArgumentException("a text screen has " + CELLS * 2 + " bytes, not " + cells.length);
        }
        cells = cells.clone();
    }

    /** A screen of cells filled with one character and attribute, without a cursor. */
    public static TextScreen filled(int character, int attribute) {
        byte[] cells = new byte[CELLS * 2];
        for (int i = 0; i < CELLS; i++) {
            cells[2 * i] = (byte) character;
            cells[2 * i + 1] = (byte) attribute;
        }
        return new TextScreen(cells, Cursor.HIDDEN, true);
    }

    @Override
    public byte[] cells() {
        return cells.clone();
    }

    /** The CP437 byte at a cell. */
    public int character(int row, int column) {
        return cells[index(row, column)] & 0xff;
    }

    /** The attribute byte at a cell: foreground in bits 0-3, background in bits 4-6, bit 7 blink or bright. */
    public int attribute(int row, int column) {
        return cells[index(row, column) + 1] & 0xff;
    }

    /** Whether a cell looks the same in both screens (character and attribute). */
    boolean sameCell(TextScreen other, int row, int column) {
        int i = index(row, column);
        return cells[i] == other.cells[i] && cells[i + 1] == other.cells[i + 1];
    }

    /** The VGA colour index (0-15) of a cell's background, as this screen reads bit 7. */
    public int background(int row, int column) {
        return (attribute(row, column) >> 4) & (blink ? 0x7 : 0xf);
    }

    /** The VGA colour index (0-15) of a cell's foreground. */
    public int foreground(int row, int column) {
        return attribute(row, column) & 0xf;
    }

    /** Whether a cell's character blinks (attribute bit 7 with blinking on). */
    public boolean blinking(int row, int column) {
        return blink && (attribute(row, column) & 0x80) != 0;
    }

    /** The row as text (CP437 to Unicode), trailing blank characters left out whatever their colours. */
    public String textLine(int row) {
        int end = COLUMNS;
        while (end > 0 && Cp437.isBlank(character(row, end - 1))) {
            end--;
        }
        StringBuilder line = new StringBuilder(end);
        for (int c = 0; c < end; c++) {
            line.append(Cp437.toUnicode(character(row, c)));
        }
        return line.toString();
    }

    /** The 25 rows as {@link #textLine} gives them. */
    public List<String> textLines() {
        List<String> lines = new ArrayList<>(ROWS);
        for (int r = 0; r < ROWS; r++) {
            lines.add(textLine(r));
        }
        return lines;
    }

    private static int index(int row, int column) {
        if (row < 0 || row >= ROWS || column < 0 || column >= COLUMNS) {
            throw new IndexOutOfBoundsException("cell " + row + "," + column + " is outside the 80x25 screen");
        }
        return 2 * (row * COLUMNS + column);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextScreen t && blink == t.blink && cursor.equals(t.cursor)
                && Arrays.equals(cells, t.cells);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(cells) + cursor.hashCode()) + Boolean.hashCode(blink);
    }

    @Override
    public String toString() {
        return "TextScreen" + textLines() + " cursor " + cursor + (blink ? " blink" : " bright backgrounds");
    }
}
