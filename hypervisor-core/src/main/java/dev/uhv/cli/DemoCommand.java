package dev.uhv.cli;

import dev.uhv.emulate.ExitReason;
import dev.uhv.exec.StateDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** `uhv demo`: boot the bundled demo kernel and show the CPU state it leaves. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Boot the bundled demo kernel, then show its control registers and MSRs.",
        sortOptions = false)
final class DemoCommand implements Callable<Integer> {
    static final String DEMO_RESOURCE = "guests/demo.elf";
    /** The demo exits through isa-debug-exit with v = 0, which QEMU reports as (0 << 1) | 1. */
    private static final int DEMO_SUCCESS_STATUS = 1;
    private static final List<String> SHOWN_MSRS = List.of("EFER", "STAR", "LSTAR", "CSTAR", "SFMASK", "FS_BASE",
            "GS_BASE", "KERNEL_GS_BASE", "APIC_BASE", "PAT", "TSC_AUX");

    @Mixin
    RunOptions options;

    @Override
    public Integer call() throws UserError {
        GuestRunner.Finished done = GuestRunner.run(options.toConfig(demoImage(), "demo kernel"), options);
        printState(done.dump(), System.out);
        boolean success = done.result().reason() == ExitReason.DEBUG_EXIT
                && done.result().exitStatus() == DEMO_SUCCESS_STATUS;
        return success ? 0 : done.result().exitStatus();
    }

    static byte[] demoImage() {
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEMO_RESOURCE + " is missing from the build: run `scripts/uhv demo`, "
                        + "which builds it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("reading " + DEMO_RESOURCE, e);
        }
    }

    /** The state table a person reads after the demo. */
    static void printState(StateDump dump, PrintStream out) {
        out.println();
        out.println("Emulated CPU state at exit");
        out.println("  Control registers");
        for (Map.Entry<String, String> e : dump.controlRegisters().entrySet()) {
            out.printf("    %-16s %18s%n", e.getKey().toUpperCase(), pad(e.getValue()));
        }
        out.println("  MSRs");
        for (String name : SHOWN_MSRS) {
            out.printf("    %-16s %18s%n", name, pad(dump.msrs().get(name)));
        }
        out.printf("  Interrupt flag   %s%n", dump.interruptFlag() ? "1 (enabled)" : "0 (disabled)");
        out.printf("  CPL              %d (CS %s, SS %s, %d-bit code)%n", dump.cpl(), dump.segments().get("cs"),
                dump.segments().get("ss"), dump.codeBits());
        out.printf("  Traps            %d%n", dump.traps());
        dump.trapsByFamily().forEach((family, n) -> out.printf("    %-16s %18d%n", family, n));
        out.flush();
    }

    /** Hex values padded to 16 digits; text ("4-level" paging) as it is. */
    private static String pad(String hex) {
        if (!hex.startsWith("0x")) {
            return hex;
        }
        String digits = hex.substring(2);
        return "0x" + "0".repeat(Math.max(0, 16 - digits.length())) + digits;
    }
}
