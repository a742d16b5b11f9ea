package dev.uhv.exec;

import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.NativeHostCpuid;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.Register;
import dev.uhv.emulate.EmulatorTable;
import dev.uhv.emulate.GuestDescriptors;
import dev.uhv.emulate.SystemCallPersonality;
import dev.uhv.emulate.ExitReason;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Machine;
import dev.uhv.emulate.Outcome;
import dev.uhv.emulate.Personality;
import dev.uhv.emulate.VkernPersonality;
import dev.uhv.gdb.GdbServer;
import dev.uhv.gdb.GdbStub;
import dev.uhv.gdb.GdbTarget;
import dev.uhv.gdb.SoftwareBreakpoints;
import dev.uhv.io.DebugCon;
import dev.uhv.io.HostClock;
import dev.uhv.io.IrqLine;
import dev.uhv.io.MmioBus;
import dev.uhv.io.PcPlatform;
import dev.uhv.io.PortBus;
import dev.uhv.io.Uart16550;
import dev.uhv.io.apic.IoApic;
import dev.uhv.io.apic.LocalApic;
import dev.uhv.linux.HostCpu;
import dev.uhv.linux.Sched;
import dev.uhv.linux.Signals;
import dev.uhv.loader.BootParameters;
import dev.uhv.loader.ImageLoadException;
import dev.uhv.loader.ImageLoader;
import dev.uhv.loader.LoadResult;
import dev.uhv.memory.GuestMemory;
import dev.uhv.memory.SharedRam;
import dev.uhv.scan.CodePages;
import dev.uhv.scan.SensitiveInstructions;
import dev.uhv.scan.SensitiveMode;
import dev.uhv.trace.TraceWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.function.Consumer;

/**
 * One virtual machine: guest RAM, the virtual CPU, the port and MMIO buses with their devices, and
 * the child the guest runs in. {@link #run()} runs the guest on a vCPU thread of its own (the tracer) until it
 * stops; {@link #close()} releases everything, whatever state the run ended in.
 */
