package dev.uhv.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.decoder.Register;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Sub-register rules of SDM Vol. 1, 3.4.1.1 and the struct user_regs_struct layout the ptrace
 * transport relies on (offsets from the kernel's arch/x86/include/asm/user_64.h).
 */
class RegisterFileTest {
    private static final long PATTERN = 0x1122_3344_5566_7788L;

    private final ByteBuffer buffer = ByteBuffer.allocate(RegisterFile.SIZE).order(ByteOrder.nativeOrder());
    private final RegisterFile regs = new RegisterFile(buffer);

    @Test
    void thirtyTwoBitWriteZeroExtendsToSixtyFourBits() {
        regs.setGpr(RegisterFile.GPR_RAX, -1L);

        regs.set(Register.EAX, 0x1234_5678);

        assertEquals(0x1234_5678L, regs.gpr(RegisterFile.GPR_RAX));
    }

    @Test
    void thirtyTwoBitWriteDropsBitsAboveThirtyTwoOfTheValue() {
        regs.set(Register.R9D, 0xffff_ffff_8000_0001L);

        assertEquals(0x8000_0001L, regs.gpr(9));
    }

    @Test
    void sixteenBitWritePreservesBits63To16() {
        regs.setGpr(RegisterFile.GPR_RBX, PATTERN);

        regs.set(Register.BX, 0xbeef);

        assertEquals(0x1122_3344_5566_beefL, regs.gpr(RegisterFile.GPR_RBX));
    }

    @Test
    void lowByteWritePreservesBits63To8() {
        regs.setGpr(RegisterFile.GPR_RCX, PATTERN);

        regs.set(Register.CL, 0x1aa);

        assertEquals(0x1122_3344_5566_77aaL, regs.gpr(RegisterFile.GPR_RCX));
    }

    @Test
    void highByteRegistersWriteBits15To8OfTheirRegister() {
        for (int n = 0; n < 4; n++) {
            regs.setGpr(n, PATTERN);
        }

        regs.set(Register.AH, 0xa1);
        regs.set(Register.CH, 0xc1);
        regs.set(Register.DH, 0xd1);
        regs.set(Register.BH, 0xb1);

        assertEquals(0x1122_3344_5566_a188L, regs.gpr(RegisterFile.GPR_RAX));
        assertEquals(0x1122_3344_5566_c188L, regs.gpr(RegisterFile.GPR_RCX));
        assertEquals(0x1122_3344_5566_d188L, regs.gpr(RegisterFile.GPR_RDX));
        assertEquals(0x1122_3344_5566_b188L, regs.gpr(RegisterFile.GPR_RBX));
    }

    @Test
    void highByteRegistersReadBits15To8() {
        regs.setGpr(RegisterFile.GPR_RDX, PATTERN);

        assertEquals(0x77, regs.get(Register.DH));
        assertEquals(0x88, regs.get(Register.DL));
    }

    @Test
    void readsAtEachWidthAreZeroExtended() {
        regs.setGpr(RegisterFile.GPR_RSI, 0xffff_eeee_dddd_ccbbL);

        assertEquals(0xffff_eeee_dddd_ccbbL, regs.get(Register.RSI));
        assertEquals(0xdddd_ccbbL, regs.get(Register.ESI));
        assertEquals(0xccbb, regs.get(Register.SI));
        assertEquals(0xbb, regs.get(Register.SIL));
    }

    @Test
    void extendedRegistersUseTheirOwnSlots() {
        for (int n = 0; n < 16; n++) {
            regs.setGpr(n, 0x100L * n);
        }

        regs.set(Register.R15W, 0xffff);
        regs.set(Register.R8B, 0x7f);

        assertEquals(0xffff, regs.get(Register.R15));
        assertEquals(0x87f, regs.get(Register.R8));
        assertEquals(0x900, regs.get(Register.R9));
        assertEquals(0x700, regs.get(Register.RDI));
    }

    @Test
    void edxEaxJoinsTheLowHalvesOfRdxAndRax() {
        regs.setGpr(RegisterFile.GPR_RDX, 0xffff_ffff_0000_0001L);
        regs.setGpr(RegisterFile.GPR_RAX, 0xdead_beef_cafe_babeL);

        assertEquals(0x0000_0001_cafe_babeL, regs.edxEax());
    }

    @Test
    void setEdxEaxZeroExtendsBothHalves() {
        regs.setGpr(RegisterFile.GPR_RDX, -1L);
        regs.setGpr(RegisterFile.GPR_RAX, -1L);

        regs.setEdxEax(0x8000_0001_9000_0002L);

        assertEquals(0x9000_0002L, regs.gpr(RegisterFile.GPR_RAX));
        assertEquals(0x8000_0001L, regs.gpr(RegisterFile.GPR_RDX));
    }

    @Test
    void ecxIsTheLowHalfOfRcx() {
        regs.setGpr(RegisterFile.GPR_RCX, 0xdead_0000_c000_0080L);

        assertEquals(0xc000_0080L, regs.ecx());
    }

    @Test
    void segmentSelectorsReadFromTheUserRegsStructSlots() {
        // es 192, cs 136, ss 160, ds 184, fs 200, gs 208; the kernel keeps each in a full long.
        buffer.putLong(192, 0x18);
        buffer.putLong(136, 0xdead_0000_0000_0010L);
        buffer.putLong(160, 0x18);
        buffer.putLong(184, 0x20);
        buffer.putLong(200, 0x2b);
        buffer.putLong(208, 0x33);

        assertEquals(0x18, regs.get(Register.ES));
        assertEquals(0x10, regs.get(Register.CS));
        assertEquals(0x10, regs.cs());
        assertEquals(0x18, regs.get(Register.SS));
        assertEquals(0x18, regs.ss());
        assertEquals(0x20, regs.get(Register.DS));
        assertEquals(0x2b, regs.get(Register.FS));
        assertEquals(0x33, regs.get(Register.GS));
    }

    @Test
    void ripRflagsRspAndSegmentBasesLandInTheUserRegsStructSlots() {
        regs.setRip(0xffff_ffff_8100_0000L);
        regs.setRflags(0x246);
        regs.setRsp(0x7000);
        regs.setFsBase(0x1_0000);
        regs.setGsBase(0x2_0000);
        regs.setOrigRax(-1);

        assertEquals(0xffff_ffff_8100_0000L, buffer.getLong(128));
        assertEquals(0x246, buffer.getLong(144));
        assertEquals(0x7000, buffer.getLong(152));
        assertEquals(0x1_0000, buffer.getLong(168));
        assertEquals(0x2_0000, buffer.getLong(176));
        assertEquals(-1, buffer.getLong(120));
        assertEquals(0xffff_ffff_8100_0000L, regs.rip());
        assertEquals(0xffff_ffff_8100_0000L, regs.get(Register.RIP));
        assertEquals(0x246, regs.rflags());
        assertEquals(0x7000, regs.rsp());
        assertEquals(0x7000, regs.gpr(RegisterFile.GPR_RSP));
        assertEquals(0x1_0000, regs.fsBase());
        assertEquals(0x2_0000, regs.gsBase());
        assertEquals(-1, regs.origRax());
    }

    @Test
    void gprsLandInTheUserRegsStructSlots() {
        regs.setGpr(RegisterFile.GPR_RAX, 1);
        regs.setGpr(15, 2);
        regs.setGpr(RegisterFile.GPR_RDI, 3);

        assertEquals(1, buffer.getLong(80));
        assertEquals(2, buffer.getLong(0));
        assertEquals(3, buffer.getLong(112));
    }

    @Test
    void copyFromCopiesEveryRegister() {
        RegisterFile initial = RegisterFile.allocate();
        for (int n = 0; n < 16; n++) {
            initial.setGpr(n, n + 1);
        }
        initial.setRip(0x1000);
        initial.setGsBase(0x2000);

        regs.copyFrom(initial);

        for (int n = 0; n < 16; n++) {
            assertEquals(n + 1, regs.gpr(n), RegisterFile.gprName(n));
        }
        assertEquals(0x1000, regs.rip());
        assertEquals(0x2000, regs.gsBase());
    }

    @Test
    void gprNamesFollowTheArchitecturalNumbering() {
        assertEquals("rax", RegisterFile.gprName(0));
        assertEquals("rsp", RegisterFile.gprName(4));
        assertEquals("r15", RegisterFile.gprName(15));
    }

    @Test
    void controlRegistersAreNotRegisterFileRegisters() {
        assertThrows(IllegalArgumentException.class, () -> regs.get(Register.CR0));
        assertThrows(IllegalArgumentException.class, () -> regs.set(Register.CR3, 0));
        assertThrows(IllegalArgumentException.class, () -> regs.set(Register.DS, 0));
    }

    @Test
    void rejectsABufferSmallerThanUserRegsStruct() {
        assertThrows(IllegalArgumentException.class, () -> new RegisterFile(ByteBuffer.allocate(RegisterFile.SIZE - 8)));
    }

    @Test
    void aWriteOfANewValueCountsAsAChangeUntilReset() {
        regs.setGpr(RegisterFile.GPR_RAX, PATTERN);
        regs.resetChanged();

        regs.set(Register.AL, 0x88); // the value it has
        regs.setGpr(RegisterFile.GPR_RAX, PATTERN);
        assertFalse(regs.changed(), "writes of the values the registers hold change nothing");

        regs.set(Register.AH, 0x01);
        assertTrue(regs.changed());

        regs.resetChanged();
        assertFalse(regs.changed());
        regs.setRip(0x1000);
        assertTrue(regs.changed(), "rip");
    }

    @Test
    void aLoadIntoTheBufferIsNoChange() {
        regs.resetChanged();

        buffer.putLong(128, 0x1234); // as GETREGS or the trap page fill it

        assertFalse(regs.changed());
        assertEquals(0x1234, regs.rip());
    }
}
