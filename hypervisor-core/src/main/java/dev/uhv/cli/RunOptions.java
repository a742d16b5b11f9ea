package dev.uhv.cli;

import dev.uhv.emulate.Personality;
import dev.uhv.exec.FastTransport;
import dev.uhv.exec.TransportKind;
import dev.uhv.exec.VmConfig;
import dev.uhv.gdb.GdbConfig;
import dev.uhv.linux.HostSystem;
import dev.uhv.linux.Sched;
import dev.uhv.loader.BootModule;
import dev.uhv.loader.ImageFormat;
import dev.uhv.memory.SharedRam;
import dev.uhv.scan.SensitiveMode;
import dev.uhv.trace.TraceOutput;
import dev.uhv.trace.TraceWriter;
import dev.uhv.vga.VgaTextBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Stack;

/** The options `uhv run` and `uhv demo` share, and their checks. */
final class RunOptions {
    private static final Logger log = LoggerFactory.getLogger(RunOptions.class);
    /** A year: more is a typo, and Timer cannot schedule near Long.MAX_VALUE milliseconds. */
    private static final double MAX_TIMEOUT_SECONDS = 365 * 24 * 3600;

    @Option(names = "--mem", paramLabel = "SIZE",
            description = "Guest RAM, a multiple of 4K, at most 1G (default: 64M, or as much as the image and "
                    + "--stack need, up to 1G).")
    String mem;

    @Option(names = "--format", paramLabel = "raw|elf|elf32|elf64|multiboot",
            description = "Image format; elf takes either class, elf32 (i386, started in 32-bit protected mode) or "
                    + "elf64 (x86-64) only that one; multiboot a multiboot v1 or v2 kernel (default: by the first "
                    + "bytes: multiboot if it has a multiboot header, ELF if it starts with \\x7fELF, else raw).")
    String format;

    @Option(names = "--append", paramLabel = "STRING",
            description = "The command line of a multiboot kernel: a v1 kernel gets \"IMAGE STRING\", as from QEMU's "
                    + "-kernel IMAGE -append STRING; a v2 kernel gets STRING, as from GRUB (default: empty).")
    String append;

    @Option(names = "--module", paramLabel = "FILE[,ARGS]",
            description = "Load FILE as a module of a multiboot kernel, page-aligned above it (repeatable, in order). "
                    + "Its string is \"FILE ARGS\" for v1, as QEMU's -initrd writes it, and ARGS for v2, as GRUB's.")
    List<String> modules;

    @Option(names = "--load-addr", paramLabel = "ADDR", defaultValue = "0x100000",
            description = "Where a raw image is loaded (default: ${DEFAULT-VALUE}).")
    String loadAddr;

    @Option(names = "--entry", paramLabel = "ADDR",
            description = "Entry point (default: the load address for raw images, e_entry for ELF).")
    String entry;

    @Option(names = "--stack", paramLabel = "ADDR", description = "Initial rsp (default: the top of RAM).")
    String stack;

    @Option(names = "--cpu", paramLabel = "N|none",
            description = "Host CPU to pin the vCPU thread and the guest process to; uhv's other threads keep off it "
                    + "(default: the highest CPU uhv may use; none: do not pin).")
    String cpu;

    @Option(names = "--serial", paramLabel = "stdio|file:PATH|none", defaultValue = "stdio",
            description = "Where COM1 (0x3F8) output goes (default: ${DEFAULT-VALUE}).")
    String serial;

    @Option(names = "--debugcon", paramLabel = "stdio|file:PATH|none", defaultValue = "stdio",
            description = "Where QEMU's debugcon port 0xE9 output goes (default: ${DEFAULT-VALUE}).")
    String debugcon;

    @Option(names = "--ignore-msrs",
            description = "Unmodelled MSRs read 0 and drop writes (logged once each) instead of #GP, like KVM's "
                    + "ignore_msrs.")
    boolean ignoreMsrs;

