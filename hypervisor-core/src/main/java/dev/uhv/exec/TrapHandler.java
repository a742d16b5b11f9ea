package dev.uhv.exec;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.decoder.DecodeCache;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Decoder;
import dev.uhv.decoder.MachineMode;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.UndecodableException;
import dev.uhv.emulate.Emulator;
import dev.uhv.emulate.EmulatorTable;
import dev.uhv.emulate.ExitReason;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Machine;
import dev.uhv.emulate.Outcome;
import dev.uhv.linux.Signals;
import dev.uhv.memory.GuestMemory;

/**
 * Turns one trap of the guest into an outcome: fetch the bytes at rip from guest RAM, decode (through
 * a cache), dispatch to the instruction family, and advance rip when the instruction completed. The
 * only place rip is advanced. No allocation when the decode cache hits and the emulator continues.
 */
final class TrapHandler {
    /** Bytes at the entry of a syscall stop's instruction: rip is already past it, by 2 bytes. */
    private static final int SYSCALL_INSTRUCTION_LENGTH = 2;
    private static final int INT3_OPCODE = 0xcc;
    private static final int INT_IMM8_OPCODE = 0xcd;
    private static final PageFaultQuery NO_PAGE_FAULT = () -> -1;

    private final Machine machine;
    private final EmulatorTable emulators;
    private final Decoder decoder = Decoder.forMode(MachineMode.LONG_64);
    private final DecodeCache cache = new DecodeCache(decoder, 4096);
    private final byte[] window = new byte[Decoder.MAX_INSTRUCTION_LENGTH];
    private final long[] trapsByFamily = new long[InstructionFamily.values().length];

    TrapHandler(Machine machine, EmulatorTable emulators) {
        this.machine = machine;
        this.emulators = emulators;
    }

    /**
     * A fault of the instruction at rip (SIGSEGV, SIGILL, SIGTRAP, SIGFPE, SIGBUS). pageFault gives
     * the faulting address the kernel reports, or -1 for a fault that is not a page fault; it is only
     * asked for instructions uhv does not emulate.
     */
    Outcome onFault(int signal, PageFaultQuery pageFault) {
        if (signal == Signals.SIGTRAP) {
            return debugTrap(machine.regs().rip());
        }
        return decodeAndEmulate(signal, machine.regs().rip(), pageFault);
    }

    /**
     * A system-call stop: the kernel has replaced rax with -ENOSYS (the guest's rax is in orig_rax,
     * of which it keeps the low 32 bits for int 0x80), and rip is past the instruction (syscall,
     * int 0x80: 2 bytes). Where the bytes before rip are none of those (sysenter on Intel returns to
     * a vDSO landing pad the child does not have), the call is still blocked and named.
     */
    Outcome onSystemCall() {
        RegisterFile r = machine.regs();
        r.setGpr(RegisterFile.GPR_RAX, r.origRax());
        long at = r.rip() - SYSCALL_INSTRUCTION_LENGTH;
        DecodedInstruction insn = decodeAt(at);
        if (insn == null || (insn.mnemonic() != Mnemonic.SYSCALL && insn.mnemonic() != Mnemonic.SYSENTER
                && insn.mnemonic() != Mnemonic.INT)) {
            return Outcome.stop(ExitReason.GUEST_SYSCALL, String.format("a host system call with rax=%d, from an "
                    + "instruction uhv could not locate (rip 0x%x): it did not run", r.origRax(), r.rip()));
        }
        r.setRip(at);
        return decodeAndEmulate(Signals.SIGTRAP, at, NO_PAGE_FAULT);
    }

    /**
     * SIGTRAP: #BP from int3 (CC) or int 3 (CD 03), a trap that leaves rip after the instruction
     * (SDM Vol. 3A, 6.5), else #DB (single-step with the guest's TF, or int1).
     */
    private Outcome debugTrap(long rip) {
        int length = breakpointLengthBefore(rip);
        if (length > 0) {
            return Outcome.stop(ExitReason.GUEST_CRASH, String.format("guest #BP: `%s` at 0x%x (exceptions are "
                    + "not delivered through the guest's IDT yet)", length == 1 ? "int3" : "int 3", rip - length));
        }
        return Outcome.stop(ExitReason.GUEST_CRASH, String.format("guest #DB: debug trap (single-step or int1) "
                + "before 0x%x (exceptions are not delivered through the guest's IDT yet)", rip));
    }

