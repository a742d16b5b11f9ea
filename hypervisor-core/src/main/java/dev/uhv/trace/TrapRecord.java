package dev.uhv.trace;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Msr;
import dev.uhv.emulate.AccessLog;
import dev.uhv.emulate.GuestEvent;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Outcome;
import dev.uhv.io.MmioBus;
import dev.uhv.io.MmioDevice;
import dev.uhv.io.PortBus;
import dev.uhv.io.PortDevice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one trap did, for the trace: the instruction (rip, text, family), the values the emulators
 * noted through {@link AccessLog} while it ran, and its outcome. The machine holds one while a trace
 * is written, and the trap handler begins it at each trap and hands it to {@link TraceWriter#trap}
 * when the trap is done. A string instruction that moves 64 KiB keeps its count and its first
 * {@link #MAX_VALUES} values only.
 */
public final class TrapRecord implements AccessLog {
    /** Values (port I/O) or accesses (MMIO) a trap keeps, however many it made. */
    public static final int MAX_VALUES = 8;

    /** The port the instruction used (one port, size and direction per instruction), and its values. */
    public record PortIo(int port, int size, boolean in, String device, long count, long[] values) {
    }

    /** One access to a memory-mapped device. */
    public record MmioAccess(long address, int size, boolean write, long value, String device) {
    }

    /** rdmsr or wrmsr; name is null for an MSR uhv does not model. */
    public record MsrAccess(int index, String name, boolean write, long value, boolean ignored) {
    }

    /** A control or debug register read (old == value) or written ("cr0", "dr7"). */
    public record RegisterAccess(String register, boolean write, long old, long value) {
    }

    /** cpuid's input and result. */
    public record CpuidCall(int leaf, int subleaf, int eax, int ebx, int ecx, int edx) {
    }

    /** A descriptor-table register loaded ("gdtr", "idtr", "ldtr", "tr"); selector -1 for GDTR and IDTR. */
    public record TableLoad(String register, int selector, long base, long limit) {
    }

    /** An exception or interrupt the trap raised, and whether the guest's IDT took it. */
    public record Raised(int vector, String name, long errorCode, long faultAddress, boolean delivered,
                         String detail) {
        /** Whether the vector is #PF, with a fault address worth showing (CR2). */
        public boolean isPageFault() {
            return vector == GuestFault.PF;
        }
    }

    /** How a trap ended. */
    public enum Result {
        /** The instruction completed; rip moved past it. */
        ADVANCED,
        /** The instruction moved rip itself (a far transfer, syscall, iret). */
        JUMPED,
        /** An exception or interrupt went to the guest's IDT handler. */
        DELIVERED,
        /** The run ends here. */
        STOPPED,
        /** A long REP string stopped part way because the run is to end (a timeout, Ctrl-C). */
        INTERRUPTED;

        public String label() {
            return name().toLowerCase();
        }
    }

    private final PortBus ports;
    private final MmioBus mmio;

    private long rip;
    private String instruction;
    private InstructionFamily family;
    private boolean patch;

    private long portCount;
    private int port, portSize;
    private boolean portIn;
    private final long[] portValues = new long[MAX_VALUES];
    private long mmioCount;
    private final List<MmioAccess> mmioAccesses = new ArrayList<>();
    private MsrAccess msr;
    private RegisterAccess register;
    private CpuidCall cpuid;
    private TableLoad table;
    private Raised raised;

    private Result result;
    private long nextRip;
    private int cpl;
    private String stopLabel;

    /** The buses name the device an access reached. */
    public TrapRecord(PortBus ports, MmioBus mmio) {
        this.ports = ports;
        this.mmio = mmio;
    }

    /** Forgets the last trap: a new one traps at rip. */
    public void begin(long rip) {
        this.rip = rip;
        instruction = null;
        family = null;
        patch = false;
        portCount = 0;
        mmioCount = 0;
        mmioAccesses.clear();
        msr = null;
        register = null;
        cpuid = null;
        table = null;
        raised = null;
        result = null;
        stopLabel = null;
    }

    /** The instruction at rip, as the decoder formats it (where it decoded). */
    public void instruction(long at, String text) {
        rip = at;
        instruction = text;
    }

    /** An emulator took the instruction; patch: it trapped on a site the code scanner patched. */
    public void emulatedBy(InstructionFamily emulatedBy, boolean patched) {
        family = emulatedBy;
        patch = patched;
    }

    /** The trap is done: outcome, and where the guest goes on (rip and CPL after it). */
    public void finish(Outcome outcome, long ripAfter, int cplAfter) {
        nextRip = ripAfter;
        cpl = cplAfter;
        if (outcome instanceof Outcome.Stop stop) {
            result = Result.STOPPED;
            stopLabel = stop.label();
        } else if (outcome == Outcome.RETRY) {
            result = Result.INTERRUPTED;
        } else if (raised != null && raised.delivered()) {
            result = Result.DELIVERED;
        } else {
            result = outcome == Outcome.ADVANCE ? Result.ADVANCED : Result.JUMPED;
        }
    }

    @Override
    public void port(int port, int size, boolean in, long value) {
        if (portCount == 0) {
            this.port = port & 0xffff;
            portSize = size;
            portIn = in;
        }
        if (portCount < MAX_VALUES) {
            portValues[(int) portCount] = value & mask(size);
        }
        portCount++;
    }

    @Override
    public void mmio(long address, int size, boolean write, long value) {
        if (mmioCount < MAX_VALUES) {
            MmioDevice device = mmio.deviceAt(address);
            mmioAccesses.add(new MmioAccess(address, size, write, value & mask(size),
                    device == null ? null : device.name()));
        }
        mmioCount++;
    }

    @Override
    public void msr(int index, boolean write, long value, boolean ignored) {
        Msr known = Msr.byIndex(index);
        msr = new MsrAccess(index, known == null ? null : known.name(), write, value, ignored);
    }

    @Override
    public void controlRegister(int n, boolean write, long old, long value) {
        register = new RegisterAccess("cr" + n, write, old, value);
    }

    @Override
    public void debugRegister(int n, boolean write, long old, long value) {
        register = new RegisterAccess("dr" + n, write, old, value);
    }

    @Override
    public void cpuid(int leaf, int subleaf, int eax, int ebx, int ecx, int edx) {
        cpuid = new CpuidCall(leaf, subleaf, eax, ebx, ecx, edx);
    }

    @Override
    public void table(String name, int selector, long base, long limit) {
        table = new TableLoad(name, selector, base, limit);
    }

    @Override
    public void exception(GuestEvent event, boolean delivered) {
        raised = new Raised(event.vector(), GuestFault.nameWithErrorCode(event.vector(), event.errorCode()),
                event.errorCode(), event.faultAddress(), delivered, event.detail());
    }

    public long rip() {
        return rip;
    }

    /** The instruction's text, or null where the bytes at rip did not decode (or none ran: a single-step #DB). */
    public String instruction() {
        return instruction;
    }

    /** The family that emulated the instruction, or null: the trap was the guest's own exception. */
    public InstructionFamily family() {
        return family;
    }

    public boolean patch() {
        return patch;
    }

    /** The port access, or null when the instruction made none. */
    public PortIo portIo() {
        if (portCount == 0) {
            return null;
        }
        PortDevice device = ports.deviceAt(port);
        return new PortIo(port, portSize, portIn, device == null ? null : device.name(), portCount,
                Arrays.copyOf(portValues, (int) Math.min(portCount, MAX_VALUES)));
    }

    /** The first {@link #MAX_VALUES} MMIO accesses. */
    public List<MmioAccess> mmioAccesses() {
        return List.copyOf(mmioAccesses);
    }

    /** How many MMIO accesses the instruction made in all. */
    public long mmioCount() {
        return mmioCount;
    }

    public MsrAccess msr() {
        return msr;
    }

    public RegisterAccess register() {
        return register;
    }

    public CpuidCall cpuid() {
        return cpuid;
    }

    public TableLoad table() {
        return table;
    }

    public Raised raised() {
        return raised;
    }

    public Result result() {
        return result;
    }

    /** rip after the trap: past the instruction, at a jump's target or a handler, or still at it. */
    public long nextRip() {
        return nextRip;
    }

    public int cpl() {
        return cpl;
    }

    /** Why the run ends, for {@link Result#STOPPED}, as the summary names it ("unhandled guest exception #UD"). */
    public String stopLabel() {
        return stopLabel;
    }

    private static long mask(int size) {
        return size >= 8 ? -1L : (1L << (size * 8)) - 1;
    }
}