    @Option(names = "--rdtsc", paramLabel = "native|trap", defaultValue = "native",
            description = "native: rdtsc/rdtscp read the host TSC at full speed (default). trap: they fault and see "
                    + "the guest's IA32_TSC writes, at the cost of slower traps on hosts under nested virtualization.")
    String rdtsc;

    @Option(names = "--personality", paramLabel = "default|vkern", defaultValue = "default",
            description = "default: guest system calls work as on a CPU. vkern: uhv serves them itself (syscall or "
                    + "int 0x80; rax 0 exits, 1 prints the string at rbx to the serial output).")
    String personality;

    @Option(names = "--sensitive", paramLabel = "auto|fault|patch|off", defaultValue = "auto",
            description = "How uhv sees cpuid, pushf/popf, sgdt/sidt/sldt/str/smsw and segment-register reads, which "
                    + "do not fault in user mode. auto (default): CPUID faulting where the CPU has it, the code scanner "
                    + "for the rest. fault: CPUID faulting only. patch: the scanner for all. off: neither (the guest "
                    + "sees the host's values). `uhv doctor` says what auto uses here.")
    String sensitive;

    @Option(names = "--transport", paramLabel = "ptrace|fast",
            description = "How traps reach uhv. fast (the default where the host supports it): the guest process's "
                    + "own signal handler hands each trap over shared memory, with no ptrace stop. ptrace: "
                    + "PTRACE_SYSEMU stops, slower, works wherever ptrace does. `uhv doctor` says which is used here.")
    String transport;

    @Option(names = "--trace", paramLabel = "PATH",
            description = "Write a JSON Lines trace to PATH: each trap (rip, text, family, the port, MMIO address, MSR "
                    + "or register and the values read or written, the exception raised, the outcome), each page the "
                    + "code scanner scans or drops, and at the end how the run ended and every patched site with its "
                    + "trap count. `uhv stats PATH` sums it up.")
    Path trace;

    @Option(names = "--trace-limit", paramLabel = "SIZE", defaultValue = "64M",
            description = "Stop tracing once the trace reaches SIZE (64M, 1G, 0x100000; at least 1K): a \"truncated\" "
                    + "event, then only the final \"end\" event, which counts the events dropped "
                    + "(default: ${DEFAULT-VALUE}).")
    String traceLimit;

    @Option(names = "--single-step",
            description = "Run the guest one instruction at a time (PTRACE_SINGLESTEP, or the trap flag with the fast "
                    + "transport), counting the instructions; with --trace every instruction is logged. Slow: a "
                    + "trap per instruction.")
    boolean singleStep;

    @Option(names = "--dump-state", paramLabel = "PATH|-",
            description = "Write the machine state at exit as JSON to PATH, or - for stdout. SIGUSR1 to uhv writes one "
                    + "while the guest runs, to PATH.1, PATH.2... (to stderr without PATH).")
    String dumpState;

    @Option(names = "--vga", paramLabel = "live|exit", arity = "0..1", preprocessor = VgaModeValue.class,
            description = "Show the guest's VGA text screen (80x25 at 0xB8000) in the terminal. live (the default when "
                    + "--vga has no value): redrawn about 10 times a second in the terminal's alternate screen while "
                    + "the guest runs, printed at exit; guest output for stdout waits until then. Needs stdout to be a "
                    + "terminal, else it is exit. exit: printed once at exit, 25 lines, in colour on a terminal, "
                    + "plain text otherwise.")
    String vga;

    @Option(names = "--vga-png", paramLabel = "PATH",
            description = "At exit, write a 640x400 PNG picture of the guest's VGA text screen to PATH.")
    String vgaPng;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop the guest after this many seconds.")
    String timeout;

    @Option(names = "--max-traps", paramLabel = "N", description = "Stop the guest after N traps.")
    String maxTraps;

    @Option(names = "--gdb", paramLabel = "tcp:HOST:PORT",
            description = "Listen for gdb's remote protocol there (tcp::PORT or :PORT: loopback, as QEMU's -gdb "
                    + "tcp::1234; port 0 takes a free one). gdb can attach at any time; the guest stops while it "
                    + "is attached and stopped.")
    String gdb;

