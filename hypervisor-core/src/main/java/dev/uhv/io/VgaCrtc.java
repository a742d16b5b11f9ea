package dev.uhv.io;

/**
 * The VGA's registers at 0x3C0-0x3DF (colour addressing), as the BIOS leaves them after setting
 * text mode 3 (80x25, 16 colours): what a guest that writes to the text buffer at 0xB8000 programs
 * and polls. The CRT controller (index 0x3D4, data 0x3D5, registers 0x00-0x18, with the write
 * protection of registers 0x00-0x07 by register 0x11 bit 7) holds the display start address
 * (0x0C/0x0D), the cursor location (0x0E/0x0F) and the cursor's first and last scan lines
 * (0x0A/0x0B, bit 5 of 0x0A hides it); the renderers in dev.uhv.vga read them through
 * {@link #state()}. The attribute controller (0x3C0 index and data through one flip-flop, 0x3C1 to
 * read) holds mode control register 0x10, whose bit 3 says whether attribute bit 7 blinks or
 * selects a bright background. The sequencer (0x3C4/0x3C5) and the graphics controller
 * (0x3CE/0x3CF) keep their registers and read them back; the miscellaneous output register is
 * written at 0x3C2 and read at 0x3CC.
 *
 * <p>Input status 1 (0x3DA) toggles between "in vertical retrace" (bits 3 and 0) and "displaying"
 * at every read, so both halves of the usual wait for retrace end at once; reading it also resets
 * the attribute controller's flip-flop to index, as on a VGA. Nothing here changes what the
 * renderers draw beyond the registers above: no graphics modes, no fonts loaded by the guest, no
 * DAC (0x3C6-0x3C9 read all ones like an unclaimed port; writes are dropped). Word and dword
 * accesses are split into byte accesses at consecutive ports, as the ISA bus does: {@code outw
 * 0x3D4} with the index in AL and the value in AH writes both.
 *
 * <p>The vCPU thread writes the registers while --vga live reads them from another thread, hence
 * the lock; it is never contended on the trap path.
 */
public final class VgaCrtc implements PortDevice {
    public static final int BASE = 0x3C0;
    public static final int PORT_COUNT = 0x20;

    static final int ATTRIBUTE = 0x00, ATTRIBUTE_READ = 0x01, MISC_WRITE = 0x02, SEQUENCER_INDEX = 0x04,
            SEQUENCER_DATA = 0x05, MISC_READ = 0x0C, GRAPHICS_INDEX = 0x0E, GRAPHICS_DATA = 0x0F,
            CRTC_INDEX = 0x14, CRTC_DATA = 0x15, INPUT_STATUS_1 = 0x1A;
    static final int CURSOR_START = 0x0A, CURSOR_END = 0x0B, START_HIGH = 0x0C, START_LOW = 0x0D,
            CURSOR_HIGH = 0x0E, CURSOR_LOW = 0x0F, VERTICAL_RETRACE_END = 0x11, ATTRIBUTE_MODE = 0x10;
    static final int CURSOR_DISABLE = 0x20, PROTECT = 0x80, BLINK_ENABLE = 0x08;
    static final int RETRACE = 0x09;
    private static final int UNCLAIMED = 0xff;

