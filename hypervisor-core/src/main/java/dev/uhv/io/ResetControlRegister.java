package dev.uhv.io;

import java.util.Objects;

/**
 * The reset control register at 0xCF9 of the PIIX3 and later chipsets (QEMU's piix "rcr"): writing
 * a byte with bit 2 (reset CPU) set resets the machine, which Linux uses with reboot=pci. Bit 1
 * (hard or soft reset) is stored and read back; the rest reads 0.
 */
public final class ResetControlRegister implements PortDevice {
    public static final int PORT = 0xCF9;

    static final int RESET_CPU = 0x04, SYSTEM_RESET = 0x02;

    private final Runnable reset;
    private int value;

    /** @param reset called when the guest asks for a reset */
    public ResetControlRegister(Runnable reset) {
        this.reset = Objects.requireNonNull(reset, "reset");
    }

    @Override
    public int read(int offset, int size) {
        return value;
    }

    @Override
    public void write(int offset, int size, int v) {
        if ((v & RESET_CPU) != 0) {
            reset.run();
            return;
        }
        value = v & SYSTEM_RESET;
    }

    @Override
    public String name() {
        return "reset-control";
    }
}
