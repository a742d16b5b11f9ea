package dev.uhv.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * ControlRegisters driven directly. The MOV to CRn #GP rules are also driven through decoded
 * instructions in ControlRegisterEmulatorTest.
 */
class ControlRegistersTest {
    private static final long CR0 = 0x8001_0033L;
    private static final long CR4 = ControlRegisters.CR4_PAE | ControlRegisters.CR4_OSFXSR;

    private final ControlRegisters cr = new ControlRegisters(CR0, CR4, 48);

    @Test
    void startsWithTheGivenCr0AndCr4AndZeroElsewhere() {
        assertEquals(CR0, cr.cr0());
        assertEquals(CR4, cr.cr4());
        assertEquals(0, cr.cr2());
        assertEquals(0, cr.cr3());
        assertEquals(0, cr.cr8());
    }

    @Test
    void cr0KeepsEveryDefinedBit() throws GuestFault {
        long all = 0xe005_003fL; // PG CD NW AM WP NE ET TS EM MP PE

        cr.writeCr0(all);

        assertEquals(all, cr.cr0());
    }

    @Test
    void cr0ForcesEtAndDropsUndefinedLowBits() throws GuestFault {
        // bits 6-15, 17 and 19-28 are reserved; KVM ignores writes to them, and so does uhv.
        cr.writeCr0(0x8000_0001L | 1L << 6 | 1L << 17 | 1L << 28);

        assertEquals(0x8000_0011L, cr.cr0());
    }

    @Test
    void cr0FaultLeavesTheOldValue() {
        assertThrows(GuestFault.class, () -> cr.writeCr0(0x1L));

        assertEquals(CR0, cr.cr0());
    }

    @Test
    void cr2TakesAnyValueEvenANonCanonicalOne() {
        cr.writeCr2(0x8000_0000_0000_0000L);

        assertEquals(0x8000_0000_0000_0000L, cr.cr2());
    }

    @Test
    void cr3ReservedBitsStartAtMaxPhyAddr() throws GuestFault {
        ControlRegisters narrow = new ControlRegisters(CR0, CR4, 39);

        narrow.writeCr3((1L << 39) - 0x1000);
        assertEquals((1L << 39) - 0x1000, narrow.cr3());

        GuestFault f = assertThrows(GuestFault.class, () -> narrow.writeCr3(1L << 39));
        assertEquals(GuestFault.GP, f.vector());
        assertEquals((1L << 39) - 0x1000, narrow.cr3());
    }

    @Test
    void cr3Bit63IsReservedWithoutPcide() {
        GuestFault f = assertThrows(GuestFault.class, () -> cr.writeCr3(1L << 63 | 0x5000));

        assertEquals(GuestFault.GP, f.vector());
    }

    @Test
    void cr3Bit63IsNotStoredWithPcide() throws GuestFault {
        cr.writeCr4(CR4 | ControlRegisters.CR4_PCIDE);

        cr.writeCr3(1L << 63 | 0x5001);

        assertEquals(0x5001, cr.cr3());
    }

    @Test
    void cr4AcceptsEverySupportedBitTogether() throws GuestFault {
        cr.writeCr4(ControlRegisters.CR4_SUPPORTED);

        assertEquals(ControlRegisters.CR4_SUPPORTED, cr.cr4());
    }

    @Test
    void cr4SupportedBitsAreTheArchitecturalOnesLessVmxSmxAndLa57() {
        // VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT UMIP | FSGSBASE PCIDE OSXSAVE | SMEP SMAP PKE
        // Not: LA57 12, VMXE 13, SMXE 14, bit 15, bit 19, CET 23 and everything above.
        assertEquals(0x0077_0fffL, ControlRegisters.CR4_SUPPORTED);
    }

    @Test
    void cr8TakesFourBits() throws GuestFault {
        cr.writeCr8(0xf);

        assertEquals(0xf, cr.cr8());
        assertThrows(GuestFault.class, () -> cr.writeCr8(0x10));
        assertEquals(0xf, cr.cr8());
    }
}
