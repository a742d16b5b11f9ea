package dev.uhv.io.apic;

import dev.uhv.io.MmioDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * An 82093AA-style I/O APIC with 24 pins (Intel 82093AA datasheet, 3.0 "Register Description"):
 * software selects a register by writing its index to IOREGSEL (offset 0x00) and reads or writes
 * it through IOWIN (0x10). Registers: 0 the ID (bits 27:24), 1 the version (0x170011: 24 entries,
 * version 0x11), 2 the arbitration ID (reads the ID, as QEMU and KVM), 0x10-0x3F the redirection
 * table, two dwords per pin.
 *
 * <p>Redirection entries reset masked (bit 16) and hold vector, delivery mode, destination mode,
 * polarity, trigger mode, mask and the destination (63:56); delivery status (12) and remote IRR
 * (14) are the chip's and read 0, and the reserved bits read 0. No pin raises interrupts yet: that
 * comes with interrupt delivery.
 *
 * <p>Accesses, as QEMU takes them: IOREGSEL at any size (its bits 7:0); IOWIN as an aligned 32-bit
 * access. Narrower or misaligned reads return the bytes they cover, other writes are dropped, and
 * both are reported once. The EOI register at 0x40 exists from version 0x20 on, so writes there are
 * dropped; an index that selects nothing reads all ones, as does every other offset.
 */
public final class IoApic implements MmioDevice {
    public static final long DEFAULT_BASE = 0xfec0_0000L;
    public static final long MMIO_SIZE = 0x1000;
    public static final int PINS = 24;
    static final int IOREGSEL = 0x00, IOWIN = 0x10, EOI = 0x40;
    static final int REG_ID = 0, REG_VERSION = 1, REG_ARBITRATION = 2, REG_REDIRECTION = 0x10;
    /** Maximum redirection entry 23 (bits 23:16), version 0x11. */
    public static final int VERSION = (PINS - 1) << 16 | 0x11;
    static final int ID_MASK = 0x0f00_0000;
    static final long ENTRY_MASKED = 1L << 16;
    /** Vector, delivery mode, destination mode, polarity, trigger mode, mask; destination 63:56. */
    static final long ENTRY_WRITABLE = 0xff00_0000_0001_afffL;
    private static final Logger log = LoggerFactory.getLogger(IoApic.class);

    private final long[] redirection = new long[PINS];
    private int select;
    private int id;
    private boolean oddAccessReported;

    public IoApic() {
        Arrays.fill(redirection, ENTRY_MASKED);
    }

    @Override
    public String name() {
        return "ioapic";
    }

    /** Pin's redirection entry, for interrupt delivery and the state dump. */
    public long redirectionEntry(int pin) {
        return redirection[pin];
    }

    @Override
    public long read(long offset, int size) {
        if (size == 4 && offset == IOWIN) {
            return Integer.toUnsignedLong(register(select));
        }
        if (offset != IOREGSEL) {
            reportOddAccess("read", offset, size);
        }
        return RegisterBytes.read(this::byteAt, offset, size);
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == IOREGSEL) {
            select = (int) value & 0xff;
        } else if (offset == IOWIN && size == 4) {
            writeRegister(select, (int) value);
        } else if (offset != EOI) {
            reportOddAccess("write", offset, size);
        }
    }

    private int byteAt(long offset) {
        if (offset >= IOREGSEL && offset < IOREGSEL + 4) {
            return select >>> (8 * (int) (offset - IOREGSEL)) & 0xff;
        }
        if (offset >= IOWIN && offset < IOWIN + 4) {
            return register(select) >>> (8 * (int) (offset - IOWIN)) & 0xff;
        }
        return 0xff;
    }

    private int register(int index) {
        return switch (index) {
            case REG_ID, REG_ARBITRATION -> id;
            case REG_VERSION -> VERSION;
            default -> {
                int pin = (index - REG_REDIRECTION) >>> 1;
                if (index < REG_REDIRECTION || pin >= PINS) {
                    yield -1;
                }
                yield (int) (redirection[pin] >>> ((index & 1) * 32));
            }
        };
    }

    private void writeRegister(int index, int value) {
        int pin = (index - REG_REDIRECTION) >>> 1;
        if (index == REG_ID) {
            id = value & ID_MASK;
        } else if (index >= REG_REDIRECTION && pin < PINS) {
            int shift = (index & 1) * 32;
            long half = 0xffff_ffffL << shift;
            long entry = redirection[pin];
            redirection[pin] = (entry & ~(half & ENTRY_WRITABLE)) | (Integer.toUnsignedLong(value) << shift
                    & half & ENTRY_WRITABLE);
        }
        // The version and arbitration ID registers are read-only; other indexes select nothing.
    }

    private void reportOddAccess(String op, long offset, int size) {
        if (!oddAccessReported) {
            oddAccessReported = true;
            log.warn("guest made a {}-byte {} at I/O APIC offset 0x{}: only 32-bit accesses to IOREGSEL and IOWIN "
                    + "are defined; uhv reads the registers' bytes and drops other writes (reported once)", size, op,
                    Long.toHexString(offset));
        }
    }
}
