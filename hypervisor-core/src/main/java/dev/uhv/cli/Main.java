package dev.uhv.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The `uhv` command line. */
@Command(name = "uhv", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"A usermode x86-64 hypervisor: runs privileged guest code natively in a traced child "
                + "process, emulating each privileged instruction. No root, no /dev/kvm."},
        subcommands = {RunCommand.class, DemoCommand.class, DoctorCommand.class, StatsCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit status: the guest's isa-debug-exit status ((v << 1) | 1) when it used port 0xf4; "
                + "0 halted, vkern exit, guest shutdown or reset; 2 bad usage or image; 4 guest crash (unhandled "
                + "guest exception, triple fault); 6 unhandled instruction; 8 timeout; "
                + "10 trap limit; 12 guest system call blocked; 70 host error; 130 Ctrl-C; 143 SIGTERM."})
public final class Main implements Runnable {
    public static final int USAGE_ERROR = 2;

    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Debug logs on stderr, and stack traces for uhv's own errors.")
    void verbose(boolean on) {
        if (on) {
            ((Logger) LoggerFactory.getLogger("dev.uhv")).setLevel(Level.DEBUG);
            verbose = true;
        }
    }

    private static boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this),
                "a command is required: run IMAGE, demo, doctor or stats TRACE");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit status (tests call this in-process). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("uhv: " + e.getMessage() + " (see `uhv " + commandName(e.getCommandLine()) + "--help`)");
            return USAGE_ERROR;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof UserError) {
                c.getErr().println("uhv: " + e.getMessage());
                return USAGE_ERROR;
            }
            c.getErr().println("uhv: internal error: " + e + (verbose ? "" : " (run with -v for details)"));
            if (verbose) {
                e.printStackTrace(c.getErr());
            }
            return 70;
        });
        return cli.execute(args);
    }

    private static String commandName(CommandLine c) {
        return c.getParent() == null ? "" : c.getCommandName() + " ";
    }
}