    @Option(names = "--gdb-wait",
            description = "With --gdb: stop before the guest's first instruction until gdb attaches (QEMU's -S).")
    boolean gdbWait;

    private VgaOptions vgaOptions = VgaOptions.NONE;

    /** Validates the options and builds the run's configuration around an image already read. */
    VmConfig toConfig(byte[] image, String imageName) throws UserError {
        long memSize = mem == null ? VmConfig.AUTOMATIC_MEM_SIZE : memSize(mem);
        ImageFormat fmt = null;
        if (format != null) {
            fmt = switch (format) {
                case "raw" -> ImageFormat.RAW;
                case "elf" -> ImageFormat.ELF;
                case "elf32" -> ImageFormat.ELF32;
                case "elf64" -> ImageFormat.ELF64;
                case "multiboot" -> ImageFormat.MULTIBOOT;
                default -> throw new UserError("--format " + format + ": expected raw, elf, elf32, elf64 or multiboot");
            };
        }
        List<BootModule> bootModules = bootModules(image, imageName, fmt);
        long load = address("--load-addr", loadAddr);
        Long entryAddr = entry == null ? null : address("--entry", entry);
        Long rsp = stack == null ? null : address("--stack", stack);
        long ramLimit = memSize == VmConfig.AUTOMATIC_MEM_SIZE ? SharedRam.MAX_SIZE : memSize;
        if (rsp != null && (rsp < 0 || rsp > ramLimit)) {
            throw new UserError(String.format("--stack %s: outside guest RAM (0x0..0x%x)", stack, ramLimit));
        }
        int pin = pinCpu();
        Duration limit = null;
        if (timeout != null) {
            double seconds = parse("--timeout", timeout, Double::parseDouble);
            if (!(seconds > 0) || seconds > MAX_TIMEOUT_SECONDS) {
                throw new UserError("--timeout " + timeout + ": must be a number of seconds above 0 and at most "
                        + (long) MAX_TIMEOUT_SECONDS);
            }
            limit = Duration.ofMillis((long) Math.ceil(seconds * 1000));
        }
        long traps = maxTraps == null ? 0 : parse("--max-traps", maxTraps, Long::parseLong);
        if (traps < 0) {
            throw new UserError("--max-traps " + maxTraps + ": must be positive");
        }
        boolean trapRdtsc = switch (rdtsc) {
            case "native" -> false;
            case "trap" -> true;
            default -> throw new UserError("--rdtsc " + rdtsc + ": expected native or trap");
        };
        Personality abi = switch (personality) {
            case "default" -> Personality.DEFAULT;
            case "vkern" -> Personality.VKERN;
            default -> throw new UserError("--personality " + personality + ": expected default or vkern");
        };
        SensitiveMode sensitiveMode = switch (sensitive) {
            case "auto" -> SensitiveMode.AUTO;
            case "fault" -> SensitiveMode.FAULT;
            case "patch" -> SensitiveMode.PATCH;
            case "off" -> SensitiveMode.OFF;
            default -> throw new UserError("--sensitive " + sensitive + ": expected auto, fault, patch or off");
        };
        TransportKind transportKind = transportKind();
        checkDumpWritable();
        vgaOptions = vgaOptions(memSize);
        OutputStream stdio = vgaOptions.held() != null ? vgaOptions.held() : new NonClosingOutputStream(System.out);
        OutputStream serialOut = parse("--serial", serial, OutputSpec::parse).open("--serial", stdio);
        OutputStream debugconOut = parse("--debugcon", debugcon, OutputSpec::parse).open("--debugcon", stdio);
        long traceBytes = parse("--trace-limit", traceLimit, Values::size);
        if (traceBytes < TraceWriter.MIN_LIMIT) {
            throw new UserError("--trace-limit " + traceLimit + ": must be at least 1K");
        }
        TraceOutput traceOut = null;
        if (trace != null) {
            try {
                traceOut = new TraceOutput(new FileOutputStream(trace.toFile()), traceBytes);
            } catch (IOException e) {
                throw new UserError("--trace " + trace + ": cannot open for writing (" + e.getMessage() + ")");
            }
        }
        return new VmConfig(image, imageName, fmt, load, entryAddr, memSize, rsp, pin, serialOut, debugconOut,
                ignoreMsrs, limit, traps, trapRdtsc, abi, append == null ? "" : append, bootModules, sensitiveMode,
                traceOut, transportKind, singleStep);
    }

