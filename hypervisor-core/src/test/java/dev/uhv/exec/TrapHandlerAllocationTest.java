package dev.uhv.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Msr;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.emulate.EmulatorTable;
import dev.uhv.emulate.Machine;
import dev.uhv.emulate.Outcome;
import dev.uhv.io.PortBus;
import dev.uhv.io.HostClock;
import dev.uhv.io.IrqLine;
import dev.uhv.io.PcPlatform;
import dev.uhv.io.PortDevice;
import dev.uhv.io.Uart16550;
import dev.uhv.linux.Signals;
import dev.uhv.memory.GuestMemory;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The trap path allocates nothing per trap (DESIGN.md): the trap handler, driven as the run loop
 * drives it (registers as a stop left them, then onFault or onSystemCall), through the common
 * families, counts the bytes its thread allocates once warm. Each kind of trap runs alone for
 * WINDOWS windows of ROUNDS traps: one small object (16 bytes) per trap would come to 480 KiB, even
 * one per hundred traps to 4.7 KiB, while the bound leaves room for a one-off only (the JIT that
 * deoptimizes a method once rebuilds the objects it had scalar-replaced: a KiB or so).
 */
class TrapHandlerAllocationTest {
    private static final long EFER = MsrFile.EFER_LME | MsrFile.EFER_LMA | MsrFile.EFER_SCE | MsrFile.EFER_NXE;
    private static final int KERNEL_CS = 0x08;
    /** syscall enters CS 0x08 (SS 0x10) at LSTAR. */
    private static final long STAR = 0x001b_0008_0000_0000L;
    private static final long LSTAR = 0x2000;
    private static final int PORT = 0x3f0;
    private static final long BUFFER = 0x8000, PAGE_TABLE = 0x9000;
    private static final int STRING_BYTES = 16;
    private static final int WARM_UP = 20_000;
    private static final int ROUNDS = 10_000, WINDOWS = 3;
    /** For each kind, over all its windows: under a third of a byte per trap. */
    private static final long BOUND_BYTES = 8 * 1024;

    private final RegisterFile regs = RegisterFile.allocate();
    private final GuestMemory memory = GuestMemory.allocate(2 << 20);
    private final VirtualCpu cpu = new VirtualCpu(regs, new ControlRegisters(Vm.INITIAL_CR0, 0, 48),
            new MsrFile(regs, () -> 0, EFER, 48), new CpuidModel((leaf, subleaf) -> CpuidResult.ZERO), 7);
    private final PortBus ports = new PortBus();
    private final CountingDevice device = new CountingDevice();
    private final Machine machine = new Machine(cpu, memory, ports, false, 7);
    private final TrapHandler handler = new TrapHandler(machine, EmulatorTable.standard(), null);
    /** What the kernel reports for a #GP: SIGSEGV with SI_KERNEL and no address. */
    private final SignalInfo gp = SignalInfo.of(SignalInfo.SI_KERNEL, 0);
    /** Where the next instruction goes: one address each, so the decode cache holds them all. */
    private long next = 0x1000;

    /** Counts what it is given; allocates nothing. */
    private static final class CountingDevice implements PortDevice {
        long reads, writes;

        @Override
        public int read(int offset, int size) {
            reads++;
            return 0x5a;
        }

        @Override
        public void write(int offset, int size, int value) {
            writes++;
        }

        @Override
        public String name() {
            return "counter";
        }
    }

    /** One kind of trap: run() sets the registers it needs and hands it to the handler. */
    private record Trap(String name, Runnable run) {
    }

    TrapHandlerAllocationTest() throws GuestFault {
        ports.register(PORT, 1, device);
        ports.register(Uart16550.COM1_BASE, 8, new Uart16550(IrqLine.NONE, OutputStream.nullOutputStream()));
        new PcPlatform(ports, memory.size(), HostClock.SYSTEM, "", (reason, status, detail) -> {
            throw new AssertionError(detail);
        });
        cpu.enterCode(KERNEL_CS, 64, 0);
        regs.setRflags(Rflags.FIXED_1 | Rflags.IF);
        cpu.msrs().write(Msr.STAR.index(), STAR);
        cpu.msrs().write(Msr.LSTAR.index(), LSTAR);
    }

    /** Puts hex at the next free address and returns that address. */
    private long put(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
        long at = next;
        memory.write(at, bytes, 0, bytes.length);
        next += 16;
        return at;
    }

    /** A #GP at the instruction hex, with gpr = value first; it must complete (ADVANCE). */
    private Trap fault(String name, String hex, int gpr, long value) {
        long rip = put(hex);
        return new Trap(name, () -> {
            regs.setGpr(gpr, value);
            regs.setRip(rip);
            Outcome outcome = handler.onFault(Signals.SIGSEGV, gp);
            if (outcome != Outcome.ADVANCE) {
                throw new AssertionError(name + ": " + outcome);
            }
        });
    }

