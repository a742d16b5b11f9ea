package dev.uhv.exec;

import dev.uhv.bench.PrivilegedInstruction;
import dev.uhv.bench.UhvBenchmark;
import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Msr;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodeCache;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Decoder;
import dev.uhv.decoder.MachineMode;
import dev.uhv.decoder.UndecodableException;
import dev.uhv.emulate.EmulatorTable;
import dev.uhv.emulate.Machine;
import dev.uhv.emulate.Outcome;
import dev.uhv.io.DebugCon;
import dev.uhv.io.PortBus;
import dev.uhv.linux.Signals;
import dev.uhv.memory.GuestMemory;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Java side of one trap, without a guest: a machine as the run loop builds one (registers and
 * RAM in direct buffers, debugcon on port 0xe9, no code scanner) with the instruction's bytes at rip,
 * at virtual CPL0 in 64-bit mode. {@code trapHandler} is the run loop's call for a #GP
 * (TrapHandler.onFault: fetch from RAM, decode through its cache, dispatch, emulate, advance rip);
 * {@code decodeAndEmulate} the same steps through public parts only (fetch, DecodeCache,
 * EmulatorTable, the emulator), without the handler's bookkeeping. In this package because
 * TrapHandler is package-private.
 */
public class EmulateBench extends UhvBenchmark {
    private static final long RIP = 0x1000;
    private static final long EFER = MsrFile.EFER_LME | MsrFile.EFER_LMA | MsrFile.EFER_SCE | MsrFile.EFER_NXE;
    private static final int PHYSICAL_ADDRESS_BITS = 48;
    private static final long XCR0 = 7;
    /** A #GP as the kernel reports it: SIGSEGV, si_code SI_KERNEL, no address. */
    private static final SignalInfo GENERAL_PROTECTION = SignalInfo.of(SignalInfo.SI_KERNEL, 0);

    @Param({"MOV_RAX_CR0", "WRMSR", "OUT_E9_AL"})
    public PrivilegedInstruction instruction;

    private final byte[] window = new byte[Decoder.MAX_INSTRUCTION_LENGTH];
    private final EmulatorTable emulators = EmulatorTable.standard();
    private final DecodeCache cache = new DecodeCache(Decoder.forMode(MachineMode.LONG_64), 4096);
    private RegisterFile regs;
    private GuestMemory memory;
    private Machine machine;
    private TrapHandler handler;

    @Setup
    public void setUp() {
        regs = new RegisterFile(ByteBuffer.allocateDirect(RegisterFile.SIZE));
        memory = new GuestMemory(ByteBuffer.allocateDirect(2 << 20));
        PortBus ports = new PortBus();
        ports.register(DebugCon.PORT, 1, new DebugCon(OutputStream.nullOutputStream()));
        VirtualCpu cpu = new VirtualCpu(regs,
                new ControlRegisters(Vm.INITIAL_CR0, ControlRegisters.CR4_PAE, PHYSICAL_ADDRESS_BITS),
                new MsrFile(regs, () -> 0, EFER, PHYSICAL_ADDRESS_BITS),
                new CpuidModel((leaf, subleaf) -> CpuidResult.ZERO), XCR0);
        cpu.enterCode(0x08, 64, 0);
        regs.setRflags(Rflags.FIXED_1);
        machine = new Machine(cpu, memory, ports, false, XCR0);
        handler = new TrapHandler(machine, emulators, null);
        byte[] code = instruction.window();
        memory.write(RIP, code, 0, code.length);
        // wrmsr writes STAR with edx:eax
        regs.setGpr(RegisterFile.GPR_RCX, Msr.STAR.index() & 0xffff_ffffL);
        regs.setEdxEax(0x0023_0010_0000_0000L);
        // what is measured must be the emulation, not an exception or a stop
        regs.setRip(RIP);
        Outcome outcome = handler.onFault(Signals.SIGSEGV, GENERAL_PROTECTION);
        if (outcome != Outcome.ADVANCE || regs.rip() == RIP) {
            throw new IllegalStateException(instruction + " was not emulated: " + outcome);
        }
    }

    @Benchmark
    public void trapHandler(Blackhole bh) {
        regs.setRip(RIP);
        bh.consume(handler.onFault(Signals.SIGSEGV, GENERAL_PROTECTION));
        bh.consume(regs.rip());
    }

    @Benchmark
    public void decodeAndEmulate(Blackhole bh) throws UndecodableException, GuestFault {
        int n = memory.readAvailable(RIP, window);
        DecodedInstruction insn = cache.decode(RIP, window, n);
        bh.consume(emulators.find(insn).emulate(insn, machine));
    }
}
