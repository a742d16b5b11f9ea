package dev.uhv.exec;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodeCache;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Decoder;
import dev.uhv.decoder.MachineMode;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.UndecodableException;
import dev.uhv.emulate.AccessLog;
import dev.uhv.emulate.Emulator;
import dev.uhv.emulate.EmulatorTable;
import dev.uhv.emulate.ExitReason;
import dev.uhv.emulate.GuestEvent;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.InterruptDelivery;
import dev.uhv.emulate.Machine;
import dev.uhv.emulate.MmioAccessEmulator;
import dev.uhv.emulate.Outcome;
import dev.uhv.cpu.Canonical;
import dev.uhv.io.MmioDevice;
import dev.uhv.linux.Signals;
import dev.uhv.scan.CodePages;
import dev.uhv.scan.PatchSite;
import dev.uhv.trace.TraceWriter;
import dev.uhv.trace.TrapRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * Turns one trap of the guest into an outcome: fetch the bytes at rip from guest RAM, decode (through
 * a cache, in the mode the guest's code runs in), dispatch to the instruction family, and advance rip
 * when the instruction completed (the only place rip is advanced). A trap that is the guest's own
 * exception (a page fault, a divide error, an undefined opcode, a privileged instruction at CPL3)
 * goes to the guest's IDT. A native access that faults on a page an MMIO device claims is emulated
 * against the device. A long REP string is emulated in bounded steps, one after the other within its
 * one trap, until it completes or a stop is requested. No allocation when the decode cache hits and
 * the emulator continues.
 */
final class TrapHandler {
    private static final Logger log = LoggerFactory.getLogger(TrapHandler.class);
    /** Bytes at the entry of a syscall stop's instruction: rip is already past it, by 2 bytes. */
    private static final int SYSCALL_INSTRUCTION_LENGTH = 2;
    private static final int INT_IMM8_OPCODE = 0xcd;
    private static final int INT1_OPCODE = 0xf1;

    private final Machine machine;
    private final EmulatorTable emulators;
    private final MmioAccessEmulator mmioAccesses = new MmioAccessEmulator();
    private final Decoder decoder64 = Decoder.forMode(MachineMode.LONG_64);
    private final Decoder decoder32 = Decoder.forMode(MachineMode.LEGACY_32);
    private final DecodeCache cache64 = new DecodeCache(decoder64, 4096);
    private final DecodeCache cache32 = new DecodeCache(decoder32, 1024);
    private final byte[] window = new byte[Decoder.MAX_INSTRUCTION_LENGTH];
    private final long[] trapsByFamily = new long[InstructionFamily.values().length];
    /** The code scanner's page table, or null when --sensitive does not scan. */
    private final CodePages codePages;
    /** The page a writer is single-stepped in (Outcome.STEP), and whether the guest's TF was set then. */
    private long steppedPage;
    private boolean steppedWithTf;
    /** A single step just ended in a fault of its own: its page's state says nothing of rip's fetch. */
    private boolean stepFaulted;
    /** Where --trace goes, or null. */
    private TraceWriter trace;
    /** What the current trap did, noted by the emulators while --trace is on; else null. */
    private TrapRecord record;
    /** Whether the run is to end (a timeout, Ctrl-C): a long REP string then stops between its steps. */
    private final BooleanSupplier stopRequested;
    /** Whether the last fault was the scanner's own (a first run, a write to scanned code): not a guest trap. */
    private boolean scannerFault;

    /** A handler for a run that is never asked to stop (tests, tools). */
    TrapHandler(Machine machine, EmulatorTable emulators, CodePages codePages) {
        this(machine, emulators, codePages, () -> false);
    }

    /** stopRequested: whether the run is to end, asked between the steps of a long REP string. */
    TrapHandler(Machine machine, EmulatorTable emulators, CodePages codePages, BooleanSupplier stopRequested) {
        this.machine = machine;
        this.emulators = emulators;
        this.codePages = codePages;
        this.stopRequested = stopRequested;
    }

    /** A fault of the instruction at rip (SIGSEGV, SIGILL, SIGTRAP, SIGFPE, SIGBUS). */
    Outcome onFault(int signal, SignalInfo info) {
        if (record == null) {
            return fault(signal, info);
        }
        record.begin(machine.regs().rip());
        return traced(fault(signal, info));
    }

    /**
     * With --trace: the trap that ended in outcome is written with what it did, unless it was the
     * code scanner's own fault (not a guest trap).
     */
    private Outcome traced(Outcome outcome) {
        if (!scannerFault) {
            writeTrap(outcome);
        }
        return outcome;
    }

    private void writeTrap(Outcome outcome) {
        record.finish(outcome, machine.regs().rip(), machine.cpu().cpl());
        trace.trap(record);
    }

    private Outcome fault(int signal, SignalInfo info) {
        noticeNativeRingChange();
        long rip = machine.regs().rip();
        scannerFault = false;
        if (codePages != null && signal == Signals.SIGSEGV) {
            Outcome firstRun = atScannedCode(rip);
            if (firstRun != null) {
                scannerFault = true;
                return firstRun;
            }
        }
        if (signal == Signals.SIGTRAP) {
            return resumeAt(debugTrap(rip, info.code()));
        }
        return resumeAt(decodeAndEmulate(signal, rip, info));
    }

    /**
     * The code scanner's look at a SIGSEGV at rip, without asking the kernel for siginfo (a system call
     * every trap would pay): rip in RAM not scanned yet can only be the fetch fault of a page's first
     * run (it is not executable), which this scans; a patched site counts its trap, and its original
     * instruction is then emulated as if it had trapped by itself. A protection fault of a data access
     * (a write to scanned code, an instruction running into a page not scanned) reaches
     * {@link #scannerAccess} once no emulator takes the instruction. Null: go on with the trap.
     */
    private Outcome atScannedCode(long rip) {
        boolean afterStep = stepFaulted;
        stepFaulted = false;
        if (!afterStep && codePages.covers(rip) && !codePages.isScanned(rip)) {
            return firstRun(rip, rip);
        }
        PatchSite site = codePages.siteAt(rip);
        if (site != null) {
            site.countTrap();
        }
        codePages.noteEntry(rip, codeBits());
        return null;
    }

    /**
     * A protection fault in RAM that no emulator explains is the scanner's own doing: a write to a
     * scanned page (read-execute), or the fetch of an instruction's tail from a page not scanned yet
     * (read-write, not executable). Null when it is neither.
     */
    private Outcome scannerAccess(long rip, SignalInfo info) {
        if (codePages == null || info.code() != SignalInfo.SEGV_ACCERR || !codePages.covers(info.address())) {
            return null;
        }
        scannerFault = true;
        long address = info.address();
        return codePages.isScanned(address) ? writeToCode(rip, address) : firstRun(rip, address);
    }

    /**
     * Writes every trap to trace (--trace), or none when trace is null: the machine's emulators then
     * note what each trap reads and writes into a record of this handler's.
     */
    void setTrace(TraceWriter trace) {
        this.trace = trace;
        record = trace == null ? null : new TrapRecord(machine.ports(), machine.mmio());
        machine.setAccessLog(record == null ? AccessLog.NONE : record);
    }

    /** Whether the last {@link #onFault} was the code scanner's business rather than the guest's trap. */
    boolean lastWasScannerFault() {
        return scannerFault;
    }

    /** The first fetch from a page: scan it from rip, or past an instruction at rip that runs into it. */
    private Outcome firstRun(long rip, long address) {
        long entry = rip;
        if (CodePages.pageOf(rip) != CodePages.pageOf(address)) {
            DecodedInstruction insn = decodeAt(rip);
            entry = insn == null ? -1 : rip + insn.length();
        }
        codePages.scanForExecution(address, entry, codeBits());
        return Outcome.RETRY;
    }

    /**
     * A native write to a scanned page: the page goes back to unscanned and the write runs again; a
     * writer that lies in that page itself runs once alone, with the page executable only for it.
     */
    private Outcome writeToCode(long rip, long address) {
        DecodedInstruction insn = decodeAt(rip);
        long last = rip + (insn == null ? 1 : insn.length()) - 1;
        long page = CodePages.pageOf(address);
        boolean writerThere = CodePages.pageOf(rip) == page || CodePages.pageOf(last) == page;
        codePages.invalidate(address, writerThere);
        if (!writerThere) {
            return Outcome.RETRY;
        }
        steppedPage = page;
        steppedWithTf = (machine.regs().rflags() & Rflags.TF) != 0;
        return Outcome.STEP;
    }

    /**
     * The single step of {@link Outcome#STEP} stopped, completed or not: the page is not executable
     * again. A step that faulted instead is then handled as a trap, with siginfo to say what faulted.
     */
    void endStep(boolean completed) {
        codePages.afterStep(steppedPage);
        stepFaulted = !completed;
    }

    /**
     * The single step completed (registers loaded): the guest's own TF, if it was set, is owed its
     * #DB. Null when the guest just goes on.
     */
    Outcome afterStep() {
        if (!steppedWithTf) {
            return null;
        }
        long rip = machine.regs().rip();
        if (record == null) {
            return resumeAt(singleStep(rip));
        }
        record.begin(rip);
        Outcome outcome = resumeAt(singleStep(rip));
        writeTrap(outcome);
        return outcome;
    }

    /** The guest resumes at rip after outcome: code uhv sends it to (a handler, a far target) gets scanned. */
    private Outcome resumeAt(Outcome outcome) {
        if (codePages != null && (outcome == Outcome.JUMP || outcome == Outcome.ADVANCE)) {
            codePages.noteEntry(machine.regs().rip(), codeBits());
        }
        return outcome;
    }

    private int codeBits() {
        return machine.regs().cs() == VirtualCpu.HOST_CODE32 ? 32 : 64;
    }

    /**
     * A system-call stop: the kernel has replaced rax with -ENOSYS (the guest's rax is in orig_rax,
     * of which it keeps the low 32 bits for int 0x80), and rip is past the instruction (syscall,
     * int 0x80: 2 bytes). Where the bytes before rip are none of those (sysenter on Intel returns to
     * a vDSO landing pad the child does not have), the call is still blocked and named.
     */
    Outcome onSystemCall() {
        if (record == null) {
            return systemCall();
        }
        record.begin(machine.regs().rip());
        return traced(systemCall());
    }

    private Outcome systemCall() {
        scannerFault = false;
        RegisterFile r = machine.regs();
        r.setGpr(RegisterFile.GPR_RAX, r.origRax());
        long at = r.rip() - SYSCALL_INSTRUCTION_LENGTH;
        DecodedInstruction insn = decodeAt(at);
        if (insn != null && insn.mnemonic() == Mnemonic.SYSCALL) {
            // Linux reports its constant user SS for a syscall entry, not the one the guest ran on.
            machine.cpu().restoreHostStackSegment();
        } else {
            noticeNativeRingChange();
        }
        if (insn == null || (insn.mnemonic() != Mnemonic.SYSCALL && insn.mnemonic() != Mnemonic.SYSENTER
                && insn.mnemonic() != Mnemonic.INT)) {
            return Outcome.stop(ExitReason.GUEST_SYSCALL, String.format("a host system call with rax=%d, from an "
                    + "instruction uhv could not locate (rip 0x%x): it did not run", r.origRax(), r.rip()));
        }
        r.setRip(at);
        return resumeAt(decodeAndEmulate(Signals.SIGTRAP, at, SignalInfo.NONE));
    }

    private void noticeNativeRingChange() {
        if (machine.cpu().followNativeReturnToUser()) {
            log.debug("the guest entered ring 3 natively (CS 0x{}, SS 0x{}) before 0x{}",
                    Integer.toHexString(machine.regs().cs()), Integer.toHexString(machine.regs().ss()),
                    Long.toHexString(machine.regs().rip()));
        }
    }

    /**
     * SIGTRAP, a trap with rip after the instruction (SDM Vol. 3A, 6.5): single-step with the guest's
     * TF (si_code TRAP_TRACE) and int1 (TRAP_BRKPT) are #DB; int3 and int 3 (SI_KERNEL) are #BP,
     * a software interrupt that checks the gate's DPL.
     */
    private Outcome debugTrap(long rip, int code) {
        if (code == SignalInfo.TRAP_TRACE) {
            return singleStep(rip);
        }
        if (code == SignalInfo.TRAP_BRKPT || code == SignalInfo.TRAP_HWBKPT) {
            long next = afterInt1(rip);
            noteInstruction(next - 1, "int1");
            return raise(GuestEvent.trap(GuestFault.DB, next, "int1"));
        }
        int length = breakpointLengthBefore(rip);
        String text = length == 2 ? "int 3" : "int3";
        noteInstruction(rip - length, text);
        return raise(GuestEvent.software(GuestFault.BP, rip - length, rip, text));
    }

    /** With --trace: the trap's instruction is at rip, and reads as text. */
    private void noteInstruction(long rip, String text) {
        if (record != null) {
            record.instruction(rip, text);
        }
    }

    private Outcome singleStep(long nextRip) {
        machine.cpu().dr().recordSingleStep();
        return raise(GuestEvent.trap(GuestFault.DB, nextRip, "single-step trap (RFLAGS.TF)"));
    }

    /**
     * int1 is a trap: rip should already be past its F1 byte. Some nested hypervisors (this project's
     * AMD hosts, HOST.md) report its #DB with rip still at the F1; the guest must see rip after it.
     */
    private long afterInt1(long rip) {
        boolean pastF1 = machine.isMapped(rip - 1, 1) && machine.memory().readU8(rip - 1) == INT1_OPCODE;
        boolean atF1 = machine.isMapped(rip, 1) && machine.memory().readU8(rip) == INT1_OPCODE;
        return !pastF1 && atF1 ? rip + 1 : rip;
    }

    /** 2 for int 3 (CD 03) ending just before rip, else 1 (int3, CC). */
    private int breakpointLengthBefore(long rip) {
        if (machine.isMapped(rip - 2, 2) && machine.memory().readU8(rip - 2) == INT_IMM8_OPCODE
                && machine.memory().readU8(rip - 1) == 3) {
            return 2;
        }
        return 1;
    }

    private DecodeCache cache() {
        return codeBits() == 32 ? cache32 : cache64;
    }

    private Decoder decoder() {
        return codeBits() == 32 ? decoder32 : decoder64;
    }

    /** Reads the bytes at address into window, as many as guest RAM holds (0 outside it), patches undone. */
    private int fetch(long address) {
        if (!machine.isMapped(address, 1)) {
            return 0;
        }
        int n = machine.memory().readAvailable(address, window);
        if (codePages != null) {
            codePages.hidePatches(address, window, n);
        }
        return n;
    }

    private DecodedInstruction decodeAt(long address) {
        int n = fetch(address);
        if (n == 0) {
            return null;
        }
        try {
            return cache().decode(address, window, n);
        } catch (UndecodableException e) {
            return null;
        }
    }

    /** How an instruction moves RFLAGS, TF included, between itself and memory: what a step of it must mind. */
    enum FlagsInMemory {
        NONE,
        /** popf, iret: a TF after it is the one it loaded. */
        LOADS,
        /** pushf: it stores the TF the step runs with. */
        STORES
    }

    /** How the instruction at address moves RFLAGS to or from memory. */
    FlagsInMemory flagsInMemory(long address) {
        DecodedInstruction insn = decodeAt(address);
        if (insn == null) {
            return FlagsInMemory.NONE;
        }
        return switch (insn.mnemonic()) {
            case POPF, POPFD, POPFQ, IRET, IRETD, IRETQ -> FlagsInMemory.LOADS;
            case PUSHF, PUSHFD, PUSHFQ -> FlagsInMemory.STORES;
            default -> FlagsInMemory.NONE;
        };
    }

    /**
     * After uhv's own step of the pushf at rip ({@link FlagsInMemory#STORES}), completed, the guest's
     * TF clear: run natively (--sensitive fault or off; the scanner emulates it otherwise), it
     * stored the step's TF, which the guest's flags do not have. It goes from the stored flags, as a
     * debugger on the CPU would have to mend them too.
     */
    void mendPushedStepFlag(long rip) {
        DecodedInstruction insn = decodeAt(rip);
        if (insn == null) {
            return;
        }
        int size = insn.operandWidth() / 8;
        long at = machine.regs().rsp();
        if (machine.memory().contains(at, size)) {
            machine.memory().write(at, size, machine.memory().read(at, size) & ~Rflags.TF);
        }
    }

    /** The instruction at address as text, for --single-step's trace; "(undecodable)" where there is none. */
    String describe(long address) {
        DecodedInstruction insn = decodeAt(address);
        return insn == null ? "(undecodable)" : decoder().format(window, insn.length(), address);
    }

    private Outcome decodeAndEmulate(int signal, long rip, SignalInfo info) {
        int n = fetch(rip);
        if (n == 0) {
            return raise(fetchFault(rip, rip));
        }
        DecodedInstruction insn;
        try {
            insn = cache().decode(rip, window, n);
        } catch (UndecodableException e) {
            if (e.isTruncated() && n < window.length) {
                return raise(fetchFault(rip, rip + n)); // the instruction runs off the end of guest RAM
            }
            return raise(GuestEvent.fault(GuestFault.UD, rip, "bytes that are no instruction: " + e.getMessage()));
        }
        if (record != null) {
            record.instruction(rip, decoder().format(window, insn.length(), rip));
        }
        Emulator emulator = emulators.find(insn);
        if (emulator == null) {
            return notEmulated(signal, insn, rip, info);
        }
        return emulate(emulator, insn, rip);
    }

    private Outcome emulate(Emulator emulator, DecodedInstruction insn, long rip) {
        trapsByFamily[emulator.family().ordinal()]++;
        if (record != null) {
            record.emulatedBy(emulator.family(), codePages != null && codePages.siteAt(rip) != null);
        }
        RegisterFile r = machine.regs();
        boolean stepping = (r.rflags() & Rflags.TF) != 0;
        Outcome outcome;
        try {
            int cpl = machine.cpu().cpl();
            if (cpl > 0 && emulator.privileged(insn)) {
                throw GuestFault.gp(insn.mnemonicText() + " is privileged and the CPU is at CPL" + cpl);
            }
            outcome = emulator.emulate(insn, machine);
            // A long REP string's next step, at once: its registers are where the last step left
            // them, as the instruction would find them if the child ran it again and it trapped.
            while (outcome == Outcome.RETRY && !stopRequested.getAsBoolean()) {
                outcome = emulator.emulate(insn, machine);
            }
        } catch (GuestFault f) {
            return raise(GuestEvent.fault(f, rip, String.format("%s (`%s`)", f.getMessage(), insn.mnemonicText())));
        }
        if (outcome == Outcome.ADVANCE) {
            r.setRip(rip + insn.length());
        }
        // TF at the start of an instruction traps after it (SDM Vol. 3A, 17.3.1.4), a trap the native
        // run loses to the fault; not after int n, whose delivery clears TF for the handler.
        if (stepping && (outcome == Outcome.ADVANCE
                || (outcome == Outcome.JUMP && emulator.family() != InstructionFamily.INTERRUPT))) {
            return singleStep(r.rip());
        }
        return outcome;
    }

    /**
     * A trap no emulator takes: a page fault on an MMIO device's page is an access to emulate;
     * otherwise the hardware's own exception for the guest where the signal says which
     * (SIGSEGV with a fault address: #PF; SIGILL: #UD; SIGFPE: #DE/#MF/#XM; SIGBUS: #SS or #AC), else
     * the host's #GP: the guest's #GP at CPL3 or for a non-canonical address, and at CPL0 a privileged
     * instruction uhv does not emulate, which ends the run.
     */
    private Outcome notEmulated(int signal, DecodedInstruction insn, long rip, SignalInfo info) {
        if (signal == Signals.SIGSEGV) {
            Outcome scanner = scannerAccess(rip, info);
            if (scanner != null) {
                return scanner;
            }
        }
        if (signal == Signals.SIGSEGV && isPageFault(info.code())) {
            long deviceAddress = mmioAddress(insn, info.address());
            if (deviceAddress >= 0) {
                return mmioAccess(insn, rip, deviceAddress);
            }
        }
        String text = decoder().format(window, insn.length(), rip);
        VirtualCpu cpu = machine.cpu();
        if (signal == Signals.SIGSEGV) {
            int code = info.code();
            if (isPageFault(code)) {
                return raise(pageFault(insn, rip, info.address(), code == SignalInfo.SEGV_ACCERR, text));
            }
            if (insn.mnemonicText().equals("bound")) {
                // Linux reports #BR (BOUND range exceeded, a fault) as SIGSEGV like a #GP.
                return raise(GuestEvent.fault(GuestFault.BR, rip, "`" + text + "`"));
            }
            if (cpu.cpl() > 0 || hasNonCanonicalOperand(insn)) {
                return raise(GuestEvent.fault(GuestFault.GP, rip, "`" + text + "`"));
            }
            return Outcome.stop(ExitReason.UNHANDLED_INSTRUCTION, String.format("`%s` at 0x%x", text, rip));
        }
        if (signal == Signals.SIGBUS) {
            if (info.code() == SignalInfo.BUS_ADRALN) {
                if (cpu.cpl() == 3 && (cpu.cr().cr0() & ControlRegisters.CR0_AM) != 0) {
                    return raise(GuestEvent.fault(GuestFault.AC, rip, "`" + text + "`"));
                }
                return Outcome.stop(ExitReason.UNHANDLED_INSTRUCTION, String.format("`%s` at 0x%x: a misaligned "
                        + "access with RFLAGS.AC set, which the host checks at its CPL3 but the guest's CPL%d does not",
                        text, rip, cpu.cpl()));
            }
            return raise(GuestEvent.fault(GuestFault.SS, rip, "`" + text + "`"));
        }
        if (signal == Signals.SIGFPE) {
            return raise(GuestEvent.fault(arithmeticVector(insn, info.code()), rip, "`" + text + "`"));
        }
        if (signal == Signals.SIGILL) {
            return raise(GuestEvent.fault(GuestFault.UD, rip, "`" + text + "`"));
        }
        return Outcome.stop(ExitReason.UNHANDLED_INSTRUCTION, String.format("`%s` at 0x%x", text, rip));
    }

    private static boolean isPageFault(int segvCode) {
        return segvCode == SignalInfo.SEGV_MAPERR || segvCode == SignalInfo.SEGV_ACCERR;
    }

    /**
     * The device address a faulting access reached: the fault address when a device claims it, else
     * the explicit memory operand's (an access that starts in a device and runs into a page nobody
     * claims reports the later page); -1 when the access touched no device. Devices live outside
     * RAM, in pages the child leaves unmapped, so only such a fault can be one.
     */
    private long mmioAddress(DecodedInstruction insn, long faultAddress) {
        if (machine.isDevice(faultAddress)) {
            return faultAddress;
        }
        for (Operand op : insn.operands()) {
            if (op instanceof Operand.Mem mem) {
                long address = machine.effectiveAddress(mem, insn.length(), insn.addressWidth());
                if (machine.isDevice(address)) {
                    return address;
                }
            }
        }
        return -1;
    }

    /**
     * Emulates an access to a device (at any CPL: the guest has no page tables here to forbid it),
     * counted as MMIO, with the single-step and fault handling of every emulated instruction. A form
     * the access emulator does not take ends the run naming the instruction and the device.
     */
    private Outcome mmioAccess(DecodedInstruction insn, long rip, long address) {
        if (!mmioAccesses.accepts(insn)) {
            MmioDevice device = machine.mmio().deviceAt(address);
            return Outcome.stop(ExitReason.UNHANDLED_INSTRUCTION, String.format("`%s` at 0x%x accesses the %s "
                    + "device at 0x%x (MMIO), in a form uhv does not emulate", decoder().format(window, insn.length(),
                    rip), rip, device.name(), address));
        }
        return emulate(mmioAccesses, insn, rip);
    }

    /** #DE for integer division; x87 errors are #MF; SIMD errors #XM, or #UD without CR4.OSXMMEXCPT. */
    private int arithmeticVector(DecodedInstruction insn, int code) {
        if (code == SignalInfo.FPE_INTDIV || code == SignalInfo.FPE_INTOVF) {
            return GuestFault.DE;
        }
        if (insn.mnemonicText().startsWith("f")) {
            return GuestFault.MF;
        }
        return (machine.cpu().cr().cr4() & ControlRegisters.CR4_OSXMMEXCPT) != 0 ? GuestFault.XM : GuestFault.UD;
    }

    /** Whether an explicit memory operand's address is not canonical: the hardware's #GP(0). */
    private boolean hasNonCanonicalOperand(DecodedInstruction insn) {
        for (Operand op : insn.operands()) {
            if (op instanceof Operand.Mem mem
                    && !Canonical.isCanonical(machine.effectiveAddress(mem, insn.length(), insn.addressWidth()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * #PF for a native access to an address that is not guest RAM: P from the kernel's report, W when
     * the instruction writes memory, U at CPL3, I when the fetch of the instruction itself faulted.
     */
    private GuestEvent pageFault(DecodedInstruction insn, long rip, long address, boolean present, String text) {
        if (address >= rip && address < rip + insn.length()) {
            return fetchFault(rip, address);
        }
        long error = (present ? Machine.PF_PRESENT : 0) | (insn.writesMemory() ? Machine.PF_WRITE : 0)
                | (machine.cpu().cpl() == 3 ? Machine.PF_USER : 0);
        return GuestEvent.pageFault(error, address, rip,
                String.format("`%s` accessed 0x%x, outside guest RAM (0x%x..0x%x)", text, address,
                        machine.lowestMapped(), machine.memory().size()));
    }

    /** The I/D bit is reported when NX is enabled (SDM Vol. 3A, 4.7). */
    private GuestEvent fetchFault(long rip, long address) {
        long error = (machine.cpu().cpl() == 3 ? Machine.PF_USER : 0)
                | ((machine.cpu().msrs().efer() & MsrFile.EFER_NXE) != 0 ? Machine.PF_FETCH : 0);
        return GuestEvent.pageFault(error, address, rip,
                String.format("instruction fetch at 0x%x, outside guest RAM (0x%x..0x%x)", address,
                        machine.lowestMapped(), machine.memory().size()));
    }


    private Outcome raise(GuestEvent event) {
        return InterruptDelivery.raise(machine, event);
    }

    long[] trapsByFamily() {
        return trapsByFamily;
    }

    DecodeCache cache64() {
        return cache64;
    }
}
