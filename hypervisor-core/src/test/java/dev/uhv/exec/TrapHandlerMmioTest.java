package dev.uhv.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.emulate.EmulatorTable;
import dev.uhv.emulate.ExitReason;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Machine;
import dev.uhv.emulate.Outcome;
import dev.uhv.io.PortBus;
import dev.uhv.io.RecordingMmioDevice;
import dev.uhv.linux.Signals;
import dev.uhv.memory.GuestMemory;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SIGSEGV path of the trap handler for accesses to MMIO, without a guest: the instruction's
 * bytes sit at rip in heap RAM and the test hands in the fault the kernel would report. No IDT is
 * loaded, so an exception the guest would take ends in a Stop that names it.
 */
class TrapHandlerMmioTest {
    private static final long DEV = 0xfed0_0000L;
    private static final long RIP = 0x1000;
    private static final long EFER = MsrFile.EFER_LME | MsrFile.EFER_LMA | MsrFile.EFER_SCE | MsrFile.EFER_NXE;

    private final RegisterFile regs = RegisterFile.allocate();
    private final GuestMemory memory = GuestMemory.allocate(2 << 20);
    private final VirtualCpu cpu = new VirtualCpu(regs, new ControlRegisters(Vm.INITIAL_CR0, 0, 48),
            new MsrFile(regs, () -> 0, EFER, 48), new CpuidModel((leaf, subleaf) -> CpuidResult.ZERO), 7);
    private final Machine machine = new Machine(cpu, memory, new PortBus(), false, 7);
    private final TrapHandler handler = new TrapHandler(machine, EmulatorTable.standard(), null);
    private final RecordingMmioDevice device = new RecordingMmioDevice("testdev", 0x1000);

    TrapHandlerMmioTest() {
        machine.mmio().register(DEV, 0x1000, device);
        cpu.enterCode(0x08, 64, 0);
        regs.setRflags(Rflags.FIXED_1 | Rflags.IF);
    }

    /** Puts hex at rip and reports a SIGSEGV page fault at address. */
    private Outcome segv(String hex, long address) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        memory.write(RIP, bytes, 0, bytes.length);
        regs.setRip(RIP);
        return handler.onFault(Signals.SIGSEGV, SignalInfo.of(SignalInfo.SEGV_MAPERR, address));
    }

    private long mmioTraps() {
        return handler.trapsByFamily()[InstructionFamily.MMIO.ordinal()];
    }

    @Test
    void aLoadFromADeviceIsEmulatedAndRipMovesPastIt() {
        device.poke(0x10, 4, 0xcafe_f00dL);
        regs.setGpr(RegisterFile.GPR_RBX, DEV + 0x10);

        assertSame(Outcome.ADVANCE, segv("8b 03", DEV + 0x10)); // mov eax, [rbx]

        assertEquals(0xcafe_f00dL, regs.gpr(RegisterFile.GPR_RAX));
        assertEquals(RIP + 2, regs.rip());
        assertEquals(1, mmioTraps());
        assertEquals(List.of("r10/4"), device.accesses());
    }

    @Test
    void ring3CodeMayTouchADevice() {
        cpu.enterCode(0x2b, 64, 3);
        regs.setGpr(RegisterFile.GPR_RBX, DEV);
        regs.setGpr(RegisterFile.GPR_RAX, 0x42);

        assertSame(Outcome.ADVANCE, segv("89 03", DEV)); // mov [rbx], eax

        assertEquals(List.of("w0/4=42"), device.accesses());
    }

    @Test
    void compatibilityModeCodeIsDecodedAs32BitCode() {
        cpu.enterCode(0x18, 32, 0);
        device.poke(0x10, 4, 0x1234_5678);

        assertSame(Outcome.ADVANCE, segv("a1 10 00 d0 fe", DEV + 0x10)); // mov eax, [0xfed00010]

        assertEquals(0x1234_5678, regs.gpr(RegisterFile.GPR_RAX));
        assertEquals(RIP + 5, regs.rip());
    }

    @Test
    void anAccessThatRunsOffTheDeviceIsFoundByItsOperand() {
        regs.setGpr(RegisterFile.GPR_RBX, DEV + 0xffe);

        // The kernel reports the first byte of the page it could not reach, after the device.
        assertSame(Outcome.ADVANCE, segv("8b 03", DEV + 0x1000));

        assertEquals(List.of("rffe/4"), device.accesses());
    }

    @Test
    void singleSteppingAnMmioAccessTrapsAfterIt() {
        regs.setRflags(regs.rflags() | Rflags.TF);
        regs.setGpr(RegisterFile.GPR_RBX, DEV);

        Outcome.Stop stop = assertInstanceOf(Outcome.Stop.class, segv("8b 03", DEV));

        assertEquals("unhandled guest exception #DB", stop.label());
        assertEquals(RIP + 2, regs.rip(), "the #DB is a trap: rip after the access");
        assertEquals(List.of("r0/4"), device.accesses());
    }

    @Test
    void aFormTheEmulatorDoesNotTakeEndsTheRunNamingTheInstructionAndTheDevice() {
        regs.setGpr(RegisterFile.GPR_RBX, DEV + 0x10);

        Outcome.Stop stop = assertInstanceOf(Outcome.Stop.class, segv("0f b1 0b", DEV + 0x10));

        assertEquals(ExitReason.UNHANDLED_INSTRUCTION, stop.reason());
        assertEquals("`cmpxchg [rbx], ecx` at 0x1000 accesses the testdev device at 0xfed00010 (MMIO), in a form "
                + "uhv does not emulate", stop.detail());
        assertEquals(List.of(), device.accesses());
        assertEquals(RIP, regs.rip());
    }

    @Test
    void anUnclaimedAddressOutsideRamIsStillThePageFault() {
        regs.setGpr(RegisterFile.GPR_RBX, DEV + 0x1000);

        Outcome.Stop stop = assertInstanceOf(Outcome.Stop.class, segv("8b 03", DEV + 0x1000));

        assertEquals("unhandled guest exception #PF", stop.label());
        assertEquals(DEV + 0x1000, cpu.cr().cr2());
        assertEquals(0, mmioTraps());
    }

    @Test
    void aFaultOnTheRamSideOfAMovsIsTheGuestsPageFaultAtTheInstruction() {
        regs.setGpr(RegisterFile.GPR_RSI, DEV);
        regs.setGpr(RegisterFile.GPR_RDI, 0x7f00_0000L); // neither RAM nor a device
        regs.setGpr(RegisterFile.GPR_RCX, 2);

        Outcome.Stop stop = assertInstanceOf(Outcome.Stop.class, segv("f3 a4", DEV)); // rep movsb

        assertEquals("unhandled guest exception #PF", stop.label());
        assertTrue(stop.detail().contains("#PF(0x2)") && stop.detail().contains("`movsb`"), stop.detail());
        assertEquals(0x7f00_0000L, cpu.cr().cr2());
        assertEquals(RIP, regs.rip());
        assertEquals(2, regs.gpr(RegisterFile.GPR_RCX), "no element completed");
    }
}
