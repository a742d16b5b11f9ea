package dev.uhv.io;

/**
 * The PIIX/ICH edge/level control registers at 0x4D0 (IRQ 0-7) and 0x4D1 (IRQ 8-15): a set bit makes
 * that IRQ level-triggered. IRQ 0, 1, 2, 8 and 13 are always edge-triggered, so their bits read 0
 * (QEMU's masks 0xf8 and 0xde). Both registers reset to 0. Stored for the guest to read back; the
 * PICs take every request as an edge until level-triggered lines are modelled.
 */
public final class Elcr implements PortDevice {
    public static final int BASE = 0x4D0;
    public static final int PORT_COUNT = 2;

    private static final int[] WRITABLE = {0xf8, 0xde};

    private final int[] registers = new int[PORT_COUNT];

    /** A word access covers both registers, low byte first; bytes past 0x4D1 float high. */
    @Override
    public int read(int offset, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= (offset + i < PORT_COUNT ? registers[offset + i] : 0xff) << (8 * i);
        }
        return value;
    }

    @Override
    public void write(int offset, int size, int value) {
        for (int i = 0; i < size && offset + i < PORT_COUNT; i++) {
            registers[offset + i] = (value >>> (8 * i)) & WRITABLE[offset + i];
        }
    }

    @Override
    public String name() {
        return "elcr";
    }
}
