package dev.uhv.it;

import dev.uhv.exec.FastTransport;
import dev.uhv.exec.TransportKind;
import org.junit.jupiter.api.Assumptions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The transport the integration suite runs on. Surefire runs the suite once per transport (the
 * executions in hypervisor-core/pom.xml set the system property uhv.test.transport); every `uhv run`
 * a test makes, in process or as a process, gets `--transport` from it. On a host without the fast
 * transport the fast pass's guest runs are skipped (the ptrace pass covers them).
 */
public final class TestTransport {
    static final String PROPERTY = "uhv.test.transport";

    private TestTransport() {
    }

    /** The transport of this pass. */
    public static TransportKind kind() {
        String name = System.getProperty(PROPERTY);
        if (name == null) {
            return TransportKind.preferred();
        }
        Assumptions.assumeTrue(!name.equals("fast") || FastTransport.supported(),
                "this host has no fast transport (no FSGSBASE): the ptrace pass covers these tests");
        return TransportKind.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /** uhvArgs with `--transport KIND` after `run`, unless they name a transport themselves. */
    static String[] apply(String... uhvArgs) {
        List<String> args = new ArrayList<>(Arrays.asList(uhvArgs));
        if (!args.isEmpty() && args.get(0).equals("run") && !args.contains("--transport")) {
            args.addAll(1, List.of("--transport", kind().label()));
        }
        return args.toArray(String[]::new);
    }
}