public final class Vm implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Vm.class);
    /** CR0 at entry: protected mode, paging, and the bits every 64-bit kernel sets (SDM Vol. 3A, 9.8.5). */
    static final long INITIAL_CR0 = ControlRegisters.CR0_PE | ControlRegisters.CR0_MP | ControlRegisters.CR0_ET
            | ControlRegisters.CR0_NE | ControlRegisters.CR0_WP | ControlRegisters.CR0_PG;
    static final long AUTOMATIC_STACK_ROOM = 1L << 20, AUTOMATIC_RAM_ALIGN = 2L << 20;
    static final long INITIAL_EFER = MsrFile.EFER_LME | MsrFile.EFER_LMA | MsrFile.EFER_SCE | MsrFile.EFER_NXE;
    /** An ELF32 image starts in 32-bit protected mode with paging off, as multiboot enters (EFER = 0). */
    static final long INITIAL_CR0_32 = ControlRegisters.CR0_PE | ControlRegisters.CR0_ET;

    private final VmConfig config;
    private final HostFacts host;
    private final SharedRam ram;
    private final LoadResult loaded;
    private final long mapStart;
    private final PortBus ports = new PortBus();
    private final MmioBus mmio = new MmioBus();
    private final Uart16550 uart;
    private final DebugCon debugcon;
    private final PcPlatform platform;
    private final LocalApic localApic;
    private final IoApic ioApic = new IoApic();
    private final VirtualCpu cpu;
    private final Machine machine;
    /** The vkern system call ABI, with --personality vkern only. */
    private final VkernPersonality vkern;
    private final Transport transport;
    /** The CPU the vCPU thread is pinned to (the child's, or beside it for the fast transport), or -1. */
    private final int vcpuThreadCpu;
    private volatile ExitReason stopRequest;
    private volatile String stopDetail;
    /** A device's request to end the run (debug exit, reset, shutdown), taken once its instruction completes. */
    private Outcome.Stop deviceStop;
    private int deviceStopStatus;
    private RunResult result;
    /** The code scanner's page table while --sensitive scans (set on the vCPU thread once the child is up). */
    private CodePages codePages;
    /** Whether the child got CPUID faulting (known once it is up). */
    private boolean cpuidFaulting;
    private boolean started;
    /** --trace, or null. */
    private final TraceWriter trace;
    /** A state dump asked for while the guest runs (SIGUSR1), taken at its next stop. */
    private volatile boolean dumpRequested;
    /** Where on-demand dumps go, or null to ignore the requests. */
    private volatile Consumer<StateDump> dumpSink;
    /** --single-step: instructions completed, natively stepped or emulated. */
    private long instructions;
    /** --gdb's stub, or null. */
    private GdbServer gdb;
    /** Why the guest stops for gdb at the loop's top (a breakpoint it ran into, a step done), or null. */
    private GdbStub.Stop gdbStop;
    /** How the guest runs for gdb: free, or one instruction alone (a step gdb asked for, or over a breakpoint). */
    private GdbStepping gdbStepping = GdbStepping.NONE;
    /**
     * Whether the run loop runs the guest: pokes (gdb's, a dump's) wait for it, as a SIGUSR1 before
     * the child's handler is ready would kill it (the loop's top sees the request anyway).
     */
    private volatile boolean looping;

    private enum GdbStepping {
        NONE,
        /** One instruction, then gdb hears that the step is done. */
        STEP,
        /** One instruction with the breakpoints lifted (the one at rip), then on at full speed. */
        STEP_OVER
    }

    private Vm(VmConfig config, HostFacts host, SharedRam ram, LoadResult loaded, long mapStart) {
        this.config = config;
        this.host = host;
        this.ram = ram;
        this.loaded = loaded;
        this.mapStart = mapStart;
        if (config.transport() == TransportKind.FAST) {
            vcpuThreadCpu = config.cpu() < 0 ? -1 : Sched.neighbourCpu(config.cpu());
            // Polling pays only where the two sides surely run at once, pinned to two CPUs.
            boolean twoCpus = config.cpu() >= 0 && vcpuThreadCpu != config.cpu();
            transport = new FastTransport(twoCpus);
        } else {
            vcpuThreadCpu = config.cpu();
            transport = new PtraceTransport();
        }
        uart = new Uart16550(IrqLine.NONE, config.serial());
        debugcon = new DebugCon(config.debugcon());
        ports.register(Uart16550.COM1_BASE, 8, uart);
        ports.register(DebugCon.PORT, 1, debugcon);
        platform = new PcPlatform(ports, ram.size(), HostClock.SYSTEM, config.commandLine(), this::deviceStop);
        RegisterFile regs = transport.registers();
        boolean bits32 = loaded.is32Bit();
        // 32-bit entry: paging off and PAE clear until the guest sets them; the SSE/XSAVE bits stay, as
        // the host runs the child with them either way.
        long cr4 = bits32 ? host.initialCr4() & ~ControlRegisters.CR4_PAE : host.initialCr4();
        ControlRegisters cr = new ControlRegisters(bits32 ? INITIAL_CR0_32 : INITIAL_CR0, cr4,
                host.physicalAddressBits());
        MsrFile msrs = new MsrFile(regs, HostCpu::rdtsc, bits32 ? 0 : INITIAL_EFER, host.physicalAddressBits());
        localApic = new LocalApic(host.physicalAddressBits(), System::nanoTime);
        msrs.attachApic(localApic);
        mmio.register(localApic.mmioBase(), LocalApic.MMIO_SIZE, localApic);
        mmio.register(IoApic.DEFAULT_BASE, IoApic.MMIO_SIZE, ioApic);
        localApic.onRelocate((from, to) -> moveApicPage(to));
        cpu = new VirtualCpu(regs, cr, msrs, new CpuidModel(new NativeHostCpuid()), host.xcr0());
        cpu.setBootCodeBits(bits32 ? 32 : 64);
        machine = new Machine(cpu, ram.memory(), ports, mmio, config.ignoreMsrs(), host.xcr0());
        machine.setLowestMapped(mapStart);
        vkern = config.personality() == Personality.VKERN ? new VkernPersonality(config.serial()) : null;
        trace = config.trace() == null ? null : config.trace().open();
    }

    /**
     * Creates guest RAM and loads the image. Throws ImageLoadException for an image that cannot run
     * here (a user error); nothing is started yet.
     */
    public static Vm create(VmConfig config) throws ImageLoadException {
        HostFacts host = HostFacts.probe();
        SharedRam ram = new SharedRam(config.memSize() != VmConfig.AUTOMATIC_MEM_SIZE ? config.memSize()
                : automaticRamSize(config));
        try {
            long mapStart = host.lowestMappableAddress();
            LoadResult loaded = ImageLoader.load(config.image(), config.format(), ram.memory(), config.loadAddress(),
                    config.entry(), new BootParameters(config.imageName(), config.commandLine(), config.modules(),
                            mapStart));
            if (loaded.lowestAddress() < mapStart) {
                throw ImageLoadException.belowMappable(loaded.lowestAddress(), mapStart);
            }
            return new Vm(config, host, ram, loaded, mapStart);
        } catch (ImageLoadException | RuntimeException e) {
            ram.close();
            throw e;
        }
    }

    /**
     * Guest RAM without --mem: 64 MiB, or enough for the image's highest byte (an i386 program linked
     * at 0x8048000, say; a multiboot kernel's last module) plus 1 MiB of stack above it, and for
     * --stack; at most 1 GiB. An image that cannot be parsed gets the default, and the loader then
     * says what is wrong with it.
     */
    static long automaticRamSize(VmConfig config) {
        long need = VmConfig.DEFAULT_MEM_SIZE;
        try {
            long top = ImageLoader.highestAddress(config.image(), config.format(), config.loadAddress(),
                    config.modules());
            need = Math.max(need, roundUp(top + AUTOMATIC_STACK_ROOM, AUTOMATIC_RAM_ALIGN));
        } catch (ImageLoadException e) {
            log.debug("sizing guest RAM: {}", e.getMessage());
        }
        if (config.stackPointer() != null) {
            need = Math.max(need, roundUp(config.stackPointer(), AUTOMATIC_RAM_ALIGN));
        }
        return Math.min(need, SharedRam.MAX_SIZE);
    }

    private static long roundUp(long value, long align) {
        return value < 0 || value > SharedRam.MAX_SIZE ? SharedRam.MAX_SIZE : (value + align - 1) / align * align;
    }

    public VirtualCpu cpu() {
        return cpu;
    }

    public GuestMemory memory() {
        return ram.memory();
    }

    /**
     * The guest moved the local APIC's page through IA32_APIC_BASE: the MMIO registration follows.
     * A page the bus cannot give it (another device's, or guest RAM, which uhv maps natively and so
     * cannot overlay) makes the WRMSR #GP, a limit of uhv's rather than the SDM's.
     */
    private void moveApicPage(long to) throws GuestFault {
        if (to < ram.size()) {
            throw GuestFault.gp(String.format("wrmsr APIC_BASE: page 0x%x is guest RAM, which uhv cannot overlay "
                    + "with the local APIC", to));
        }
        try {
            mmio.move(localApic, to);
        } catch (IllegalArgumentException e) {
            throw GuestFault.gp("wrmsr APIC_BASE: " + e.getMessage());
        }
    }

    /**
     * The memory-mapped devices: ranges above RAM, left unmapped in the child, so that each access
     * faults and is emulated against the device. Register before {@link #run()}.
     */
    public MmioBus mmio() {
        return mmio;
    }

    public PcPlatform platform() {
        return platform;
    }

    /** The machine state now, for --dump-state after a run that ended with result. */
    public StateDump dump(RunResult result) {
        return StateDump.of(cpu, ram.memory(), result, platform.postCode(),
                started ? StateDump.Sensitive.of(config.sensitive(), cpuidFaulting, codePages) : null);
    }

    /** Runs the guest to its end on a new vCPU thread and returns how it ended. */
    public RunResult run() throws InterruptedException {
        Timer timer = null;
        if (config.timeout() != null) {
            timer = new Timer("uhv-timeout", true);
            timer.schedule(new TimerTask() {
                @Override
                public void run() {
                    requestStop(ExitReason.TIMEOUT, "after " + config.timeout().toMillis() / 1000.0 + " s (--timeout)");
                }
            }, config.timeout().toMillis());
        }
        Thread vcpu = new Thread(this::runOnVcpuThread, "uhv-vcpu0");
        vcpu.start();
        vcpu.join();
        if (timer != null) {
            timer.cancel();
        }
        return result;
    }

    /** Asks a running guest to stop (timeout, Ctrl-C), with the summary's detail; safe from any thread. */
    public void requestStop(ExitReason reason, String detail) {
        stopDetail = detail;
        stopRequest = reason;
        GdbServer debugger = gdb;
        if (debugger != null) {
            debugger.runEnding(); // the guest may stand still in gdb: the run ends all the same
        }
        transport.poke();
    }

    /** Where the state dumps that {@link #requestDump()} asks for go (called on the vCPU thread). */
    public void onDemandDumps(Consumer<StateDump> sink) {
        dumpSink = sink;
    }

    /**
     * Asks for a state dump while the guest runs (SIGUSR1), safe from any thread: the guest is poked
     * into a stop, the dump is taken there and handed to the sink, and the guest goes on, so that it
     * stands still for one trap.
     */
    public void requestDump() {
        dumpRequested = true;
        if (looping) {
            transport.poke(); // not earlier: a SIGUSR1 before the child's handler is ready would kill it
        }
    }

    /**
     * Puts the guest under gdb's control (--gdb): before {@link #run()}. gdb's attach and Ctrl-C poke
     * the guest into a stop, where the run loop hands it to the stub.
     */
    public void attachGdb(GdbServer server) {
        gdb = server;
        server.onPause(() -> {
            if (looping) {
                transport.poke();
            }
        });
    }

    /** The platform devices' stop request; runs on the vCPU thread, inside the instruction's emulation. */
    private void deviceStop(ExitReason reason, int exitStatus, String detail) {
        if (deviceStop == null) {
            deviceStop = new Outcome.Stop(reason, detail);
            deviceStopStatus = exitStatus & 0xff; // what a process exit status can carry, as for QEMU
        }
    }

    /** The signals a faulting guest instruction raises; any other stop is not the guest's doing. */
    private static boolean isTrap(int signal) {
        return signal == Signals.SIGSEGV || signal == Signals.SIGILL || signal == Signals.SIGTRAP
                || signal == Signals.SIGFPE || signal == Signals.SIGBUS;
    }

    private void runOnVcpuThread() {
        long start = 0;
        SystemCallPersonality personality = vkern == null ? null
                : (insn, m) -> vkern.serve(m, m.regs().rip(), m.cpu().codeBits() != 64);
        TrapHandler handler = null;
        Outcome.Stop end;
        long traps = 0;
        try {
            if (config.cpu() >= 0) {
                Sched.pinCurrentThread(vcpuThreadCpu);
                if (config.transport() == TransportKind.PTRACE) {
                    // The vCPU thread shares the guest's CPU: the JVM's other threads keep off it. With
                    // the fast transport they may use both (measured: ~8% faster traps at start-up,
                    // when the JIT compiles, and the same compute speed).
                    Sched.reserveCpuForCurrentThread(config.cpu());
                }
            }
            SensitiveMode sensitive = config.sensitive();
            int flags = (sensitive.requestsCpuidFaulting() ? Transport.FLAG_CPUID_FAULT : 0)
                    | (sensitive.scans() ? Transport.FLAG_NX_RAM : 0)
                    | (config.trapRdtsc() ? Transport.FLAG_TSC_FAULT : 0);
            transport.start(NativeExecutables.childLauncher(), ram.fd(), mapStart, ram.size() - mapStart, mapStart,
                    config.cpu(), flags);
            cpuidFaulting = (transport.activeFeatures() & Transport.FLAG_CPUID_FAULT) != 0;
            started = true;
            reportFaultingFeatures(transport.activeFeatures());
            if (sensitive.scans()) {
                codePages = new CodePages(ram.memory(), mapStart, ram.size(), transport::protect,
                        new SensitiveInstructions(sensitive.patchesCpuid(cpuidFaulting)));
                machine.setCodePages(codePages);
                if (trace != null) {
                    codePages.setListener(trace);
                }
            }
            handler = new TrapHandler(machine, EmulatorTable.standard(personality), codePages,
                    () -> stopRequest != null);
            handler.setTrace(trace);
            machine.setRdtscTrapped((transport.activeFeatures() & Transport.FLAG_TSC_FAULT) != 0);
            cpu.useKernelStackSelector(transport.kernelStackSelector());
            setInitialState(transport.registers());
            transport.storeRegisters();
            transport.registers().resetChanged();
            start = System.nanoTime(); // guest time: from its first instruction, without the child's set-up
            if (trace != null) {
                trace.startClock();
            }
            long maxTraps = config.maxTraps();
            if (gdb != null && gdb.waitsForClient()) {
                gdb.awaitClient(); // --gdb-wait: its attach stops the guest before its first instruction
            }
            looping = true;
            // At the loop's top the child sits in a stop and registers() holds its registers: loaded
            // at every stop, stored after every change.
            while (true) {
                if (dumpRequested) {
                    dumpRequested = false;
                    dumpNow(traps, handler, start);
                }
                if (stopRequest != null) {
                    end = new Outcome.Stop(stopRequest, stopDetail);
                    break;
                }
                if (gdb != null && (gdbStop != null || gdb.serviceWanted())) {
                    Outcome.Stop killed = serveGdb(handler);
                    if (killed != null) {
                        end = killed;
                        break;
                    }
                    continue; // the run may be ending meanwhile
                }
                if (config.singleStep() && gdbStepping == GdbStepping.NONE && gdb != null
                        && gdb.breakpoints().contains(transport.registers().rip())) {
                    gdbStop = GdbStub.Stop.BREAKPOINT; // stepped onto it: no int3 runs in this mode
                    continue;
                }
                StopKind stop;
                if (config.singleStep() || gdbStepping != GdbStepping.NONE) {
                    stop = stepOne(handler);
                    if (stop == null) {
                        gdbInstructionDone();
                        continue; // one instruction ran natively
                    }
                } else {
                    stop = resumeGuest();
                    if (gdb != null && atGdbBreakpoint(stop)) {
                        continue;
                    }
                }
                if ((stop == StopKind.EXITED || stop == StopKind.KILLED) && stopRequest != null) {
                    // A child that would not stop when asked (the fast transport kills it): the request wins.
                    end = new Outcome.Stop(stopRequest, stopDetail);
                    break;
                }
                Outcome outcome = handle(stop, handler);
                if (isTrapStop(stop) && !handler.lastWasScannerFault()) {
                    traps++;
                    instructions++; // an emulated instruction (or one the guest's own TF stepped)
                }
                while (outcome == Outcome.STEP) {
                    storeChangedRegisters();
                    StopKind stepped = transport.singleStep(
                            handler.flagsInMemory(transport.registers().rip()) == TrapHandler.FlagsInMemory.LOADS);
                    boolean completed = stepped == StopKind.SIGNAL && transport.lastSignal() == Signals.SIGTRAP;
                    if (stepped == StopKind.SIGNAL || stepped == StopKind.SYSCALL) {
                        loadRegisters(); // first: protect() puts back the registers uhv holds
                        handler.endStep(completed);
                    }
                    if (completed) {
                        instructions++;
                        gdbInstructionDone();
                        outcome = handler.afterStep();
                    } else {
                        outcome = handle(stepped, handler); // the lone instruction faulted: a trap of its own
                    }
                }
                if (outcome == null) {
                    continue; // nothing changed the guest's registers
                }
                if (outcome == Outcome.RETRY) {
                    // The same instruction runs again: the scanner readied its page, or a stop
                    // request cut a long REP string short (the loop's top then ends the run).
                    storeChangedRegisters();
                    continue;
                }
                if (outcome != Outcome.ADVANCE && outcome != Outcome.JUMP) {
                    end = (Outcome.Stop) outcome;
                    break;
                }
                storeChangedRegisters();
                gdbInstructionDone(); // emulated: complete
                if (deviceStop != null) {
                    end = deviceStop;
                    break;
                }
                if (maxTraps > 0 && traps >= maxTraps) {
                    end = new Outcome.Stop(ExitReason.MAX_TRAPS, "after " + traps + " traps (--max-traps)");
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = new Outcome.Stop(ExitReason.TERMINATED, "interrupted while waiting for gdb");
        } catch (ChildSetupException e) {
            end = new Outcome.Stop(ExitReason.HOST_ERROR, e.getMessage());
        } catch (GuestProcessException e) {
            end = new Outcome.Stop(ExitReason.GUEST_CRASH, e.getMessage());
        } catch (RuntimeException e) {
            // the summary line carries the message; the stack trace is for -v
            log.debug("uhv failed while running the guest", e);
            end = new Outcome.Stop(ExitReason.HOST_ERROR, e + " (run with -v for details)");
        } finally {
            looping = false;
            transport.close();
        }
        double seconds = start == 0 ? 0 : (System.nanoTime() - start) / 1e9;
        int status = end == deviceStop ? deviceStopStatus : end.reason().status();
        result = new RunResult(end.reason(), end.label(), end.detail(), status, traps,
                handler == null ? Map.of() : familyCounts(handler), seconds,
                config.singleStep() ? instructions : RunResult.NOT_COUNTED);
        if (trace != null) {
            trace.end(result.label(), traps, codePages == null ? List.of() : codePages.patches());
            trace.close();
        }
        if (gdb != null) {
            gdb.ended(result.reason(), result.exitStatus());
        }
        if (handler != null) {
            log.debug("decode cache: {} hits, {} misses", handler.cache64().hits(), handler.cache64().misses());
        }
    }

    /**
     * --single-step: runs the instruction at rip alone. A completed step that is only uhv's (the
     * guest's TF clear) loads the registers, counts the instruction and returns null; any other stop
     * (a trap, a fault, the guest's own #DB) is returned for the normal handling.
     */
    private StopKind stepOne(TrapHandler handler) {
        RegisterFile r = transport.registers();
        boolean guestTf = (r.rflags() & Rflags.TF) != 0;
        long rip = r.rip();
        TrapHandler.FlagsInMemory flags = handler.flagsInMemory(rip);
        StopKind stop = transport.singleStep(flags == TrapHandler.FlagsInMemory.LOADS);
        if (guestTf || !transport.stepCompleted(stop)) {
            return stop;
        }
        loadRegisters();
        if (flags == TrapHandler.FlagsInMemory.STORES) {
            handler.mendPushedStepFlag(rip);
        }
        if (config.singleStep()) { // not for gdb's own steps, which --single-step's count and trace leave out
            instructions++;
            if (trace != null) {
                trace.step(rip, handler.describe(rip));
            }
        }
        return null;
    }

    /** Resumes the guest at full speed, with gdb's breakpoints in RAM only while it runs. */
    private StopKind resumeGuest() {
        SoftwareBreakpoints breakpoints = gdb == null ? null : gdb.breakpoints();
        if (breakpoints == null || breakpoints.isEmpty()) {
            return transport.resume();
        }
        breakpoints.insert(ram.memory());
        try {
            return transport.resume();
        } finally {
            breakpoints.lift(ram.memory());
        }
    }

    /**
     * Whether the guest ran into one of gdb's breakpoints: an int3 trap (rip after it) whose byte is
     * gdb's. Its rip goes back to the breakpoint, where gdb expects it. The guest's own int3 goes on
     * to its IDT.
     */
    private boolean atGdbBreakpoint(StopKind stop) {
        if (stop != StopKind.SIGNAL || transport.lastSignal() != Signals.SIGTRAP
                || transport.code() == SignalInfo.TRAP_TRACE) {
            return false;
        }
        loadRegisters();
        long at = transport.registers().rip() - 1;
        if (!gdb.breakpoints().contains(at)) {
            return false;
        }
        transport.registers().setRip(at);
        storeChangedRegisters();
        gdbStop = GdbStub.Stop.BREAKPOINT;
        return true;
    }

    /** An instruction gdb had run alone completed: a step is reported, a step over a breakpoint runs on. */
    private void gdbInstructionDone() {
        if (gdbStepping == GdbStepping.STEP) {
            gdbStop = GdbStub.Stop.STEPPED;
        }
        gdbStepping = GdbStepping.NONE;
    }

    /**
     * The guest stands still for gdb (the loop's top, the child in a stop): the stub has it until gdb
     * resumes, steps, detaches or kills it. Returns the end of the run for a kill, else null.
     */
    private Outcome.Stop serveGdb(TrapHandler handler) {
        flushOutput(); // what the guest printed up to here, before gdb shows where it stands
        GdbStub.Stop why = gdbStop;
        gdbStop = null;
        GdbTarget target = new GdbTarget() {
            @Override
            public Machine machine() {
                return machine;
            }

            @Override
            public Map<InstructionFamily, Long> trapsByFamily() {
                return familyCounts(handler);
            }
        };
        GdbStub.Resume resume = gdb.service(why, target);
        storeChangedRegisters();
        switch (resume) {
            case KILL -> {
                return new Outcome.Stop(ExitReason.TERMINATED, "by gdb (kill)");
            }
            case STEP -> gdbStepping = GdbStepping.STEP;
            case CONTINUE -> gdbStepping = gdb.breakpoints().contains(transport.registers().rip())
                    ? GdbStepping.STEP_OVER : GdbStepping.NONE;
            default -> gdbStepping = GdbStepping.NONE;
        }
        return null;
    }

    /** Hands the state now to the on-demand sink, the guest's registers loaded (the loop's top). */
    private void dumpNow(long traps, TrapHandler handler, long start) {
        Consumer<StateDump> sink = dumpSink;
        if (sink == null) {
            return;
        }
        double seconds = start == 0 ? 0 : (System.nanoTime() - start) / 1e9;
        sink.accept(dump(RunResult.running(traps, handler == null ? Map.of() : familyCounts(handler), seconds,
                config.singleStep() ? instructions : RunResult.NOT_COUNTED)));
    }

    private boolean isTrapStop(StopKind stop) {
        return stop == StopKind.SYSCALL || (stop == StopKind.SIGNAL && isTrap(transport.lastSignal()));
    }

    /**
     * What one stop of the child comes to: null for a signal that is not the guest's (uhv's own poke,
     * a stray one: never delivered), else the handler's outcome, with registers loaded.
     */
    private Outcome handle(StopKind stop, TrapHandler handler) {
        return switch (stop) {
            case SIGNAL -> {
                int signal = transport.lastSignal();
                // Loaded for any signal: after uhv's own poke the guest is somewhere new, and the
                // loop's top (a dump, a stop) shows where.
                loadRegisters();
                if (!isTrap(signal)) {
                    yield null;
                }
                yield handler.onFault(signal, transport);
            }
            case SYSCALL -> {
                loadRegisters();
                yield handler.onSystemCall();
            }
            case EXITED -> Outcome.stop(ExitReason.GUEST_CRASH, "the guest process exited with status "
                    + transport.lastExitCode());
            default -> killed(transport.lastSignal());
        };
    }

    /** The registers of the child's stop, read once per stop. */
    private void loadRegisters() {
        transport.loadRegisters();
        transport.registers().resetChanged();
    }

    /**
     * Gives the child the registers uhv holds, only where they changed since they were loaded or
     * stored: otherwise the child holds them already (protect() puts them back after its own call).
     */
    private void storeChangedRegisters() {
        RegisterFile r = transport.registers();
        if (r.changed()) {
            transport.storeRegisters();
            r.resetChanged();
        }
    }

    private void setInitialState(RegisterFile r) {
        for (int i = 0; i < 16; i++) {
            r.setGpr(i, 0);
        }
        r.setGpr(RegisterFile.GPR_RAX, loaded.registers().eax()); // a boot protocol's hand-over (multiboot)
        r.setGpr(RegisterFile.GPR_RBX, loaded.registers().ebx());
        r.setRip(loaded.entry());
        r.setRsp(config.stackPointer() != null ? config.stackPointer() : ram.size());
        r.setRflags(Rflags.FIXED_1 | Rflags.IF); // the host keeps IF set; the guest's IF is virtual (0)
        r.setFsBase(0);
        r.setGsBase(0);
        r.setOrigRax(-1); // no system call to restart at the stop the child was in
        r.setDataSegments(VirtualCpu.HOST_DATA);
        // CPL0 on uhv's boot GDT selectors (GuestDescriptors) until the guest loads its own.
        cpu.enterCode(GuestDescriptors.BOOT_CODE_SELECTOR, cpu.bootCodeBits(), 0);
        for (Register segment : new Register[] {Register.SS, Register.DS, Register.ES}) {
            cpu.setSelector(segment, GuestDescriptors.BOOT_DATA_SELECTOR);
        }
    }

    private void reportFaultingFeatures(int active) {
        if (config.sensitive() == SensitiveMode.FAULT && (active & Transport.FLAG_CPUID_FAULT) == 0) {
            log.warn("cpuid is not intercepted on this host (no CPUID faulting; --sensitive patch or auto would scan "
                    + "for it): the guest sees the host's CPUID");
        }
        if (config.trapRdtsc() && (active & Transport.FLAG_TSC_FAULT) == 0) {
            log.warn("rdtsc cannot be intercepted on this host (PR_SET_TSC refused): --rdtsc trap has no effect");
        }
    }

    /**
     * Only uhv's seccomp wall kills with SIGSYS: a system call that uhv does not trap (outside
     * PTRACE_SYSEMU, or not from guest RAM with the fast transport) was stopped.
     */
    private static Outcome killed(int signal) {
        if (signal == Signals.SIGSYS) {
            return Outcome.stop(ExitReason.GUEST_SYSCALL, "the seccomp wall killed the guest process: guest code "
                    + "reached a host system call that uhv does not trap (the vsyscall page?); it did not run");
        }
        return Outcome.stop(ExitReason.GUEST_CRASH, "the guest process was killed by " + Signals.name(signal));
    }

    private static Map<InstructionFamily, Long> familyCounts(TrapHandler handler) {
        Map<InstructionFamily, Long> out = new EnumMap<>(InstructionFamily.class);
        long[] counts = handler.trapsByFamily();
        for (InstructionFamily f : InstructionFamily.values()) {
            if (counts[f.ordinal()] > 0) {
                out.put(f, counts[f.ordinal()]);
            }
        }
        return out;
    }

    /** Flushes guest output; called on every exit path. */
    public void flushOutput() {
        uart.flush();
        debugcon.flush();
    }

    /** Flushes output, kills the child if it is still there, frees guest RAM. Idempotent. */
    @Override
    public void close() {
        flushOutput();
        if (trace != null) {
            trace.close();
        }
        transport.close();
        ram.close();
    }
}
