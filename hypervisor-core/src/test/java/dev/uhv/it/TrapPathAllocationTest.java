package dev.uhv.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uhv.emulate.ExitReason;
import dev.uhv.emulate.Personality;
import dev.uhv.exec.RunResult;
import dev.uhv.exec.Vm;
import dev.uhv.exec.VmConfig;
import dev.uhv.linux.Sched;
import dev.uhv.scan.SensitiveMode;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole trap path of a real run allocates nothing per trap (DESIGN.md): the run loop, the
 * transport of this pass, the trap handler and the emulators, on the vCPU thread, while the
 * bench-traps guest loops over mov from cr0, rdmsr, wrmsr and out to debugcon, pinned as `uhv run`
 * pins by default. Its debugcon stream runs on the vCPU thread, inside the out's emulation, so it
 * reads that thread's allocation counter at some of the guest's bytes: four traps per byte.
 */
class TrapPathAllocationTest {
    private static final String GUEST = "bench-traps.elf";
    private static final int TRAPS_PER_BYTE = 4;
    /** Bytes before the first sample (warm-up), then between samples, and how many windows. */
    private static final long FIRST = 10_000, WINDOW = 10_000;
    private static final int WINDOWS = 4;
    private static final long LAST = FIRST + WINDOWS * WINDOW;
    /** Over all windows (160,000 traps): room for a one-off of the JIT's, not for anything per trap. */
    private static final long BOUND_BYTES = 8 * 1024;
    /**
     * Only ends a run that hangs: ~1 s on a quiet host, but the fast transport's two spinning sides
     * can take a minute on two CPUs shared with a loaded build.
     */
    private static final Duration HANG_LIMIT = Duration.ofSeconds(300);

    @AfterEach
    void noChildLeft() {
        Checks.assertNoChildProcess();
    }

    /** Reads the writing thread's allocation counter at the FIRST-th byte and every WINDOW bytes after. */
    private static final class Sampler extends OutputStream {
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long[] samples = new long[WINDOWS + 1];
        long bytes;
        int taken;

        @Override
        public void write(int b) {
            bytes++;
            if (bytes >= FIRST && (bytes - FIRST) % WINDOW == 0 && taken < samples.length) {
                samples[taken++] = threads.getCurrentThreadAllocatedBytes();
            }
        }
    }

    @Test
    void warmTrapsOfARealRunAllocateNothing() throws Exception {
        Sampler sampler = new Sampler();
        long maxTraps = TRAPS_PER_BYTE * (LAST + 100);
        VmConfig config = new VmConfig(Guests.bytes(GUEST), GUEST, null, VmConfig.DEFAULT_LOAD_ADDRESS, null,
                VmConfig.AUTOMATIC_MEM_SIZE, null, Sched.defaultCpu(), OutputStream.nullOutputStream(), sampler, false,
                HANG_LIMIT, maxTraps, false, Personality.DEFAULT, "", List.of(), SensitiveMode.AUTO, null,
                TestTransport.kind());
        RunResult result;
        try (Vm vm = Vm.create(config)) {
            result = vm.run();
        }

        assertEquals(ExitReason.MAX_TRAPS, result.reason(), result.detail());
        assertEquals(WINDOWS + 1, sampler.taken, "samples taken: " + sampler.bytes + " bytes");
        long[] windows = new long[WINDOWS];
        for (int i = 0; i < WINDOWS; i++) {
            windows[i] = sampler.samples[i + 1] - sampler.samples[i];
        }
        long total = sampler.samples[WINDOWS] - sampler.samples[0];
        assertTrue(total < BOUND_BYTES, String.format("the vCPU thread allocated %s bytes in windows of %d traps "
                + "on the %s transport", Arrays.toString(windows), TRAPS_PER_BYTE * WINDOW, TestTransport.kind()));
    }
}
