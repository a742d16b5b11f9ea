package dev.uhv.io.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.uhv.cpu.GuestFault;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The local APIC's x2APIC MSRs (SDM Vol. 3A, 10.12.1.2, Table 10-6, and 10.12.1.3 for reserved
 * bits), after the guest switched to x2APIC mode through IA32_APIC_BASE.
 */
class LocalApicX2apicTest {
    static final int APIC_BASE = 0x1b, ID = 0x802, VERSION = 0x803, TPR = 0x808, PPR = 0x80a, EOI = 0x80b,
            LDR = 0x80d, SPIV = 0x80f, ISR = 0x810, TMR = 0x818, IRR = 0x820, ESR = 0x828, LVT_CMCI = 0x82f,
            ICR = 0x830, LVT_TIMER = 0x832, LVT_LINT0 = 0x835, LVT_ERROR = 0x837, TIMER_INITIAL = 0x838,
            TIMER_CURRENT = 0x839, TIMER_DIVIDE = 0x83e, SELF_IPI = 0x83f;
    static final long X2APIC_MODE = 0xfee0_0c00L;

    private final LocalApic apic = new LocalApic(48, () -> 0);

    @BeforeEach
    void enterX2apicMode() throws GuestFault {
        apic.write(APIC_BASE, X2APIC_MODE);
    }

    private GuestFault gpOnWrite(int index, long value) {
        GuestFault f = assertThrows(GuestFault.class, () -> apic.write(index, value),
                () -> String.format("wrmsr 0x%x = 0x%x", index, value));
        assertEquals(GuestFault.GP, f.vector());
        return f;
    }

    private void gpOnRead(int index) {
        assertEquals(GuestFault.GP, assertThrows(GuestFault.class, () -> apic.read(index),
                () -> String.format("rdmsr 0x%x", index)).vector());
    }

    @Test
    void theIdIsTheX2apicIdAndTheLdrIsDerivedFromIt() throws GuestFault {
        assertEquals(ApicMode.X2APIC, apic.mode());
        assertEquals(0xfee0_0d00L, apic.read(APIC_BASE), "BSP kept");
        assertEquals(0, apic.read(ID));
        assertEquals(0x50014, apic.read(VERSION));
        assertEquals(1, apic.read(LDR), "cluster 0, bit 1 << (ID & 0xf) (SDM 10.12.10.2)");
        assertEquals(0xff, apic.read(SPIV));
        assertEquals(0x10000, apic.read(LVT_TIMER));
    }

    @Test
    void stateWrittenInXapicModeCarriesOver() throws GuestFault {
        LocalApic fresh = new LocalApic(48, () -> 0);
        fresh.write(0x80, 4, 0x42); // TPR through the MMIO page

        fresh.write(APIC_BASE, X2APIC_MODE);

        assertEquals(0x42, fresh.read(TPR));
    }

    @ParameterizedTest
    @CsvSource({"0x808, 0xff", "0x80f, 0x1ff", "0x82f, 0x107ff", "0x832, 0x300ff", "0x835, 0x1a7ff",
        "0x837, 0x100ff", "0x838, 0xffffffff", "0x83e, 0xb"})
    void readWriteRegistersHoldWhatIsWritten(String index, String value) throws GuestFault {
        int msr = Integer.decode(index);
        apic.write(SPIV, 0x100);

        apic.write(msr, Long.decode(value));

        assertEquals(Long.decode(value), apic.read(msr));
    }

    @ParameterizedTest
    @ValueSource(ints = {EOI, SELF_IPI})
    void rdmsrOfAWriteOnlyRegisterIsGp(int index) {
        gpOnRead(index);
    }

    @ParameterizedTest
    @ValueSource(ints = {ID, VERSION, PPR, LDR, ISR, ISR + 7, TMR, IRR, IRR + 7, TIMER_CURRENT})
    void wrmsrOfAReadOnlyRegisterIsGp(int index) throws GuestFault {
        long before = apic.read(index);

        gpOnWrite(index, 0);

        assertEquals(before, apic.read(index));
    }

    /** APR, RRD, DFR and the ICR's high half exist only in xAPIC mode; the rest are gaps. */
    @ParameterizedTest
    @ValueSource(ints = {0x800, 0x801, 0x804, 0x807, 0x809, 0x80c, 0x80e, 0x829, 0x82e, 0x831, 0x83a, 0x83d, 0x840,
        0x8ff})
    void reservedX2apicMsrsAreGp(int index) {
        gpOnRead(index);
        gpOnWrite(index, 0);
    }

    @Test
    void eoiAndEsrTakeOnlyZero() throws GuestFault {
        apic.write(EOI, 0);
        apic.write(ESR, 0);

        GuestFault f = gpOnWrite(EOI, 1);
        gpOnWrite(ESR, 0x80);

        assertEquals("wrmsr 0x80b = 0x1: only 0 may be written to x2APIC EOI", f.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0x808, 0x100", "0x80f, 0x200", "0x80f, 0x1000", "0x832, 0x40000", "0x837, 0x700",
        "0x83e, 0x4", "0x83f, 0x100", "0x808, 0x100000000", "0x838, 0x100000000", "0x830, 0x1000",
        "0x830, 0x20000"})
    void settingAReservedBitIsGp(String index, String value) {
        gpOnWrite(Integer.decode(index), Long.decode(value));
    }

    @Test
    void statusBitsAreNotReservedButReadZero() throws GuestFault {
        apic.write(SPIV, 0x100);

        apic.write(LVT_LINT0, 0x5000 | 0x700);

        assertEquals(0x700, apic.read(LVT_LINT0), "delivery status and remote IRR are the APIC's");
    }

    @Test
    void theIcrIsOne64BitRegisterAndAnInitCompletesAtOnce() throws GuestFault {
        apic.write(ICR, 0x0000_0001_0000_4500L); // INIT to x2APIC ID 1: no such CPU

        assertEquals(0x0000_0001_0000_4500L, apic.read(ICR));
    }

    private long irrBit(int vector) throws GuestFault {
        return apic.read(IRR + (vector >>> 5)) >>> (vector & 31) & 1;
    }

    @Test
    void selfIpisAndIpisToThisApicAreRecordedInTheIrr() throws GuestFault {
        apic.write(SPIV, 0x1ff);

        apic.write(SELF_IPI, 0x41);
        apic.write(ICR, 0x0000_0000_0000_0060L); // physical, x2APIC ID 0
        apic.write(ICR, 0x0000_0001_0000_0861L); // logical, cluster 0, bit 0: this APIC's LDR
        apic.write(ICR, 0x0000_0002_0000_0862L); // logical, cluster 0, bit 1: not us
        apic.write(ICR, 0xffff_ffff_0000_0063L); // broadcast

        assertEquals(1, irrBit(0x41));
        assertEquals(1, irrBit(0x60));
        assertEquals(1, irrBit(0x61));
        assertEquals(0, irrBit(0x62));
        assertEquals(1, irrBit(0x63));
    }

    @Test
    void theMmioPageFloatsInX2apicMode() throws GuestFault {
        apic.write(TPR, 0x20);

        apic.write(0x80, 4, 0x55);

        assertEquals(0xffff_ffff_ffff_ffffL, apic.read(0x30, 4));
        assertEquals(0x20, apic.read(TPR));
    }

    @Test
    void theTimerRegistersAreShared() throws GuestFault {
        apic.write(TIMER_DIVIDE, 0xb);
        apic.write(TIMER_INITIAL, 1000);

        assertEquals(1000, apic.read(TIMER_CURRENT), "the test clock stands still");
    }
}
