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
        assertThrows(GuestFault.class, () -> cr.writeCr0(ControlRegisters.CR0_PG | ControlRegisters.CR0_ET));

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
    void cr4SupportedBitsAreTheArchitecturalOnesLessThoseCpuidHides() {
        // TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT | FSGSBASE PCIDE OSXSAVE
        // Not: VME 0, PVI 1, UMIP 11, LA57 12, VMXE 13, SMXE 14, bit 15, bit 19, SMEP 20, SMAP 21, PKE 22,
        // CET 23 and above.
        assertEquals(0x0007_07fcL, ControlRegisters.CR4_SUPPORTED);
    }

    @Test
    void cr8TakesFourBits() throws GuestFault {
        cr.writeCr8(0xf);

        assertEquals(0xf, cr.cr8());
        assertThrows(GuestFault.class, () -> cr.writeCr8(0x10));
        assertEquals(0xf, cr.cr8());
    }

    /**
     * A CR4 bit whose feature CPUID does not enumerate is reserved, and setting it is
     * #GP(0) (SDM Vol. 3A, 2.5 and 2.6.2.1; Vol. 2B MOV to CR4). The CPUID model hides SMEP (leaf 7
     * EBX 7), SMAP (EBX 20), UMIP (ECX 2) and PKU (ECX 3) on every host, so writeCr4 refuses
     * CR4_SMEP, CR4_SMAP, CR4_UMIP and CR4_PKE.
     */
    @Test
    void cr4BitsOfFeaturesTheGuestCpuidHidesAreGp() {
        CpuidResult leaf7 = new CpuidModel(new FakeHostCpuid()).query(7, 0, 0, 0xfee0_0900L);
        assertEquals(0, leaf7.ebx() & (1 << 7 | 1 << 20), "SMEP, SMAP hidden");
        assertEquals(0, leaf7.ecx() & (1 << 2 | 1 << 3), "UMIP, PKU hidden");

        for (long bit : new long[] {ControlRegisters.CR4_SMEP, ControlRegisters.CR4_SMAP, ControlRegisters.CR4_UMIP,
            ControlRegisters.CR4_PKE}) {
            assertEquals(GuestFault.GP, assertThrows(GuestFault.class, () -> cr.writeCr4(CR4 | bit)).vector());
        }
    }
}
