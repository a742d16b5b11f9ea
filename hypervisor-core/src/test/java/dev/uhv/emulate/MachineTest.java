package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RBX;
import static dev.uhv.cpu.RegisterFile.GPR_RSI;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.uhv.cpu.GuestFault;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;
import dev.uhv.io.RecordingMmioDevice;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Operand addressing and guest memory access as emulators see them. */
class MachineTest {
    private final TestMachine t = new TestMachine();

    private long address(String hex) {
        DecodedInstruction insn = t.decode(hex);
        return t.machine.effectiveAddress((Operand.Mem) insn.operand(0), insn.length(), insn.addressWidth());
    }

    @Test
    void baseIndexScaleDisplacement() {
        t.setGpr(GPR_RBX, 0x1000);
        t.setGpr(1, 0x10);

        assertEquals(0x1000 + 0x80 + 8, address("0f 01 54 cb 08")); // lgdt [rbx + rcx*8 + 8]
    }

    @Test
    void negativeDisplacementIsSignExtended() {
        t.setGpr(GPR_RBX, 0x1000);

        assertEquals(0x1000 - 0x10, address("0f 01 53 f0")); // lgdt [rbx - 0x10]
    }

    @Test
    void ripRelativeCountsFromTheNextInstruction() {
        assertEquals(TestMachine.RIP + 7 - 8, address("0f 01 15 f8 ff ff ff")); // lgdt [rip - 8]
    }

    @Test
    void fsAndGsOverridesAddTheirBasesAndDsDoesNot() {
        t.regs.setFsBase(0x10_0000);
        t.regs.setGsBase(0x20_0000);
        t.setGpr(GPR_RAX, 0x40);

        assertEquals(0x10_0040, address("64 0f 01 10"));
        assertEquals(0x20_0040, address("65 0f 01 10"));
        assertEquals(0x40, address("3e 0f 01 10"));
    }

    @Test
    void addressSizePrefixTruncatesTheAddressTo32Bits() {
        t.setGpr(GPR_RAX, 0xffff_ffff_0000_2000L);

        assertEquals(0x2000, address("67 0f 01 10")); // lgdt [eax]
    }

    @Test
    void addressSizeTruncationHappensBeforeTheFsBaseIsAdded() {
        t.regs.setFsBase(0x1_0000_0000L);
        t.setGpr(GPR_RAX, 0xffff_ffff_0000_2000L);

        assertEquals(0x1_0000_2000L, address("64 67 0f 01 10"));
    }

    @Test
    void readOperandReadsRegistersMemoryAndImmediates() throws GuestFault {
        t.memory.writeU16(0x3000, 0xbeef);
        t.setGpr(GPR_RAX, 0x3000);
        t.setGpr(GPR_RSI, 0x1234_5678_9abc_def0L);

        assertEquals(0xbeef, t.machine.readOperand(t.decode("0f 01 30"), 0)); // lmsw [rax]: 16 bits
        assertEquals(0xdef0, t.machine.readOperand(t.decode("0f 01 f6"), 0)); // lmsw si
        assertEquals(0x80, t.machine.readOperand(t.decode("e6 80"), 0)); // out 0x80, al: the imm8
    }

    @Test
    void writeOperandWritesAtTheOperandSize() throws GuestFault {
        t.memory.writeU32(0x3000, 0xcccc_ccccL);
        t.setGpr(GPR_RAX, 0x3000);

        t.machine.writeOperand(t.decode("0f 00 00"), 0, 0x1_2345); // sldt [rax]: 16 bits

        assertEquals(0xcccc_2345L, t.memory.readU32(0x3000));
    }

    @Test
    void writeOperandRefusesAnImmediate() {
        assertThrows(IllegalArgumentException.class, () -> t.machine.writeOperand(t.decode("e6 80"), 0, 1));
    }

    @ParameterizedTest
    @ValueSource(longs = {TestMachine.RAM_SIZE, TestMachine.RAM_SIZE + 0x1000, -8, 0x8000_0000_0000_0000L})
    void readOutsideRamIsAReadPageFault(long address) {
        GuestFault f = assertThrows(GuestFault.class, () -> t.machine.read(address, 8));

        assertEquals(GuestFault.PF, f.vector());
        assertEquals(address, f.faultAddress());
        assertEquals(0, f.errorCode());
    }

    @Test
    void writeOutsideRamIsAWritePageFaultAndWritesNothing() {
        GuestFault f = assertThrows(GuestFault.class, () -> t.machine.write(TestMachine.RAM_SIZE - 2, 4, -1L));

        assertEquals(GuestFault.PF, f.vector());
        assertEquals(Machine.PF_WRITE, f.errorCode());
        assertEquals(0, t.memory.readU16(TestMachine.RAM_SIZE - 2));
    }

    @Test
    void readsAndWritesInsideRamAreLittleEndian() throws GuestFault {
        t.machine.write(0x100, 4, 0x1122_3344);

        assertEquals(0x44, t.machine.read(0x100, 1));
        assertEquals(0x1122_3344, t.machine.read(0x100, 4));
        assertEquals(0x1122_3344, t.machine.read(0x100, 8));
    }

    @Test
    void accessesOutsideRamThatADeviceClaimsGoToTheMmioBus() throws GuestFault {
        RecordingMmioDevice device = new RecordingMmioDevice("dev", 0x1000);
        t.machine.mmio().register(0xfed0_0000L, 0x1000, device);
        device.poke(0x10, 4, 0xcafe_f00dL);

        assertEquals(0xcafe_f00dL, t.machine.read(0xfed0_0010L, 4));
        t.machine.write(0xfed0_0ff8L, 8, -2L);

        assertEquals(List.of("r10/4", "wff8/8=fffffffffffffffe"), device.accesses());
        assertTrue(t.machine.isDevice(0xfed0_0fffL));
        assertFalse(t.machine.isMapped(0xfed0_0000L, 1), "MMIO is not RAM the child maps");
        GuestFault f = assertThrows(GuestFault.class, () -> t.machine.read(0xfed0_1000L, 4));
        assertEquals(GuestFault.PF, f.vector());
    }

    @Test
    void ramShadowsADeviceRegisteredInsideIt() throws GuestFault {
        RecordingMmioDevice device = new RecordingMmioDevice("shadowed", 0x1000);
        t.machine.mmio().register(0x3000, 0x1000, device);
        t.memory.writeU32(0x3000, 0x1234);

        assertEquals(0x1234, t.machine.read(0x3000, 4));
        assertFalse(t.machine.isDevice(0x3000));
        assertEquals(List.of(), device.accesses());
    }

    @Test
    void gsSegmentBaseIsTheRegisterFiles() {
        t.regs.setGsBase(0xabc);

        assertEquals(0xabc, t.machine.segmentBase(Register.GS));
        assertEquals(0, t.machine.segmentBase(Register.SS));
    }

    @Test
    void exposesItsParts() {
        assertEquals(TestMachine.HOST_XCR0, t.machine.hostXcr0());
        assertEquals(false, t.machine.ignoreMsrs());
        assertEquals(false, t.machine.rdtscTrapped());
        assertEquals(t.regs, t.machine.regs());
        assertEquals(TestMachine.RAM_SIZE, t.machine.memory().size());
    }
}
