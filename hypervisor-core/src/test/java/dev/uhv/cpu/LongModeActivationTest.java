package dev.uhv.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The switch from 32-bit protected mode to IA-32e mode as a multiboot kernel makes it (SDM Vol. 3A,
 * 9.8.5): CR4.PAE, EFER.LME, then CR0.PG, which sets EFER.LMA; and the way back.
 */
class LongModeActivationTest {
    private static final long CR0_32 = ControlRegisters.CR0_PE | ControlRegisters.CR0_ET;
    private static final long PG = ControlRegisters.CR0_PG, PAE = ControlRegisters.CR4_PAE;
    private final RegisterFile regs = RegisterFile.allocate();
    private final VirtualCpu cpu = new VirtualCpu(regs, new ControlRegisters(CR0_32, 0, 48),
            new MsrFile(regs, () -> 0, 0, 48), new CpuidModel(new FakeHostCpuid()), 0x7);

    LongModeActivationTest() {
        cpu.enterCode(0x08, 32, 0);
    }

    private void writeEfer(long value) throws GuestFault {
        cpu.msrs().write(Msr.EFER.index(), value);
    }

    @Test
    void pagingOnWithLmeActivatesIa32eMode() throws GuestFault {
        cpu.writeCr4(PAE);
        writeEfer(MsrFile.EFER_LME);
        assertFalse(cpu.msrs().longModeActive());

        cpu.writeCr0(CR0_32 | PG);

        assertTrue(cpu.msrs().longModeActive());
        assertEquals(MsrFile.EFER_LME | MsrFile.EFER_LMA, cpu.msrs().efer());
        assertEquals(32, cpu.codeBits(), "compatibility mode until a far jump to 64-bit code");
    }

    @Test
    void pagingOnWithoutLmeIsLegacyPaging() throws GuestFault {
        cpu.writeCr0(CR0_32 | PG);

        assertFalse(cpu.msrs().longModeActive());
        assertTrue(cpu.cr().pagingEnabled());
    }

    @Test
    void lmeWithoutPaeCannotEnablePaging() throws GuestFault {
        writeEfer(MsrFile.EFER_LME);

        assertThrows(GuestFault.class, () -> cpu.writeCr0(CR0_32 | PG));
        assertFalse(cpu.cr().pagingEnabled());
        assertFalse(cpu.msrs().longModeActive());
    }

    @Test
    void lmeCanChangeOnlyWhilePagingIsOff() throws GuestFault {
        writeEfer(MsrFile.EFER_LME);
        writeEfer(0);
        cpu.writeCr0(CR0_32 | PG);

        assertThrows(GuestFault.class, () -> writeEfer(MsrFile.EFER_LME));
        assertEquals(0, cpu.msrs().efer());
    }

    @Test
    void paeCannotBeClearedInIa32eMode() throws GuestFault {
        cpu.writeCr4(PAE);
        writeEfer(MsrFile.EFER_LME);
        cpu.writeCr0(CR0_32 | PG);

        assertThrows(GuestFault.class, () -> cpu.writeCr4(0));
        assertEquals(PAE, cpu.cr().cr4());
    }

    @Test
    void pcideNeedsIa32eMode() {
        assertThrows(GuestFault.class, () -> cpu.writeCr4(PAE | ControlRegisters.CR4_PCIDE));
    }

    @Test
    void pagingCannotBeTurnedOffIn64BitCode() throws GuestFault {
        cpu.writeCr4(PAE);
        writeEfer(MsrFile.EFER_LME);
        cpu.writeCr0(CR0_32 | PG);
        cpu.enterCode(0x10, 64, 0);

        assertThrows(GuestFault.class, () -> cpu.writeCr0(CR0_32));
        assertTrue(cpu.msrs().longModeActive());
    }

    @Test
    void pagingOffFromCompatibilityModeLeavesIa32eMode() throws GuestFault {
        cpu.writeCr4(PAE);
        writeEfer(MsrFile.EFER_LME);
        cpu.writeCr0(CR0_32 | PG);

        cpu.writeCr0(CR0_32);

        assertFalse(cpu.msrs().longModeActive());
        assertEquals(MsrFile.EFER_LME, cpu.msrs().efer());
    }
}
