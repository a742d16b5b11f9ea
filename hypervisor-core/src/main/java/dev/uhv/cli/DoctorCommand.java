package dev.uhv.cli;

import dev.uhv.decoder.Decoder;
import dev.uhv.exec.ChildProbe;
import dev.uhv.exec.Transport;
import dev.uhv.exec.TransportKind;
import dev.uhv.linux.HostCpu;
import dev.uhv.linux.HostSystem;
import dev.uhv.loader.BootParameters;
import dev.uhv.loader.ImageLoadException;
import dev.uhv.loader.ImageLoader;
import dev.uhv.memory.GuestMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** `uhv doctor`: what this host lets uhv do, one line per fact with a verdict and what to do. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check this host: ptrace, memory layout, faulting features, the decoder; with IMAGE, also "
                + "whether this user can map where the image loads.")
final class DoctorCommand implements Callable<Integer> {
    private final PrintStream out = System.out;
    private int failures;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "A kernel image to check against vm.mmap_min_addr (raw images at --load-addr).")
    Path image;

    @Option(names = "--load-addr", paramLabel = "ADDR", defaultValue = "0x100000",
            description = "Where a raw IMAGE would be loaded (default: ${DEFAULT-VALUE}).")
    String loadAddr;

    @Option(names = "--mem", paramLabel = "SIZE", defaultValue = "64M",
            description = "Guest RAM to check IMAGE against, as for `uhv run` (default: ${DEFAULT-VALUE}).")
    String mem;

    @Override
    public Integer call() throws UserError {
        byte[] imageBytes = image == null ? null : RunCommand.readImage(image);
        long ramSize = imageBytes == null ? 0 : RunOptions.memSize(mem);
        long rawLoadAddress = imageBytes == null ? 0 : RunOptions.address("--load-addr", loadAddr);
        checkDecoder();
        checkYama();
        checkCallerSeccomp();
        checkMmapMinAddr();
        if (imageBytes != null) {
            checkImage(imageBytes, ramSize, rawLoadAddress);
        }
        ChildProbe probe = ChildProbe.run();
        if (probe.error() != null) {
            fail("guest process", probe.error());
        } else {
            ok("guest process", "traced child starts, maps guest RAM, stops under ptrace with seccomp on");
            checkSensitive(probe);
            if (probe.tscFaulting()) {
                ok("rdtsc faulting", "PR_SET_TSC works: with --rdtsc trap, rdtsc/rdtscp see the guest's "
                        + "IA32_TSC writes (each trap then costs more where CR4 writes are slow, as under nested "
                        + "virtualization)");
            } else {
                warn("rdtsc faulting", "PR_SET_TSC is refused: rdtsc returns the host TSC without the guest's offset");
            }
            switch (probe.kernelStackSelector()) {
                case Transport.KERNEL_SS_GDT_SELECTOR -> ok("ring tracking", "the guest's CPL0 runs on SS 0x63 (the child's TLS GDT slot): a native "
                        + "iretq to ring 3 is noticed");
                case 0 -> warn("ring tracking", "neither set_thread_area (i386) nor modify_ldt works: a guest that "
                        + "enters ring 3 by an iretq the host accepts (CS 0x33/0x23, SS 0x2b) stays at CPL0 for uhv");
                default -> warn("ring tracking", "no i386 set_thread_area (IA-32 emulation off?): the CPL0 stack "
                        + "segment is in an LDT, which makes every trap ~2 us slower");
            }
        }
        checkTransport(probe);
        checkCpuFeatures();
        out.println(failures == 0 ? "uhv doctor: this host can run uhv guests"
                : "uhv doctor: " + failures + " problem(s) above stop uhv from running guests");
        return failures == 0 ? 0 : 1;
    }

    /** Whether the fast transport runs here, and which transport a run uses without --transport. */
    private void checkTransport(ChildProbe probe) {
        TransportKind preferred = TransportKind.preferred();
        if (probe.fastError() == null) {
            ok("fast transport", "the guest process's own signal handler hands traps over a shared page (seccomp "
                    + "traps its system calls), and changes page protections from its handler");
        } else if (preferred == TransportKind.FAST) {
            fail("fast transport", probe.fastError() + "; run with --transport ptrace");
        } else {
            warn("fast transport", probe.fastError() + ": runs use --transport ptrace");
        }
        out.println("[info] --transport " + preferred.label() + " (the default) here");
    }

    /** What --sensitive auto (the default) uses on this host, and whether the scanner can run. */
    private void checkSensitive(ChildProbe probe) {
        if (probe.cpuidFaulting()) {
            ok("cpuid faulting", "arch_prctl(ARCH_SET_CPUID) works: the guest's cpuid faults and is emulated");
        } else {
            ok("cpuid faulting", "not available (arch_prctl(ARCH_SET_CPUID, 0) fails on this CPU): the code scanner "
                    + "patches cpuid instead (--sensitive auto or patch)");
        }
        if (probe.scannerError() != null) {
            fail("code scanner", "the guest process cannot change its page protections: " + probe.scannerError()
                    + "; run with --sensitive fault or off");
            return;
        }
        ok("code scanner", "guest pages run only once scanned; " + (probe.cpuidFaulting() ? "" : "cpuid, ")
                + "pushf/popf, sgdt/sidt/sldt/str/smsw and segment-register reads are patched to trap (no CPU "
                + "makes them fault in user mode)");
        out.println("[info] --sensitive auto (the default) here: cpuid by " + (probe.cpuidFaulting()
                ? "CPUID faulting" : "the code scanner") + ", the others by the code scanner");
    }

    private void checkDecoder() {
        if (Decoder.isAvailable()) {
            ok("zydis", "the Zydis 4 decoder is loaded");
        } else {
            fail("zydis", Decoder.unavailabilityCause());
        }
    }

    private void checkYama() {
        Path yama = Path.of("/proc/sys/kernel/yama/ptrace_scope");
        if (!Files.exists(yama)) {
            ok("ptrace scope", "no Yama LSM: a process may trace its own children");
            return;
        }
        String scope = read(yama);
        if ("3".equals(scope)) {
            fail("ptrace scope", "kernel.yama.ptrace_scope = 3 forbids all ptrace; a reboot with a lower value is "
                    + "needed (it cannot be lowered at run time)");
        } else {
            ok("ptrace scope", "kernel.yama.ptrace_scope = " + scope + ": PTRACE_TRACEME by uhv's own child is allowed");
        }
    }

    private void checkCallerSeccomp() {
        String status = read(Path.of("/proc/self/status"));
        String mode = status.lines().filter(l -> l.startsWith("Seccomp:")).map(l -> l.substring(8).trim())
                .findFirst().orElse("?");
        if ("0".equals(mode)) {
            ok("caller seccomp", "uhv itself runs without a seccomp filter");
        } else {
            warn("caller seccomp", "uhv runs under seccomp mode " + mode + " (a container?): if ptrace or "
                    + "memfd_create are filtered, the guest process check below fails");
        }
    }

    private void checkMmapMinAddr() {
        long min = HostSystem.mmapMinAddr();
        long lowest = HostSystem.lowestMappableAddress();
        if (lowest == 0) {
            ok("low memory", String.format("vm.mmap_min_addr = 0x%x, and uhv may map guest page 0 (root)", min));
        } else {
            warn("low memory", String.format("vm.mmap_min_addr = 0x%x: guest addresses below 0x%x cannot be mapped "
                    + "by this user; load images at 0x100000 (the default) or run as root", min, lowest));
        }
    }

    /** Loads IMAGE into scratch memory of --mem bytes, as `uhv run` would, to learn its lowest address. */
    private void checkImage(byte[] bytes, long ramSize, long rawLoadAddress) {
        String name = "image " + image;
        try {
            long mappable = HostSystem.lowestMappableAddress();
            // A multiboot kernel's boot information goes no lower than `uhv run` would put it.
            long lowest = ImageLoader.load(bytes, null, GuestMemory.allocate((int) ramSize), rawLoadAddress, null,
                    new BootParameters("", "", List.of(), mappable)).lowestAddress();
            if (lowest < mappable) {
                fail(name, ImageLoadException.belowMappable(lowest, mappable).getMessage());
            } else {
                ok(name, String.format("loads from 0x%x, which this user can map", lowest));
            }
        } catch (ImageLoadException e) {
            fail(name, e.getMessage());
        }
    }

    private void checkCpuFeatures() {
        int[] leaf7 = HostCpu.cpuid(7, 0);
        if ((leaf7[2] & (1 << 2)) != 0) {
            ok("umip", "sgdt/sidt/smsw/str/sldt do not reach uhv unpatched here (the host kernel answers them "
                    + "with dummy values): the code scanner patches them; with --sensitive fault or off the guest "
                    + "sees the dummies");
        } else {
            ok("umip", "no UMIP: sgdt/sidt/smsw/str/sldt would run natively: the code scanner patches them; with "
                    + "--sensitive fault or off the guest sees the host's values");
        }
        if ((leaf7[1] & 1) != 0) {
            ok("fsgsbase", "rdfsbase/wrfsbase run natively; FS/GS base writes through wrmsr take real effect");
        } else {
            warn("fsgsbase", "no FSGSBASE: guest rdfsbase/wrfsbase give #UD; wrmsr FS_BASE/GS_BASE still works");
        }
        out.println("[info] cpus: " + HostSystem.onlineCpus() + " online; uhv pins the guest to one (--cpu): with "
                + "--transport ptrace its vCPU thread goes there too (a ptrace stop costs ~5x more across CPUs), with "
                + "fast it goes to another CPU where there is one, and both sides poll briefly before they sleep");
    }

    private void ok(String what, String text) {
        out.println("[ok]   " + what + ": " + text);
    }

    private void warn(String what, String text) {
        out.println("[warn] " + what + ": " + text);
    }

    private void fail(String what, String text) {
        failures++;
        out.println("[FAIL] " + what + ": " + text);
    }

    private static String read(Path p) {
        try {
            return HostSystem.readProcFile(p).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