    /**
     * The --module files, read. --append and --module are for a multiboot kernel only (QEMU likewise
     * takes -append and -initrd only with a multiboot or Linux -kernel).
     */
    private List<BootModule> bootModules(byte[] image, String imageName, ImageFormat fmt) throws UserError {
        List<String> specs = modules == null ? List.of() : modules;
        if ((append != null || !specs.isEmpty())
                && (fmt != null ? fmt : ImageFormat.detect(image)) != ImageFormat.MULTIBOOT) {
            throw new UserError(fmt != null
                    ? "--append and --module need a multiboot kernel, and --format " + format + " is not one"
                    : imageName + ": --append and --module need a multiboot kernel, and this image has no multiboot "
                            + "header (v1 in its first 8 KiB, v2 in its first 32 KiB)");
        }
        List<BootModule> read = new ArrayList<>();
        for (String spec : specs) {
            int comma = spec.indexOf(',');
            String name = comma < 0 ? spec : spec.substring(0, comma);
            if (name.isEmpty()) {
                throw new UserError("--module " + spec + ": expected FILE or FILE,ARGS");
            }
            byte[] data = InputFiles.read(Path.of(name), "--module " + name, "a module");
            read.add(new BootModule(name, data, comma < 0 ? "" : spec.substring(comma + 1)));
        }
        return read;
    }

    /** --mem SIZE as guest RAM bytes (also for `uhv doctor`). */
    static long memSize(String text) throws UserError {
        long size = parse("--mem", text, Values::size);
        if (size > SharedRam.MAX_SIZE) {
            throw new UserError("--mem " + text + ": too large; uhv supports at most 1G of guest RAM");
        }
        if (!SharedRam.isValidSize(size)) {
            throw new UserError("--mem " + text + ": guest RAM must be a non-zero multiple of 4K");
        }
        return size;
    }

    /** An address option's value (also for `uhv doctor`). */
    static long address(String option, String text) throws UserError {
        return parse(option, text, Values::address);
    }

    /** --gdb and --gdb-wait, checked; null without --gdb. */
    GdbConfig gdbConfig() throws UserError {
        if (gdb == null) {
            if (gdbWait) {
                throw new UserError("--gdb-wait needs --gdb (for example --gdb tcp::1234)");
            }
            return null;
        }
        return parse("--gdb", gdb, text -> GdbConfig.parse(text, gdbWait));
    }

    /** Where --dump-state writes, or null. */
    Path dumpPath() {
        return dumpState == null || dumpState.equals("-") ? null : Path.of(dumpState);
    }

    /** Refuses an unwritable --dump-state before the guest runs, not after its result is known. */
    private void checkDumpWritable() throws UserError {
        checkWritable("--dump-state", dumpState, dumpPath());
    }

    /** Refuses a file uhv writes at exit (given as text to option) if it cannot be written; null is fine. */
    private static void checkWritable(String option, String text, Path path) throws UserError {
        if (path == null) {
            return;
        }
        Path dir = path.toAbsolutePath().getParent();
        boolean ok = Files.exists(path) ? Files.isWritable(path) && !Files.isDirectory(path)
                : dir != null && Files.isDirectory(dir) && Files.isWritable(dir);
        if (!ok) {
            throw new UserError(option + " " + text + ": cannot write there (check the folder exists and is writable)");
        }
    }

    /** The --vga and --vga-png settings of the last {@link #toConfig}. */
    VgaOptions vga() {
        return vgaOptions;
    }

