package dev.uhv.io;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The PC's CMOS real-time clock and NVRAM (Motorola MC146818A datasheet) at ports 0x70 (index; bit 7
 * disables NMI, recorded) and 0x71 (data): 128 bytes. Time and date (0x00, 0x02, 0x04, 0x06-0x09 and
 * the century byte 0x32) are computed from the host wall clock in UTC when read, in BCD or binary
 * and 12- or 24-hour format as status B says. Like QEMU, uhv keeps the guest's time as an offset
 * from the host's: a write to a time register (at once, or when status B's SET bit is cleared) moves
 * that offset, and the host keeps the clock ticking. While SET is on, the time registers hold what
 * was there when it was set, plus the guest's writes, as on the chip. The day of the week follows
 * the date: a write to it is kept only until the registers are next computed.
 *
 * <p>Status A: UIP reads 1 in the last 244 us of each second (as QEMU's), divider and rate bits are
 * stored (0x26 at reset); the clock does not stop for a divider reset. Status B: 0x02 at reset
 * (24-hour, BCD); daylight saving (DSE) is ignored. Status C reads and clears UF (a second passed
 * since the last read) and PF (a period of the rate in A passed), with IRQF when an enabled flag is
 * set; AF is not computed. No interrupt is raised (IRQ 8 is a later issue). Status D reads 0x80
 * (valid RAM and time). The alarm registers hold what the guest writes.
 *
 * <p>The memory-size bytes are QEMU's (hw/i386/pc.c, pc_cmos_init): base memory in KiB (at most 640)
 * at 0x15/0x16, memory above 1 MiB in KiB (at most 0xffff) at 0x17/0x18 and 0x30/0x31, memory above
 * 16 MiB in 64 KiB units (at most 0xffff) at 0x34/0x35. Guest RAM never reaches 4 GiB, so the bytes
 * for memory above it (0x5b-0x5d) are 0. Every other byte is plain NVRAM, 0 at start.
 */
public final class CmosRtc implements PortDevice {
    public static final int BASE = 0x70;
    public static final int PORT_COUNT = 2;
    public static final int SIZE = 128;

    static final int SECONDS = 0x00, MINUTES = 0x02, HOURS = 0x04, DAY_OF_WEEK = 0x06, DAY_OF_MONTH = 0x07,
            MONTH = 0x08, YEAR = 0x09, STATUS_A = 0x0a, STATUS_B = 0x0b, STATUS_C = 0x0c, STATUS_D = 0x0d,
            CENTURY = 0x32;
    static final int A_UIP = 0x80, A_DIVIDER = 0x70, A_DIVIDER_NORMAL = 0x20, A_RATE = 0x0f, A_RESET = 0x26;
    static final int B_SET = 0x80, B_UIE = 0x10, B_BINARY = 0x04, B_24_HOUR = 0x02, B_RESET = B_24_HOUR;
    /** The interrupt enables of B line up with the flags of C: PIE/PF 0x40, AIE/AF 0x20, UIE/UF 0x10. */
    static final int C_IRQF = 0x80, C_PF = 0x40, C_UF = 0x10, INTERRUPT_BITS = 0x70;
    static final int D_VRT = 0x80;
    static final int HOUR_PM = 0x80;
    static final int NMI_DISABLE = 0x80;
    static final int BASE_MEMORY_LOW = 0x15, EXTENDED_MEMORY_LOW = 0x17, EXTENDED_MEMORY_COPY_LOW = 0x30,
            MEMORY_ABOVE_16M_LOW = 0x34;

    /** UIP's lead: 8 cycles of the 32.768 kHz time base (MC146818A: 244 us before the update). */
    static final long UIP_NANOS = 244_140;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long TIME_BASE_HZ = 32_768;
    private static final int[] TIME_REGISTERS = {SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR,
        CENTURY};

    private final LongSupplier wallClock;
    private final int[] ram = new int[SIZE];
    private int index;
    private boolean nmiDisabled;
    /** Guest time minus host time, in whole seconds. */
    private long offsetSeconds;
    private long lastStatusCRead;

    /**
     * @param ramSize   guest RAM in bytes, for the memory-size bytes
     * @param wallClock host nanoseconds since the epoch
     */
    public CmosRtc(long ramSize, LongSupplier wallClock) {
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        ram[STATUS_A] = A_RESET;
        ram[STATUS_B] = B_RESET;
        ram[STATUS_D] = D_VRT;
        final long kib = 1024, mib = kib * kib;
        setWord(BASE_MEMORY_LOW, Math.min(ramSize / kib, 640));
        long extended = Math.min(Math.max(ramSize - mib, 0) / kib, 0xffff);
        setWord(EXTENDED_MEMORY_LOW, extended);
        setWord(EXTENDED_MEMORY_COPY_LOW, extended);
        setWord(MEMORY_ABOVE_16M_LOW, Math.min(Math.max(ramSize - 16 * mib, 0) / (64 * kib), 0xffff));
        lastStatusCRead = wallClock.getAsLong();
    }

    /** Whether the guest's last index write set bit 7 (NMI disabled); there is no NMI to mask yet. */
    public boolean nmiDisabled() {
        return nmiDisabled;
    }

    @Override
    public int read(int offset, int size) {
        if (offset == 0) {
            return 0xff; // the index register is write-only; QEMU reads 0xff
        }
        long now = wallClock.getAsLong();
        return switch (index) {
            case STATUS_A -> ram[STATUS_A] | (updateInProgress(now) ? A_UIP : 0);
            case STATUS_C -> readStatusC(now);
            default -> isTimeRegister(index) && !halted() ? timeField(index, now) : ram[index];
        };
    }

    @Override
    public void write(int offset, int size, int value) {
        int v = value & 0xff;
        if (offset == 0) {
            index = v & 0x7f;
            nmiDisabled = (v & NMI_DISABLE) != 0;
            return;
        }
        long now = wallClock.getAsLong();
        switch (index) {
            case STATUS_A -> ram[STATUS_A] = v & ~A_UIP;
            case STATUS_B -> writeStatusB(v, now);
            case STATUS_C, STATUS_D -> { } // read-only
            default -> {
                if (isTimeRegister(index) && !halted()) {
                    // As QEMU: the write takes effect at once, the other fields keep their values.
                    freezeTime(now);
                    ram[index] = v;
                    setTimeFromRegisters(now);
                } else {
                    ram[index] = v;
                }
            }
        }
    }

    @Override
    public String name() {
        return "cmos-rtc";
    }

    private void writeStatusB(int v, long now) {
        boolean wasHalted = halted();
        if ((v & B_SET) != 0) {
            if (!wasHalted) {
                freezeTime(now); // in the format the registers had until now
            }
            v &= ~B_UIE; // MC146818A: setting SET clears UIE
        }
        ram[STATUS_B] = v;
        if (wasHalted && !halted()) {
            setTimeFromRegisters(now); // in the format the guest has just chosen
        }
    }

    /** SET: the guest holds the update cycle to set the time. */
    private boolean halted() {
        return (ram[STATUS_B] & B_SET) != 0;
    }

    private boolean updateInProgress(long now) {
        return !halted() && (ram[STATUS_A] & A_DIVIDER) == A_DIVIDER_NORMAL
                && Math.floorMod(now, NANOS_PER_SECOND) >= NANOS_PER_SECOND - UIP_NANOS;
    }

    private int readStatusC(long now) {
        int flags = 0;
        if (!halted() && Math.floorDiv(now, NANOS_PER_SECOND) != Math.floorDiv(lastStatusCRead, NANOS_PER_SECOND)) {
            flags |= C_UF;
        }
        long period = periodicTicks();
        if (period > 0 && timeBaseTicks(now) / period != timeBaseTicks(lastStatusCRead) / period) {
            flags |= C_PF;
        }
        if ((flags & ram[STATUS_B] & INTERRUPT_BITS) != 0) {
            flags |= C_IRQF;
        }
        lastStatusCRead = now;
        return flags;
    }

    /** The periodic interrupt's period in 32.768 kHz cycles, from A's rate bits (MC146818A Table 5); 0 when off. */
    private long periodicTicks() {
        int rate = ram[STATUS_A] & A_RATE;
        if (rate == 0) {
            return 0;
        }
        return 1L << ((rate <= 2 ? rate + 7 : rate) - 1);
    }

    private static long timeBaseTicks(long nanos) {
        return Math.floorDiv(nanos, NANOS_PER_SECOND) * TIME_BASE_HZ
                + Math.floorMod(nanos, NANOS_PER_SECOND) * TIME_BASE_HZ / NANOS_PER_SECOND;
    }

    private static boolean isTimeRegister(int index) {
        for (int register : TIME_REGISTERS) {
            if (register == index) {
                return true;
            }
        }
        return false;
    }

    private LocalDateTime guestTime(long now) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(now, NANOS_PER_SECOND) + offsetSeconds, 0, ZoneOffset.UTC);
    }

    /** A time register's value now, in the format status B selects. */
    private int timeField(int register, long now) {
        LocalDateTime t = guestTime(now);
        return switch (register) {
            case SECONDS -> encode(t.getSecond());
            case MINUTES -> encode(t.getMinute());
            case HOURS -> encodeHour(t.getHour());
            case DAY_OF_WEEK -> encode(t.getDayOfWeek().getValue() % 7 + 1); // Sunday = 1
            case DAY_OF_MONTH -> encode(t.getDayOfMonth());
            case MONTH -> encode(t.getMonthValue());
            case YEAR -> encode(t.getYear() % 100);
            default -> encode(t.getYear() / 100); // CENTURY
        };
    }

    /** Copies the time as it is now into the time registers. */
    private void freezeTime(long now) {
        for (int register : TIME_REGISTERS) {
            ram[register] = timeField(register, now);
        }
    }

    /** Makes the time registers' contents the guest's time from now on. Out-of-range fields roll over. */
    private void setTimeFromRegisters(long now) {
        LocalDate date = LocalDate.of(decode(ram[CENTURY]) * 100 + decode(ram[YEAR]), 1, 1)
                .plusMonths(decode(ram[MONTH]) - 1L).plusDays(decode(ram[DAY_OF_MONTH]) - 1L);
        long seconds = date.toEpochDay() * 86_400 + decodeHour(ram[HOURS]) * 3600L + decode(ram[MINUTES]) * 60L
                + decode(ram[SECONDS]);
        offsetSeconds = seconds - Math.floorDiv(now, NANOS_PER_SECOND);
    }

    private boolean binary() {
        return (ram[STATUS_B] & B_BINARY) != 0;
    }

    private int encode(int value) {
        return binary() ? value : (value / 10) << 4 | value % 10;
    }

    private int decode(int value) {
        return binary() ? value : (value >> 4) * 10 + (value & 0xf);
    }

    private int encodeHour(int hour) {
        if ((ram[STATUS_B] & B_24_HOUR) != 0) {
            return encode(hour);
        }
        int twelve = hour % 12 == 0 ? 12 : hour % 12;
        return encode(twelve) | (hour >= 12 ? HOUR_PM : 0);
    }

    private int decodeHour(int value) {
        if ((ram[STATUS_B] & B_24_HOUR) != 0) {
            return decode(value);
        }
        return decode(value & ~HOUR_PM) % 12 + ((value & HOUR_PM) != 0 ? 12 : 0);
    }

    private void setWord(int low, long value) {
        ram[low] = (int) (value & 0xff);
        ram[low + 1] = (int) (value >> 8 & 0xff);
    }
}
