package dev.uhv.io.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The local APIC's MMIO page in xAPIC mode, driven as the MMIO bus drives it: offsets in the
 * page, 32-bit accesses unless a test says otherwise. Register offsets: SDM Vol. 3A, Table 10-1.
 */
class LocalApicXapicTest {
    static final int ID = 0x20, VERSION = 0x30, TPR = 0x80, APR = 0x90, PPR = 0xa0, EOI = 0xb0, RRD = 0xc0,
            LDR = 0xd0, DFR = 0xe0, SPIV = 0xf0, ISR = 0x100, TMR = 0x180, IRR = 0x200, ESR = 0x280,
            LVT_CMCI = 0x2f0, ICR_LOW = 0x300, ICR_HIGH = 0x310, LVT_TIMER = 0x320, LVT_THERMAL = 0x330,
            LVT_PERF = 0x340, LVT_LINT0 = 0x350, LVT_LINT1 = 0x360, LVT_ERROR = 0x370, TIMER_INITIAL = 0x380,
            TIMER_CURRENT = 0x390, TIMER_DIVIDE = 0x3e0;
    static final int[] LVTS = {LVT_CMCI, LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR};

    private final LocalApic apic = new LocalApic(48, () -> 0);

    private long read(int offset) {
        return apic.read(offset, 4);
    }

    private void write(int offset, long value) {
        apic.write(offset, 4, value);
    }

    private void enableInSoftware() {
        write(SPIV, 0x1ff);
    }

    @Test
    void powersUpAsSdm10471Says() {
        assertEquals(ApicMode.XAPIC, apic.mode());
        assertEquals(0xfee0_0900L, apic.apicBase());
        assertEquals(0xfee0_0000L, apic.mmioBase());
        assertEquals("lapic", apic.name());
        assertEquals(0, read(ID), "APIC ID 0 in bits 31:24");
        assertEquals(0x50014, read(VERSION));
        assertEquals(0xffff_ffffL, read(DFR));
        assertEquals(0xff, read(SPIV));
        for (int lvt : LVTS) {
            assertEquals(0x10000, read(lvt), () -> "LVT at 0x" + Integer.toHexString(lvt) + " starts masked");
        }
        for (int offset : new int[] {TPR, APR, PPR, EOI, RRD, LDR, ESR, ICR_LOW, ICR_HIGH, TIMER_INITIAL,
            TIMER_CURRENT, TIMER_DIVIDE}) {
            assertEquals(0, read(offset), () -> "offset 0x" + Integer.toHexString(offset));
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(0, read(ISR + 0x10 * i));
            assertEquals(0, read(TMR + 0x10 * i));
            assertEquals(0, read(IRR + 0x10 * i));
        }
    }

    /** Each writable register, a value with every bit set, and what it holds afterwards. */
    static Stream<Arguments> writableRegisters() {
        return Stream.of(
                Arguments.of(TPR, 0xff),
                Arguments.of(LDR, 0xff00_0000L),
                Arguments.of(SPIV, 0x1ff),
                Arguments.of(ICR_HIGH, 0xff00_0000L),
                Arguments.of(LVT_CMCI, 0x107ff),
                Arguments.of(LVT_TIMER, 0x300ff), // no TSC-deadline bit 18, no delivery status
                Arguments.of(LVT_THERMAL, 0x107ff),
                Arguments.of(LVT_PERF, 0x107ff),
                Arguments.of(LVT_LINT0, 0x1a7ff), // no delivery status 12 or remote IRR 14
                Arguments.of(LVT_LINT1, 0x1a7ff),
                Arguments.of(LVT_ERROR, 0x100ff),
                Arguments.of(TIMER_INITIAL, 0xffff_ffffL),
                Arguments.of(TIMER_DIVIDE, 0xb));
    }

    @ParameterizedTest
    @MethodSource("writableRegisters")
    void writableRegistersKeepTheirDefinedBitsAndDropTheRest(int offset, long expected) {
        enableInSoftware();

        write(offset, 0xffff_ffffL);

        assertEquals(expected, read(offset));
    }

    @Test
    void dfrKeepsItsModelBitsAndReadsOnesBelow() {
        write(DFR, 0);

        assertEquals(0x0fff_ffffL, read(DFR), "cluster model");
    }

    @ParameterizedTest
    @ValueSource(ints = {ID, VERSION, APR, PPR, RRD, ISR, TMR + 0x70, IRR + 0x30, TIMER_CURRENT})
    void readOnlyRegistersIgnoreWrites(int offset) {
        long before = read(offset);

        write(offset, 0x5a5a_5a5aL);

        assertEquals(before, read(offset));
    }

    @Test
    void eoiIsWriteOnlyAndReadsZero() {
        write(EOI, 0);
        write(EOI, 0x1234);

        assertEquals(0, read(EOI));
    }