    /** 1 for int3 (CC), 2 for int 3 (CD 03) ending just before rip, else 0. */
    private int breakpointLengthBefore(long rip) {
        GuestMemory ram = machine.memory();
        if (ram.contains(rip - 2, 2) && ram.readU8(rip - 2) == INT_IMM8_OPCODE && ram.readU8(rip - 1) == 3) {
            return 2;
        }
        if (ram.contains(rip - 1, 1) && ram.readU8(rip - 1) == INT3_OPCODE) {
            return 1;
        }
        return 0;
    }

    private DecodedInstruction decodeAt(long address) {
        int n = machine.memory().readAvailable(address, window);
        if (n == 0) {
            return null;
        }
        try {
            return cache.decode(address, window, n);
        } catch (UndecodableException e) {
            return null;
        }
    }

    private Outcome decodeAndEmulate(int signal, long rip, PageFaultQuery pageFault) {
        int n = machine.memory().readAvailable(rip, window);
        if (n == 0) {
            return Outcome.stop(ExitReason.GUEST_CRASH, String.format(
                    "#PF: instruction fetch at 0x%x, outside guest RAM (0x0..0x%x)", rip, machine.memory().size()));
        }
        DecodedInstruction insn;
        try {
            insn = cache.decode(rip, window, n);
        } catch (UndecodableException e) {
            return Outcome.stop(ExitReason.UNHANDLED_INSTRUCTION,
                    String.format("bytes that are no instruction at 0x%x: %s", rip, e.getMessage()));
        }
        Emulator emulator = emulators.find(insn);
        if (emulator == null) {
            return notEmulated(signal, insn, rip, pageFault);
        }
        return emulate(emulator, insn, rip);
    }

    private Outcome emulate(Emulator emulator, DecodedInstruction insn, long rip) {
        trapsByFamily[emulator.family().ordinal()]++;
        Outcome outcome;
        try {
            outcome = emulator.emulate(insn, machine);
        } catch (GuestFault f) {
            return guestException(f, insn, rip);
        }
        if (outcome == Outcome.ADVANCE) {
            machine.regs().setRip(rip + insn.length());
        }
        return outcome;
    }

    private Outcome notEmulated(int signal, DecodedInstruction insn, long rip, PageFaultQuery pageFault) {
        String text = decoder.format(window, insn.length(), rip);
        if (signal == Signals.SIGSEGV || signal == Signals.SIGBUS) {
            long address = pageFault.address();
            if (address != -1) {
                String why = machine.cpu().msrs().explainFault(address);
                return Outcome.stop(ExitReason.GUEST_CRASH, why != null
                        ? String.format("#PF: `%s` at 0x%x: %s", text, rip, why)
                        : String.format("#PF: `%s` at 0x%x accessed 0x%x, outside guest RAM (0x0..0x%x)", text, rip,
                                address, machine.memory().size()));
            }
        }
        if (signal == Signals.SIGFPE) {
            return Outcome.stop(ExitReason.GUEST_CRASH, String.format("#DE: `%s` at 0x%x", text, rip));
        }
        return Outcome.stop(ExitReason.UNHANDLED_INSTRUCTION, String.format("`%s` at 0x%x", text, rip));
    }

    private Outcome guestException(GuestFault f, DecodedInstruction insn, long rip) {
        if (f.vector() == GuestFault.PF) {
            machine.cpu().cr().writeCr2(f.faultAddress());
        }
        String text = decoder.format(window, insn.length(), rip);
        return Outcome.stop(ExitReason.GUEST_CRASH, String.format("guest %s: %s (`%s` at 0x%x; exceptions are "
                + "not delivered through the guest's IDT yet)", f.mnemonic(), f.getMessage(), text, rip));
    }

    long[] trapsByFamily() {
        return trapsByFamily;
    }

    DecodeCache cache() {
        return cache;
    }

    /** Asks the transport for a page fault's address only when it is needed (one more ptrace call). */
    @FunctionalInterface
    interface PageFaultQuery {
        long address();
    }
}
