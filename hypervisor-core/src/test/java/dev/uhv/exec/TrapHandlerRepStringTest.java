package dev.uhv.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.emulate.EmulatorTable;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Machine;
import dev.uhv.emulate.Outcome;
import dev.uhv.io.PortBus;
import dev.uhv.io.PortDevice;
import dev.uhv.io.RecordingMmioDevice;
import dev.uhv.linux.Signals;
import dev.uhv.memory.GuestMemory;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A long REP string to a device is one trap: the trap handler runs the emulator's bounded steps one
 * after the other until the string is done, and stops between two steps only when the run is to end
 * (the string then resumes where it was, rip kept).
 */
class TrapHandlerRepStringTest {
    private static final long RIP = 0x1000;
    private static final long EFER = MsrFile.EFER_LME | MsrFile.EFER_LMA | MsrFile.EFER_SCE | MsrFile.EFER_NXE;
    private static final int PORT = 0x3f0;
    private static final long BUFFER = 0x10000;
    private static final int LENGTH = 64 << 10;
    private static final long DEV = 0xfed0_0000L;

    private final RegisterFile regs = RegisterFile.allocate();
    private final GuestMemory memory = GuestMemory.allocate(2 << 20);
    private final VirtualCpu cpu = new VirtualCpu(regs, new ControlRegisters(Vm.INITIAL_CR0, 0, 48),
            new MsrFile(regs, () -> 0, EFER, 48), new CpuidModel((leaf, subleaf) -> CpuidResult.ZERO), 7);
    private final PortBus ports = new PortBus();
    private final Machine machine = new Machine(cpu, memory, ports, false, 7);
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    /** How often the handler asked whether to stop, and after how many asks the answer turns yes. */
    private int stopChecks;
    private int stopAfter = Integer.MAX_VALUE;
    private final TrapHandler handler = new TrapHandler(machine, EmulatorTable.standard(), null,
            () -> ++stopChecks > stopAfter);

    TrapHandlerRepStringTest() {
        ports.register(PORT, 1, new PortDevice() {
            @Override
            public int read(int offset, int size) {
                return 0x5a;
            }

            @Override
            public void write(int offset, int size, int value) {
                received.write(value);
            }

            @Override
            public String name() {
                return "sink";
            }
        });
        cpu.enterCode(0x08, 64, 0);
        regs.setRflags(Rflags.FIXED_1 | Rflags.IF);
    }

    private Outcome trap(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        memory.write(RIP, bytes, 0, bytes.length);
        regs.setRip(RIP);
        return handler.onFault(Signals.SIGSEGV, SignalInfo.NONE);
    }

    private long traps(InstructionFamily family) {
        return handler.trapsByFamily()[family.ordinal()];
    }

    /** LENGTH bytes that differ from one 256-byte block to the next, so order mistakes show. */
    private static byte[] pattern() {
        byte[] b = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            b[i] = (byte) (i + (i >> 8));
        }
        return b;
    }

    @Test
    void repOutsbOf64KiBCompletesInOneTrapInOrder() {
        byte[] data = pattern();
        memory.write(BUFFER, data, 0, LENGTH);
        regs.setGpr(RegisterFile.GPR_RDX, PORT);
        regs.setGpr(RegisterFile.GPR_RSI, BUFFER);
        regs.setGpr(RegisterFile.GPR_RCX, LENGTH);

        assertSame(Outcome.ADVANCE, trap("f3 6e")); // rep outsb

        assertArrayEquals(data, received.toByteArray());
        assertEquals(0, regs.gpr(RegisterFile.GPR_RCX));
        assertEquals(BUFFER + LENGTH, regs.gpr(RegisterFile.GPR_RSI));
        assertEquals(RIP + 2, regs.rip());
        assertEquals(1, traps(InstructionFamily.PORT_IO));
        assertEquals(LENGTH / 4096 - 1, stopChecks, "asked between every two steps");
    }

    @Test
    void repInsbOf64KiBCompletesInOneTrap() {
        regs.setGpr(RegisterFile.GPR_RDX, PORT);
        regs.setGpr(RegisterFile.GPR_RDI, BUFFER);
        regs.setGpr(RegisterFile.GPR_RCX, LENGTH);

        assertSame(Outcome.ADVANCE, trap("f3 6c")); // rep insb

        byte[] in = new byte[LENGTH];
        memory.read(BUFFER, in, 0, LENGTH);
        byte[] expected = new byte[LENGTH];
        Arrays.fill(expected, (byte) 0x5a);
        assertArrayEquals(expected, in);
        assertEquals(0, regs.gpr(RegisterFile.GPR_RCX));
        assertEquals(1, traps(InstructionFamily.PORT_IO));
    }

    @Test
    void aStopRequestEndsAHugeStringBetweenStepsWithRipKept() {
        long huge = 1L << 40;
        stopAfter = 2;
        regs.setGpr(RegisterFile.GPR_RDX, PORT);
        regs.setGpr(RegisterFile.GPR_RSI, BUFFER);
        regs.setGpr(RegisterFile.GPR_RCX, huge);

        assertSame(Outcome.RETRY, trap("f3 6e"));

        long done = 3 * 4096; // the first step, then two more before the third check said stop
        assertEquals(done, received.size());
        assertEquals(huge - done, regs.gpr(RegisterFile.GPR_RCX));
        assertEquals(BUFFER + done, regs.gpr(RegisterFile.GPR_RSI));
        assertEquals(RIP, regs.rip(), "the instruction resumes where it was");
        assertEquals(1, traps(InstructionFamily.PORT_IO));
    }

    @Test
    void repStosbOf64KiBToAnMmioDeviceIsOneTrap() {
        RecordingMmioDevice device = new RecordingMmioDevice("big", LENGTH);
        machine.mmio().register(DEV, LENGTH, device);
        regs.setGpr(RegisterFile.GPR_RAX, 0x77);
        regs.setGpr(RegisterFile.GPR_RDI, DEV);
        regs.setGpr(RegisterFile.GPR_RCX, LENGTH);
        byte[] hex = HexFormat.of().parseHex("f3aa"); // rep stosb
        memory.write(RIP, hex, 0, hex.length);
        regs.setRip(RIP);

        assertSame(Outcome.ADVANCE, handler.onFault(Signals.SIGSEGV, SignalInfo.of(SignalInfo.SEGV_MAPERR, DEV)));

        assertEquals(LENGTH, device.accesses().size());
        assertEquals(0x77, device.peek(LENGTH - 1, 1));
        assertEquals(0, regs.gpr(RegisterFile.GPR_RCX));
        assertEquals(RIP + 2, regs.rip());
        assertEquals(1, traps(InstructionFamily.MMIO));
    }
}
