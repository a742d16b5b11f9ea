package dev.uhv.emulate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.TableRegister;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.Register;
import org.junit.jupiter.api.Test;

/**
 * Selectors the guest read back from the host (0x23, 0x33, 0x2b) and stored in a far pointer, a
 * return frame, a segment load or an IDT gate stand for its own code and data selectors, unless its
 * GDT really has a segment there.
 */
class HostSelectorAliasTest {
    private static final long GDT = 0x8000, POINTER = 0x5000, STACK = 0x7000, TARGET = 0x2000;
    /** A multiboot kernel's small GDT: null, 32-bit code, data, 64-bit code. */
    private static final int CODE32 = 0x08, DATA = 0x10, CODE64 = 0x18;

    private final TestMachine t = new TestMachine(MsrFile.EFER_LME | MsrFile.EFER_LMA);

    HostSelectorAliasTest() {
        new Gdt(t.memory, GDT)
                .put(CODE32, Gdt.flat(0x9b, Gdt.FLAGS_32))
                .put(DATA, Gdt.flat(0x93, Gdt.FLAGS_32))
                .put(CODE64, Gdt.flat(0x9b, Gdt.FLAGS_CODE64))
                .load(t.cpu, 0x1f);
        t.cpu.enterCode(CODE32, 32, 0);
        t.cpu.setSelector(Register.SS, DATA);
        t.regs.setRsp(STACK);
    }

    @Test
    void aFarPointerBuiltFromMovAxCsIn32BitCodeEntersTheGuestsCodeSegment() throws GuestFault {
        t.memory.writeU32(POINTER, TARGET);
        t.memory.writeU16(POINTER + 4, VirtualCpu.HOST_CODE32);

        new FarTransferEmulator().emulate(t.decode32("ff2d00500000"), t.machine); // jmp far [0x5000]

        assertEquals(CODE32, t.cpu.selector(Register.CS));
        assertEquals(32, t.cpu.codeBits());
        assertEquals(TARGET, t.regs.rip());
    }

    @Test
    void aLretqFrameWithTheHostsCodeSelectorReturnsToThe64BitKernel() throws GuestFault {
        t.cpu.enterCode(CODE64, 64, 0);
        t.memory.writeU64(STACK, TARGET);
        t.memory.writeU64(STACK + 8, VirtualCpu.HOST_CODE64);

        new FarTransferEmulator().emulate(t.decode("48cb"), t.machine); // lretq

        assertEquals(CODE64, t.cpu.selector(Register.CS));
        assertEquals(0, t.cpu.cpl());
        assertEquals(64, t.cpu.codeBits());
        assertEquals(TARGET, t.regs.rip());
    }

    @Test
    void movDsFromTheHostsDataSelectorLoadsTheGuestsData() throws GuestFault {
        t.regs.set(Register.AX, VirtualCpu.HOST_DATA);

        new SegmentLoadEmulator().emulate(t.decode32("8ed8"), t.machine); // mov ds, ax

        assertEquals(DATA, t.cpu.selector(Register.DS));
    }

    @Test
    void anIdtGateWithTheHostsCodeSelectorDeliversToThe64BitKernel() {
        t.cpu.enterCode(CODE64, 64, 0);
        long idt = 0x9000;
        long handler = 0x3000;
        // 64-bit interrupt gate, vector 0x40: offset, selector 0x33, P, DPL0, type 0xe (SDM Vol. 3A, 6.14.1)
        t.memory.writeU64(idt + 0x40 * 16, (handler & 0xffff) | ((long) VirtualCpu.HOST_CODE64 << 16)
                | (0x8eL << 40) | ((handler >>> 16) & 0xffff) << 48);
        t.memory.writeU64(idt + 0x40 * 16 + 8, handler >>> 32);
        t.cpu.tables().setIdtr(new TableRegister(idt, 0xfff));

        Outcome outcome = InterruptDelivery.raise(t.machine, GuestEvent.software(0x40, TestMachine.RIP,
                TestMachine.RIP + 2, "int 0x40"));

        assertEquals(Outcome.JUMP, outcome);
        assertEquals(CODE64, t.cpu.selector(Register.CS));
        assertEquals(handler, t.regs.rip());
    }

    @Test
    void aGdtWithARealSegmentThereKeepsTheSelector() {
        new Gdt(t.memory, GDT).put(0x30, Gdt.flat(0xfb, Gdt.FLAGS_CODE64)).load(t.cpu, 0x3f);

        assertEquals(VirtualCpu.HOST_CODE64, GuestDescriptors.resolveHostAlias(t.machine, VirtualCpu.HOST_CODE64));
        assertEquals(DATA, GuestDescriptors.resolveHostAlias(t.machine, VirtualCpu.HOST_DATA));
    }
}