    @Test
    void lvtMasksStickWhileTheApicIsSoftwareDisabled() {
        write(LVT_TIMER, 0x20);
        assertEquals(0x10020, read(LVT_TIMER), "SPIV bit 8 is clear at power-up");

        enableInSoftware();
        write(LVT_TIMER, 0x20);
        write(LVT_LINT0, 0x700);
        assertEquals(0x20, read(LVT_TIMER));

        write(SPIV, 0xff);
        assertEquals(0x10020, read(LVT_TIMER), "software disable masks every LVT (SDM 10.4.7.2)");
        assertEquals(0x10700, read(LVT_LINT0));
    }

    @Test
    void pprFollowsTheTprWhileNothingIsInService() {
        write(TPR, 0x35);

        assertEquals(0x35, read(PPR));
    }

    @Test
    void initAndStartupIpisCompleteAtOnce() {
        write(ICR_HIGH, 0x0100_0000L); // APIC ID 1: no such CPU
        write(ICR_LOW, 0xc4500); // INIT, level assert, all excluding self

        assertEquals(0xc4500, read(ICR_LOW), "delivery status (bit 12) reads 0");

        write(ICR_LOW, 0x4608); // SIPI, vector 8
        assertEquals(0x4608, read(ICR_LOW));
        assertEquals(0x0100_0000L, read(ICR_HIGH));
        assertEquals(0, read(IRR), "nothing arrives here");
    }

    private long irrBit(int vector) {
        return read(IRR + 0x10 * (vector >>> 5)) >>> (vector & 31) & 1;
    }

    @Test
    void aFixedIpiThatAddressesThisApicIsRecordedInTheIrr() {
        enableInSoftware();

        write(ICR_LOW, 0x40031); // shorthand self
        write(ICR_HIGH, 0);
        write(ICR_LOW, 0x40); // physical, APIC ID 0
        write(ICR_HIGH, 0xff00_0000L);
        write(ICR_LOW, 0x41); // physical broadcast
        write(ICR_HIGH, 0x0100_0000L);
        write(ICR_LOW, 0x42); // APIC ID 1: someone else

        assertEquals(1, irrBit(0x31));
        assertEquals(1, irrBit(0x40));
        assertEquals(1, irrBit(0x41));
        assertEquals(0, irrBit(0x42));
    }

    @Test
    void logicalDestinationsMatchTheLdrInFlatAndClusterModels() {
        enableInSoftware();
        write(LDR, 0x2400_0000L); // flat: bits 2 and 5; cluster: cluster 2, member bit 2

        write(ICR_HIGH, 0x0400_0000L);
        write(ICR_LOW, 0x850); // logical, flat, bit 2
        write(ICR_HIGH, 0x0800_0000L);
        write(ICR_LOW, 0x851); // logical, flat, bit 3: not us
        write(DFR, 0x0fff_ffffL);
        write(ICR_HIGH, 0x2400_0000L);
        write(ICR_LOW, 0x852); // cluster 2, member 4
        write(ICR_HIGH, 0x1400_0000L);
        write(ICR_LOW, 0x853); // cluster 1: not us

        assertEquals(1, irrBit(0x50));
        assertEquals(0, irrBit(0x51));
        assertEquals(1, irrBit(0x52));
        assertEquals(0, irrBit(0x53));
    }

    @Test
    void aSoftwareDisabledApicTakesNoFixedInterrupt() {
        write(ICR_LOW, 0x40031);

        assertEquals(0, irrBit(0x31));
    }

    @Test
    void esrLatchesErrorsAtTheNextWrite() {
        write(ICR_LOW, 0x40005); // fixed, vector 5: illegal
        read(0x40); // a reserved slot
        assertEquals(0, read(ESR), "errors show only after an ESR write (SDM 10.5.3)");

        write(ESR, 0);
        assertEquals(0xa0, read(ESR), "send illegal vector (5), illegal register address (7)");

        write(ESR, 0);
        assertEquals(0, read(ESR));
    }

    @Test
    void narrowReadsSeeTheRegistersBytes() {
        assertEquals(0x14, apic.read(VERSION, 1));
        assertEquals(0x05, apic.read(VERSION + 2, 1));
        assertEquals(0x0014, apic.read(VERSION, 2));
        assertEquals(0x50014, apic.read(VERSION, 8), "bytes 4-7 of the slot read 0");
        assertEquals(0, apic.read(VERSION + 4, 4));
        assertEquals(0x1400_0000L, apic.read(VERSION - 3, 4), "misaligned: three bytes of slot 0x20, one of 0x30");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 8})
    void narrowOrWideWritesAreDropped(int size) {
        apic.write(TPR, size, 0xff);

        assertEquals(0, read(TPR));
    }

    @Test
    void misalignedWritesAreDropped() {
        apic.write(TPR + 4, 4, 0xff);

        assertEquals(0, read(TPR));
    }

    @Test
    void neverThrowsWhateverTheOffsetOrSize() {
        for (int offset = 0; offset < LocalApic.MMIO_SIZE; offset++) {
            for (int size : new int[] {1, 2, 4, 8}) {
                apic.read(offset, size);
                apic.write(offset, size, 0);
            }
        }
        assertEquals(0x50014, read(VERSION));
    }
}
