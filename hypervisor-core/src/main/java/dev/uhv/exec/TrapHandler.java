package dev.uhv.exec;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.decoder.DecodeCache;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Decoder;
import dev.uhv.decoder.MachineMode;
import dev.uhv.decoder.UndecodableException;
import dev.uhv.emulate.Emulator;
import dev.uhv.emulate.EmulatorTable;
import dev.uhv.emulate.ExitReason;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Machine;
import dev.uhv.emulate.Outcome;
import dev.uhv.linux.Signals;

/**
 * Turns one trap of the guest into an outcome: fetch the bytes at rip from guest RAM, decode (through
 * a cache), dispatch to the instruction family, and advance rip when the instruction completed. The
 * only place rip is advanced. No allocation when the decode cache hits and the emulator continues.
 */
final class TrapHandler {
    /** Bytes at the entry of a syscall stop's instruction: rip is already past it, by 2 bytes. */
    private static final int SYSCALL_INSTRUCTION_LENGTH = 2;
    private static final int INT3_OPCODE = 0xcc;

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
        RegisterFile r = machine.regs();
        long rip = r.rip();
        if (signal == Signals.SIGTRAP && isBreakpointBefore(rip)) {
            // #BP is a trap: rip is already past the int3 (SDM Vol. 3A, 6.5)
            return Outcome.stop(ExitReason.GUEST_CRASH, String.format("guest #BP: `int3` at 0x%x (exceptions are "
                    + "not delivered through the guest's IDT yet)", rip - 1));
        }
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

    /**
     * A system-call stop: the instruction (syscall, int 0x80, sysenter) ends just before rip, and the
     * kernel has already replaced rax with -ENOSYS; the guest's rax is in orig_rax.
     */
    Outcome onSystemCall() {
        RegisterFile r = machine.regs();
        r.setRip(r.rip() - SYSCALL_INSTRUCTION_LENGTH);
        r.setGpr(RegisterFile.GPR_RAX, r.origRax());
        return onFault(Signals.SIGTRAP, () -> -1);
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
                return Outcome.stop(ExitReason.GUEST_CRASH, String.format(
                        "#PF: `%s` at 0x%x accessed 0x%x, outside guest RAM (0x0..0x%x)", text, rip, address,
                        machine.memory().size()));
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

    private boolean isBreakpointBefore(long rip) {
        return machine.memory().contains(rip - 1, 1) && machine.memory().readU8(rip - 1) == INT3_OPCODE;
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