    /** Mode 3's registers as a VGA BIOS programs them (its mode 3 table: 720x400, 9x16 cells). */
    private static final int[] CRTC_MODE3 = {0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d,
            0x0e, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff};
    private static final int[] SEQUENCER_MODE3 = {0x03, 0x00, 0x03, 0x00, 0x02};
    private static final int[] GRAPHICS_MODE3 = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x00, 0xff};
    private static final int[] ATTRIBUTE_MODE3 = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39,
            0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x0c, 0x00, 0x0f, 0x08, 0x00};
    private static final int MISC_MODE3 = 0x67;

    /**
     * What the text renderers need from the registers, at one instant.
     *
     * @param startAddress   the display start address (words from 0xB8000), CRTC 0x0C/0x0D
     * @param cursorLocation the cursor's address (words from 0xB8000), CRTC 0x0E/0x0F
     * @param cursorStart    the cursor's first scan line in the cell (0-31), CRTC 0x0A bits 0-4
     * @param cursorEnd      its last scan line, CRTC 0x0B bits 0-4
     * @param cursorEnabled  CRTC 0x0A bit 5 clear
     * @param blink          attribute bit 7 blinks (attribute mode control bit 3) rather than
     *                       selecting a bright background
     */
    public record State(int startAddress, int cursorLocation, int cursorStart, int cursorEnd, boolean cursorEnabled,
                        boolean blink) {
        /** Mode 3 as the BIOS leaves it: start 0, cursor at 0 on lines 13-14, blinking. */
        public static final State MODE3 = new State(0, 0, CRTC_MODE3[CURSOR_START], CRTC_MODE3[CURSOR_END], true, true);
    }

    private final int[] crtc = CRTC_MODE3.clone();
    private final int[] sequencer = SEQUENCER_MODE3.clone();
    private final int[] graphics = GRAPHICS_MODE3.clone();
    private final int[] attribute = ATTRIBUTE_MODE3.clone();
    private int misc = MISC_MODE3;
    private int crtcIndex, sequencerIndex, graphicsIndex;
    /** The attribute controller's index byte (bits 0-4 register, bit 5 palette address source). */
    private int attributeIndex;
    private boolean attributeFlipFlopData;
    private boolean inRetrace;

    @Override
    public synchronized int read(int offset, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= readByte(offset + i) << (8 * i);
        }
        return value;
    }

    @Override
    public synchronized void write(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            writeByte(offset + i, (value >>> (8 * i)) & 0xff);
        }
    }

    @Override
    public String name() {
        return "vga";
    }

    /** The registers the renderers draw with. */
    public synchronized State state() {
        return new State(crtc[START_HIGH] << 8 | crtc[START_LOW], crtc[CURSOR_HIGH] << 8 | crtc[CURSOR_LOW],
                crtc[CURSOR_START] & 0x1f, crtc[CURSOR_END] & 0x1f, (crtc[CURSOR_START] & CURSOR_DISABLE) == 0,
                (attribute[ATTRIBUTE_MODE] & BLINK_ENABLE) != 0);
    }

    private int readByte(int offset) {
        return switch (offset) {
            case ATTRIBUTE -> attributeIndex;
            case ATTRIBUTE_READ -> indexed(attribute, attributeIndex & 0x1f);
            case MISC_WRITE -> 0; // input status 0: no retrace interrupt pending, switch sense 0
            case MISC_READ -> misc;
            case SEQUENCER_INDEX -> sequencerIndex;
            case SEQUENCER_DATA -> indexed(sequencer, sequencerIndex);
            case GRAPHICS_INDEX -> graphicsIndex;
            case GRAPHICS_DATA -> indexed(graphics, graphicsIndex);
            case CRTC_INDEX -> crtcIndex;
            case CRTC_DATA -> indexed(crtc, crtcIndex);
            case INPUT_STATUS_1 -> {
                attributeFlipFlopData = false;
                inRetrace = !inRetrace;
                yield inRetrace ? RETRACE : 0;
            }
            default -> UNCLAIMED;
        };
    }

    private void writeByte(int offset, int value) {
        switch (offset) {
            case ATTRIBUTE -> {
                if (attributeFlipFlopData) {
                    store(attribute, attributeIndex & 0x1f, value);
                } else {
                    attributeIndex = value & 0x3f;
                }
                attributeFlipFlopData = !attributeFlipFlopData;
            }
            case MISC_WRITE -> misc = value;
            case SEQUENCER_INDEX -> sequencerIndex = value;
            case SEQUENCER_DATA -> store(sequencer, sequencerIndex, value);
            case GRAPHICS_INDEX -> graphicsIndex = value;
            case GRAPHICS_DATA -> store(graphics, graphicsIndex, value);
            case CRTC_INDEX -> crtcIndex = value;
            case CRTC_DATA -> writeCrtc(value);
            default -> {
                // the DAC, feature control (0x3DA) and the unused ports: nothing here draws with them
            }
        }
    }

    /** Registers 0x00-0x07 are read-only while 0x11 bit 7 is set, except 0x07 bit 4 (line compare bit 8). */
    private void writeCrtc(int value) {
        if ((crtc[VERTICAL_RETRACE_END] & PROTECT) != 0 && crtcIndex <= 0x07) {
            if (crtcIndex == 0x07) {
                crtc[0x07] = (crtc[0x07] & ~0x10) | (value & 0x10);
            }
            return;
        }
        store(crtc, crtcIndex, value);
    }

    /** A register beyond the set reads all ones, as the index selects nothing. */
    private static int indexed(int[] registers, int index) {
        return index < registers.length ? registers[index] : UNCLAIMED;
    }

    private static void store(int[] registers, int index, int value) {
        if (index < registers.length) {
            registers[index] = value;
        }
    }
}