    private Trap fault(String name, String hex) {
        return fault(name, hex, 15, 0);
    }

    /** The system-call stop of a syscall: rip past it, the guest's rax in orig_rax, rax = -ENOSYS. */
    private Trap syscallStop() {
        long rip = put("0f 05");
        return new Trap("syscall stop", () -> {
            regs.setRip(rip + 2);
            regs.setOrigRax(60);
            regs.setGpr(RegisterFile.GPR_RAX, -38);
            if (handler.onSystemCall() != Outcome.JUMP) {
                throw new AssertionError("syscall");
            }
        });
    }

    /** sysretq from CPL0 to rcx, then back to CPL0 for the next one. */
    private Trap sysret() {
        long rip = put("48 0f 07");
        return new Trap("sysretq", () -> {
            regs.setGpr(RegisterFile.GPR_RCX, 0x4000);
            regs.setGpr(11, Rflags.FIXED_1 | Rflags.IF);
            regs.setRip(rip);
            if (handler.onFault(Signals.SIGSEGV, gp) != Outcome.JUMP) {
                throw new AssertionError("sysret");
            }
            cpu.enterCode(KERNEL_CS, 64, 0);
        });
    }

    /** rep outsb of STRING_BYTES bytes to the counting device. */
    private Trap repOutsb() {
        Trap outsb = fault("rep outsb", "f3 6e", RegisterFile.GPR_RSI, BUFFER);
        return new Trap(outsb.name(), () -> {
            regs.setGpr(RegisterFile.GPR_RDX, PORT);
            regs.setGpr(RegisterFile.GPR_RCX, STRING_BYTES);
            outsb.run().run();
        });
    }

    @Test
    void warmTrapsAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM counts allocated bytes per thread");
        Trap[] traps = {
            fault("mov rax, cr0", "0f 20 c0"),
            fault("mov cr0, rax", "0f 22 c0", RegisterFile.GPR_RAX, Vm.INITIAL_CR0),
            fault("mov cr3, rax", "0f 22 d8", RegisterFile.GPR_RAX, PAGE_TABLE),
            fault("mov rax, dr7", "0f 21 f8"),
            fault("rdmsr", "0f 32", RegisterFile.GPR_RCX, Msr.STAR.index()),
            fault("wrmsr", "0f 30", RegisterFile.GPR_RCX, Msr.STAR.index()),
            fault("out dx, al", "ee", RegisterFile.GPR_RDX, PORT),
            fault("in al, dx", "ec", RegisterFile.GPR_RDX, PORT),
            fault("out 0xe9, al", "e6 e9"), // unclaimed here: logged once, in the warm-up
            fault("out 0x80, al", "e6 80"), // Linux's I/O delay
            fault("in al, 0x3fd", "ec", RegisterFile.GPR_RDX, Uart16550.COM1_BASE + 5), // the UART's LSR
            fault("out 0x3f8, al", "ee", RegisterFile.GPR_RDX, Uart16550.COM1_BASE), // its THR
            fault("in al, 0x21", "e4 21"), // the PIC's mask
            fault("out 0x43, al", "e6 43", RegisterFile.GPR_RAX, 0), // latch PIT counter 0
            fault("in al, 0x40", "e4 40"),
            repOutsb(),
            fault("cpuid", "0f a2", RegisterFile.GPR_RAX, 0),
            fault("rdtsc", "0f 31"),
            fault("cli", "fa"),
            fault("sti", "fb"),
            fault("swapgs", "0f 01 f8"),
            fault("invlpg [rax]", "0f 01 38", RegisterFile.GPR_RAX, BUFFER),
            fault("wbinvd", "0f 09"),
            syscallStop(),
            sysret()};
        for (int i = 0; i < WARM_UP; i++) {
            for (Trap t : traps) {
                t.run().run();
            }
        }
        // Each kind runs alone, WINDOWS times ROUNDS traps, so that the message says which allocates.
        long[][] bytes = new long[traps.length][WINDOWS];
        boolean quiet = true;
        for (int k = 0; k < traps.length; k++) {
            Runnable run = traps[k].run();
            long total = 0;
            for (int w = 0; w < WINDOWS; w++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < ROUNDS; i++) {
                    run.run();
                }
                bytes[k][w] = threads.getCurrentThreadAllocatedBytes() - before;
                total += bytes[k][w];
            }
            quiet &= total < BOUND_BYTES;
        }

        StringBuilder perKind = new StringBuilder();
        for (int k = 0; k < traps.length; k++) {
            perKind.append(String.format("%n  %-14s %s bytes in windows of %d traps", traps[k].name(),
                    Arrays.toString(bytes[k]), ROUNDS));
        }
        long passes = WARM_UP + (long) WINDOWS * ROUNDS;
        assertEquals(passes * (1 + STRING_BYTES), device.writes, "every out reached the device");
        assertEquals(passes, device.reads, "every in reached the device");
        assertTrue(quiet, "allocated while trapping:" + perKind);
    }
}