    /**
     * --vga and --vga-png, checked before the guest runs. Live drawing needs stdout to be a terminal;
     * without one it becomes exit, with one line saying so.
     */
    private VgaOptions vgaOptions(long memSize) throws UserError {
        if (vga == null && vgaPng == null) {
            return VgaOptions.NONE;
        }
        VgaOptions.Mode mode = vga == null ? VgaOptions.Mode.OFF : switch (vga) {
            case "live" -> VgaOptions.Mode.LIVE;
            case "exit" -> VgaOptions.Mode.EXIT;
            default -> throw new UserError("--vga " + vga + ": expected live or exit");
        };
        String option = vga != null ? "--vga" : "--vga-png";
        if (memSize != VmConfig.AUTOMATIC_MEM_SIZE && !VgaTextBuffer.covers(memSize)) {
            throw new UserError(String.format("%s: the text buffer at 0x%x-0x%x is outside guest RAM (--mem %s); give "
                    + "--mem %dK or more", option, VgaTextBuffer.ADDRESS, VgaTextBuffer.ADDRESS + VgaTextBuffer.WINDOW - 1,
                    mem, (VgaTextBuffer.ADDRESS + VgaTextBuffer.WINDOW) >> 10));
        }
        Path png = vgaPng == null ? null : Path.of(vgaPng);
        checkWritable("--vga-png", vgaPng, png);
        if (mode == VgaOptions.Mode.LIVE && !HostSystem.stdoutIsTerminal()) {
            log.warn("--vga live: stdout is not a terminal, so the screen is printed once at exit (--vga exit)");
            mode = VgaOptions.Mode.EXIT;
        }
        return new VgaOptions(mode, png, mode == VgaOptions.Mode.LIVE ? new HeldOutput() : null);
    }

    boolean dumpToStdout() {
        return "-".equals(dumpState);
    }

    private TransportKind transportKind() throws UserError {
        if (transport == null) {
            return TransportKind.preferred();
        }
        return switch (transport) {
            case "ptrace" -> TransportKind.PTRACE;
            case "fast" -> {
                if (!FastTransport.supported()) {
                    throw new UserError("--transport fast: " + FastTransport.UNSUPPORTED + "; use --transport ptrace");
                }
                yield TransportKind.FAST;
            }
            default -> throw new UserError("--transport " + transport + ": expected ptrace or fast");
        };
    }

    private int pinCpu() throws UserError {
        if ("none".equals(cpu)) {
            return -1;
        }
        if (cpu == null) {
            return Sched.defaultCpu();
        }
        int n = parse("--cpu", cpu, Integer::parseInt);
        BitSet allowed = Sched.allowedCpus();
        if (n < 0 || !allowed.get(n)) {
            throw new UserError("--cpu " + cpu + ": uhv may run on CPUs " + allowed + " here (or use --cpu none)");
        }
        return n;
    }

    /**
     * --vga's value is optional, and IMAGE may follow it (picocli alone would take the image as the
     * value). The next argument is --vga's value when it is "live" or "exit", or when it is no option
     * and IMAGE was already given (so that a wrong mode is refused by name); otherwise --vga means
     * live and the argument is left for what comes next. --vga=VALUE always gives the value.
     */
    static final class VgaModeValue implements IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec command, ArgSpec option, Map<String, Object> info) {
            String next = args.isEmpty() ? null : args.peek();
            boolean attached = command.parser().separator().equals(info.get("separator"));
            boolean positionalsGiven = command.positionalParameters().stream()
                    .allMatch(p -> !p.stringValues().isEmpty());
            boolean value = attached || "live".equals(next) || "exit".equals(next)
                    || (next != null && !next.startsWith("-") && positionalsGiven);
            option.setValue(value ? args.pop() : "live");
            return true;
        }
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T parse(String option, String text, Parser<T> parser) throws UserError {
        try {
            return parser.parse(text);
        } catch (IllegalArgumentException e) {
            String why = e instanceof NumberFormatException || e.getMessage() == null ? "not a valid value" : e.getMessage();
            throw new UserError(option + " " + text + ": " + why);
        }
    }
}
