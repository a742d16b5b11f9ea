package dev.uhv.emulate;

import static dev.uhv.cpu.RegisterFile.GPR_RAX;
import static dev.uhv.cpu.RegisterFile.GPR_RBX;
import static dev.uhv.cpu.RegisterFile.GPR_RCX;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.TableRegister;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LGDT, LIDT, SGDT, SIDT, LLDT, LTR, SLDT, STR and SMSW through decoded instructions (SDM Vol. 2A
 * LGDT/LIDT, LLDT, LTR, SGDT, SIDT, SLDT, SMSW, STR), with tables built in guest memory.
 */
class DescriptorTableEmulatorTest {
    private static final int NP = 11;
    private static final long PSEUDO = 0x5000;
    private static final long GDT_BASE = 0x8000;
    private static final int LDT_SELECTOR = 0x10;
    private static final int TSS_SELECTOR = 0x20;
    private static final long LDT_BASE = 0xffff_8000_0002_0000L;
    private static final long TSS_BASE = 0xffff_8000_1234_5000L;
    /** null, code, LDT (2 slots), TSS (2 slots), 7 slots in all. */
    private static final int GDT_LIMIT = 7 * 8 - 1;

    private final TestMachine t = new TestMachine();
    private final DescriptorTableEmulator emulator = new DescriptorTableEmulator();
    private final Gdt gdt = new Gdt(t.memory, GDT_BASE)
            .put(0x8, Gdt.CODE64)
            .putSystem(LDT_SELECTOR, LDT_BASE, 0xfff, Gdt.TYPE_LDT, true, false)
            .putSystem(TSS_SELECTOR, TSS_BASE, 0x67, Gdt.TYPE_TSS_AVAILABLE, true, false)
            .put(0x30, 0)
            .load(t.cpu, GDT_LIMIT);

    private void run(String hex) throws GuestFault {
        assertEquals(Outcome.ADVANCE, t.run(emulator, hex));
        assertEquals(TestMachine.RIP, t.regs.rip(), "emulators leave rip to the run loop");
    }

    private void putPseudoDescriptor(long address, int limit, long base) {
        t.memory.writeU16(address, limit);
        t.memory.writeU64(address + 2, base);
    }

    private TableRegister gdtr() {
        return t.cpu.tables().gdtr();
    }

    private GuestFault fault(String hex, int vector) {
        GuestFault f = t.fault(emulator, hex, vector);
        assertEquals(TestMachine.RIP, t.regs.rip());
        return f;
    }

    /** lldt ax / ltr ax with ax = selector. */
    private void withAx(int selector) {
        t.setGpr(GPR_RAX, 0xffff_0000L | selector);
    }

    @Test
    void lgdtLoadsLimitAndBaseFromTheTenBytePseudoDescriptor() throws GuestFault {
        putPseudoDescriptor(PSEUDO, 0x7f, 0xffff_8000_0010_0000L);
        t.setGpr(GPR_RAX, PSEUDO);

        run("0f 01 10"); // lgdt [rax]

        assertEquals(new TableRegister(0xffff_8000_0010_0000L, 0x7f), gdtr());
    }

