package dev.uhv.io;

import java.util.Objects;

/**
 * PCI configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2) at 0xCF8-0xCFF, on a
 * bus with no devices. CONFIG_ADDRESS (0xCF8) is a 32-bit register: only a dword access there reaches
 * it, as on real chipsets, so an 8- or 16-bit access to 0xCF8 is plain I/O to nothing (reads all
 * ones, writes dropped); the reserved bits 30-24 and 1-0 read 0 (QEMU keeps whatever is written).
 * CONFIG_DATA (0xCFC-0xCFF) reads all ones at any width and port, since no function answers, and
 * drops writes. A byte at 0xCF9 is the chipset's reset control register, which overlays this range
 * as it does in QEMU.
 */
public final class PciConfigPorts implements PortDevice {
    public static final int BASE = 0xCF8;
    public static final int PORT_COUNT = 8;

    static final int CONFIG_ADDRESS_BITS = 0x80ff_fffc;
    private static final int RESET_CONTROL_OFFSET = ResetControlRegister.PORT - BASE;

    private final PortDevice resetControl;
    private int configAddress;

    public PciConfigPorts(ResetControlRegister resetControl) {
        this.resetControl = Objects.requireNonNull(resetControl, "resetControl");
    }

    @Override
    public int read(int offset, int size) {
        if (offset == 0 && size == 4) {
            return configAddress;
        }
        if (offset == RESET_CONTROL_OFFSET && size == 1) {
            return resetControl.read(0, 1);
        }
        return 0xffff_ffff; // no function decodes a configuration cycle; the bus masks to the access size
    }

    @Override
    public void write(int offset, int size, int value) {
        if (offset == 0 && size == 4) {
            configAddress = value & CONFIG_ADDRESS_BITS;
        } else if (offset == RESET_CONTROL_OFFSET && size == 1) {
            resetControl.write(0, 1, value);
        }
    }

    @Override
    public String name() {
        return "pci-config";
    }
}
