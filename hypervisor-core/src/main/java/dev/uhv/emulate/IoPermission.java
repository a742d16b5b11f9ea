package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.VirtualCpu;

/**
 * Protected-mode I/O permission (SDM Vol. 1, 19.5): at CPL <= IOPL every port is open; above it, each
 * port the access touches must have a clear bit in the TSS's I/O permission bitmap, else #GP(0).
 */
final class IoPermission {
    /** Offset of the 16-bit I/O map base in a 32- or 64-bit TSS. */
    private static final int IO_MAP_BASE = 0x66;

    private IoPermission() {
    }

    static void check(Machine m, int port, int size) throws GuestFault {
        VirtualCpu cpu = m.cpu();
        if (cpu.cpl() <= cpu.iopl()) {
            return;
        }
        SegmentRegister tr = cpu.tables().tr();
        if ((tr.selector() & ~3) != 0 && IO_MAP_BASE + 1 <= tr.limit()) {
            long mapBase = m.read(tr.base() + IO_MAP_BASE, 2);
            long byteOffset = mapBase + port / 8;
            // Two bytes are read, as the CPU does, so an access across a byte boundary is covered.
            if (byteOffset + 1 <= tr.limit()) {
                long bits = m.read(tr.base() + byteOffset, 2) >>> (port % 8);
                if ((bits & ((1L << size) - 1)) == 0) {
                    return;
                }
            }
        }
        throw GuestFault.gp(String.format("port 0x%x at CPL%d above IOPL %d, not allowed by the TSS I/O bitmap", port,
                cpu.cpl(), cpu.iopl()));
    }
}