    @Test
    void lidtLoadsTheIdtr() throws GuestFault {
        putPseudoDescriptor(PSEUDO, 0xfff, 0x20_0000L);
        t.setGpr(GPR_RAX, PSEUDO);

        run("0f 01 18"); // lidt [rax]

        assertEquals(new TableRegister(0x20_0000L, 0xfff), t.cpu.tables().idtr());
        assertEquals(new TableRegister(GDT_BASE, GDT_LIMIT), gdtr(), "GDTR untouched");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0f 01 10", "0f 01 18"})
    void nonCanonicalBaseIsGp(String hex) {
        putPseudoDescriptor(PSEUDO, 0x7f, 0x0000_8000_0000_0000L);
        t.setGpr(GPR_RAX, PSEUDO);

        fault(hex, GuestFault.GP);

        assertEquals(new TableRegister(GDT_BASE, GDT_LIMIT), gdtr());
        assertEquals(TableRegister.NONE, t.cpu.tables().idtr());
    }

    @Test
    void lgdtRipRelativeIsRelativeToTheNextInstruction() throws GuestFault {
        // 7 bytes at rip 0x1000, disp32 0x10: the operand is at 0x1000 + 7 + 0x10.
        putPseudoDescriptor(TestMachine.RIP + 7 + 0x10, 0x3f, 0x9000);

        run("0f 01 15 10 00 00 00"); // lgdt [rip + 0x10]

        assertEquals(new TableRegister(0x9000, 0x3f), gdtr());
    }

    @Test
    void lgdtWithBaseIndexScaleAndDisplacement() throws GuestFault {
        putPseudoDescriptor(0x6000 + 3 * 8 + 8, 0x2f, 0xa000);
        t.setGpr(GPR_RBX, 0x6000);
        t.setGpr(GPR_RCX, 3);

        run("0f 01 54 cb 08"); // lgdt [rbx + rcx*8 + 8]

        assertEquals(new TableRegister(0xa000, 0x2f), gdtr());
    }

    @Test
    void lgdtWithAnFsOverrideAddsTheFsBase() throws GuestFault {
        putPseudoDescriptor(0x7000 + 0x100, 0x1f, 0xb000);
        t.regs.setFsBase(0x7000);
        t.setGpr(GPR_RAX, 0x100);

        run("64 0f 01 10"); // lgdt fs:[rax]

        assertEquals(new TableRegister(0xb000, 0x1f), gdtr());
    }

    @Test
    void lgdtFromOutsideRamIsPageFault() {
        t.setGpr(GPR_RAX, TestMachine.RAM_SIZE - 2); // the limit is the last word of RAM, the base is beyond

        GuestFault f = fault("0f 01 10", GuestFault.PF);

        assertEquals(TestMachine.RAM_SIZE, f.faultAddress());
        assertEquals(new TableRegister(GDT_BASE, GDT_LIMIT), gdtr());
    }

    /**
     * With a 0x67 prefix the decoder names the base EIP; SDM Vol. 2A, 2.2.1.6: RIP-relative addressing
     * (32-bit with 0x67) is relative to the next instruction, so the operand here is at
     * 0x1000 + 8 + 0x10, not at the decoy 8 bytes earlier (written first: the two overlap).
     */
    @Test
    void lgdtEipRelativeIsRelativeToTheNextInstruction() throws GuestFault {
        putPseudoDescriptor(TestMachine.RIP + 0x10, 0x1f, 0xdead_0000L);
        putPseudoDescriptor(TestMachine.RIP + 8 + 0x10, 0x3f, 0x9000);

        run("67 0f 01 15 10 00 00 00"); // lgdt [eip + 0x10]

        assertEquals(new TableRegister(0x9000, 0x3f), gdtr());
    }

    @Test
    void sgdtStoresTenBytesAndNothingMore() throws GuestFault {
        t.cpu.tables().setGdtr(new TableRegister(0xffff_8000_0001_2000L, 0x57));
        t.memory.fill(PSEUDO - 1, 12, (byte) 0xcc);
        t.setGpr(GPR_RAX, PSEUDO);

        run("0f 01 00"); // sgdt [rax]

        assertEquals(0x57, t.memory.readU16(PSEUDO));
        assertEquals(0xffff_8000_0001_2000L, t.memory.readU64(PSEUDO + 2));
        assertEquals(0xcc, t.memory.readU8(PSEUDO - 1));
        assertEquals(0xcc, t.memory.readU8(PSEUDO + 10));
    }

    @Test
    void sidtStoresTheIdtr() throws GuestFault {
        t.cpu.tables().setIdtr(new TableRegister(0x3000, 0xfff));
        t.setGpr(GPR_RAX, PSEUDO);

        run("0f 01 08"); // sidt [rax]

        assertEquals(0xfff, t.memory.readU16(PSEUDO));
        assertEquals(0x3000, t.memory.readU64(PSEUDO + 2));
    }

    @Test
    void sgdtThenLgdtRoundTrips() throws GuestFault {
        t.setGpr(GPR_RAX, PSEUDO);
        run("0f 01 00"); // sgdt [rax]
        t.cpu.tables().setGdtr(TableRegister.NONE);

        run("0f 01 10"); // lgdt [rax]

        assertEquals(new TableRegister(GDT_BASE, GDT_LIMIT), gdtr());
    }

    @Test
    void lldtLoadsAnLdtDescriptorWithItsSixtyFourBitBase() throws GuestFault {
        withAx(LDT_SELECTOR);

        run("0f 00 d0"); // lldt ax

        assertEquals(new SegmentRegister(LDT_SELECTOR, LDT_BASE, 0xfff, Gdt.TYPE_LDT), t.cpu.tables().ldtr());
    }

    @Test
    void lldtReadsTheSelectorFromMemory() throws GuestFault {
        t.memory.writeU16(PSEUDO, LDT_SELECTOR);
        t.setGpr(GPR_RAX, PSEUDO);

        run("0f 00 10"); // lldt [rax]

        assertEquals(LDT_SELECTOR, t.cpu.tables().ldtr().selector());
        assertEquals(LDT_BASE, t.cpu.tables().ldtr().base());
    }

    @Test
    void lldtWithANullSelectorInvalidatesTheLdt() throws GuestFault {
        withAx(LDT_SELECTOR);
        run("0f 00 d0");

        withAx(0);
        run("0f 00 d0"); // lldt ax, ax = 0

        assertEquals(SegmentRegister.NULL, t.cpu.tables().ldtr());
    }

    @Test
    void lldtOfATssDescriptorIsGp() {
        withAx(TSS_SELECTOR);

        fault("0f 00 d0", GuestFault.GP);

        assertEquals(SegmentRegister.NULL, t.cpu.tables().ldtr());
    }

    @Test
    void lldtOfACodeSegmentIsGp() {
        withAx(0x8);

        fault("0f 00 d0", GuestFault.GP);
    }

    @Test
    void lldtOfANotPresentLdtIsNp() {
        gdt.putSystem(LDT_SELECTOR, LDT_BASE, 0xfff, Gdt.TYPE_LDT, false, false);
        withAx(LDT_SELECTOR);

        fault("0f 00 d0", NP);

        assertEquals(SegmentRegister.NULL, t.cpu.tables().ldtr());
    }

    @Test
    void lldtWithTiSetIsGp() {
        withAx(LDT_SELECTOR | 4);

        fault("0f 00 d0", GuestFault.GP);
    }

    @Test
    void lldtWhoseSixteenByteDescriptorPassesTheGdtLimitIsGp() {
        gdt.load(t.cpu, LDT_SELECTOR + 14); // the descriptor's last byte is at +15

        withAx(LDT_SELECTOR);
        fault("0f 00 d0", GuestFault.GP);

        withAx(0x40);
        fault("0f 00 d0", GuestFault.GP);
    }

    @Test
    void lldtJustInsideTheGdtLimitLoads() throws GuestFault {
        gdt.load(t.cpu, LDT_SELECTOR + 15);
        withAx(LDT_SELECTOR);

        run("0f 00 d0");

        assertEquals(LDT_SELECTOR, t.cpu.tables().ldtr().selector());
    }

    /**
     * LLDT's faults are #GP(selector) and #NP(selector) (SDM Vol. 2A, LLDT,
     * "Protected Mode Exceptions"), with the selector (RPL cleared) as the error code.
     */
    @Test
    void lldtFaultsCarryTheSelectorAsErrorCode() {
        withAx(TSS_SELECTOR);
        assertEquals(TSS_SELECTOR, fault("0f 00 d0", GuestFault.GP).errorCode());

        gdt.putSystem(LDT_SELECTOR, LDT_BASE, 0xfff, Gdt.TYPE_LDT, false, false);
        withAx(LDT_SELECTOR);
        assertEquals(LDT_SELECTOR, fault("0f 00 d0", NP).errorCode());
    }

    @Test
    void ltrLoadsAnAvailableTssAndMarksItBusyInTheGdt() throws GuestFault {
        long highBefore = t.memory.readU64(gdt.address(TSS_SELECTOR) + 8);
        withAx(TSS_SELECTOR);

        run("0f 00 d8"); // ltr ax

        assertEquals(new SegmentRegister(TSS_SELECTOR, TSS_BASE, 0x67, Gdt.TYPE_TSS_BUSY), t.cpu.tables().tr());
        long[] busy = Gdt.system(TSS_BASE, 0x67, Gdt.TYPE_TSS_BUSY, true, false);
        assertEquals(busy[0], t.memory.readU64(gdt.address(TSS_SELECTOR)));
        assertEquals(0x8b, t.memory.readU8(gdt.address(TSS_SELECTOR) + 5));
        assertEquals(highBefore, t.memory.readU64(gdt.address(TSS_SELECTOR) + 8));
    }

    @Test
    void ltrScalesTheLimitWithTheGranularityBit() throws GuestFault {
        gdt.putSystem(TSS_SELECTOR, 0x6000, 0x1, Gdt.TYPE_TSS_AVAILABLE, true, true);
        withAx(TSS_SELECTOR);

        run("0f 00 d8");

        assertEquals(0x1fffL, t.cpu.tables().tr().limit());
        assertEquals(0x6000L, t.cpu.tables().tr().base());
    }

    @Test
    void ltrUsesAllFourBaseFieldsAndTheTwentyBitLimit() throws GuestFault {
        gdt.putSystem(TSS_SELECTOR, 0xffff_ff89_9abc_def0L, 0xa_bcdeL, Gdt.TYPE_TSS_AVAILABLE, true, false);
        withAx(TSS_SELECTOR);

        run("0f 00 d8");

        assertEquals(0xffff_ff89_9abc_def0L, t.cpu.tables().tr().base());
        assertEquals(0xa_bcdeL, t.cpu.tables().tr().limit());
    }

    /** A system descriptor's base must be canonical (SDM Vol. 2A, LTR/LLDT: #GP(selector)). */
    @Test
    void ltrWithANonCanonicalBaseIsGpWithTheSelector() {
        gdt.putSystem(TSS_SELECTOR, 0x1234_5678_9abc_def0L, 0x67, Gdt.TYPE_TSS_AVAILABLE, true, false);
        withAx(TSS_SELECTOR);

        assertEquals(TSS_SELECTOR, fault("0f 00 d8", GuestFault.GP).errorCode());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void ltrWithANullSelectorIsGp(int selector) {
        withAx(selector);

        fault("0f 00 d8", GuestFault.GP);

        assertEquals(SegmentRegister.NULL, t.cpu.tables().tr());
    }

    @Test
    void ltrOfABusyTssIsGp() throws GuestFault {
        withAx(TSS_SELECTOR);
        run("0f 00 d8");
        t.cpu.tables().setTr(SegmentRegister.NULL);

        fault("0f 00 d8", GuestFault.GP);

        assertEquals(SegmentRegister.NULL, t.cpu.tables().tr());
    }

    @Test
    void ltrOfAnLdtDescriptorIsGp() {
        withAx(LDT_SELECTOR);

        fault("0f 00 d8", GuestFault.GP);

        assertEquals(0x82, t.memory.readU8(gdt.address(LDT_SELECTOR) + 5), "descriptor untouched");
    }

    @Test
    void ltrOfANotPresentTssIsNpAndLeavesItAvailable() {
        gdt.putSystem(TSS_SELECTOR, TSS_BASE, 0x67, Gdt.TYPE_TSS_AVAILABLE, false, false);
        withAx(TSS_SELECTOR);

        fault("0f 00 d8", NP);

        assertEquals(0x09, t.memory.readU8(gdt.address(TSS_SELECTOR) + 5));
    }

    @Test
    void strStoresTheTaskRegisterSelectorZeroExtended() throws GuestFault {
        withAx(TSS_SELECTOR);
        run("0f 00 d8");
        t.setGpr(GPR_RAX, -1L);

        run("0f 00 c8"); // str eax

        assertEquals(TSS_SELECTOR, t.gpr(GPR_RAX));
    }

    @Test
    void sldtStoresTheLdtSelector() throws GuestFault {
        withAx(LDT_SELECTOR);
        run("0f 00 d0");
        t.setGpr(GPR_RCX, -1L);

        run("0f 00 c1"); // sldt ecx

        assertEquals(LDT_SELECTOR, t.gpr(GPR_RCX));
    }

    @Test
    void sldtAxPreservesBits63To16() throws GuestFault {
        t.setGpr(GPR_RAX, 0x1122_3344_5566_7788L);

        run("66 0f 00 c0"); // sldt ax

        assertEquals(0x1122_3344_5566_0000L, t.gpr(GPR_RAX));
    }

    @Test
    void strToMemoryStoresTwoBytes() throws GuestFault {
        withAx(TSS_SELECTOR);
        run("0f 00 d8");
        t.memory.writeU32(PSEUDO, 0xcccc_ccccL);
        t.setGpr(GPR_RAX, PSEUDO);

        run("0f 00 08"); // str [rax]

        assertEquals(0xcccc_0000L | TSS_SELECTOR, t.memory.readU32(PSEUDO));
    }

    @Test
    void smswStoresCr0() throws GuestFault {
        t.setGpr(GPR_RAX, -1L);
        run("0f 01 e0"); // smsw eax
        assertEquals(TestMachine.CR0, t.gpr(GPR_RAX));

        t.memory.writeU32(PSEUDO, 0xcccc_ccccL);
        t.setGpr(GPR_RAX, PSEUDO);
        run("0f 01 20"); // smsw [rax]: 16 bits
        assertEquals(0xcccc_0033L, t.memory.readU32(PSEUDO));
    }
}
