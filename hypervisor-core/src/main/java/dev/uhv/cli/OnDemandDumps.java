package dev.uhv.cli;

import dev.uhv.exec.StateDump;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The state dumps SIGUSR1 asks for while a guest runs: the vCPU thread only takes the snapshot, and
 * a thread of their own writes them, so that the guest stands still for one trap. With --dump-state
 * PATH the n-th goes to PATH.n (PATH itself keeps the dump at exit); otherwise to stderr, as stdout
 * carries the guest's serial output. Each is announced on stderr in one line.
 */
final class OnDemandDumps implements Consumer<StateDump>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OnDemandDumps.class);
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final Path base;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "uhv-dump");
        t.setDaemon(true);
        return t;
    });
    /** Only the vCPU thread counts. */
    private int taken;

    /** base: --dump-state's PATH, or null for stderr. */
    OnDemandDumps(Path base) {
        this.base = base;
    }

    @Override
    public void accept(StateDump dump) {
        int n = ++taken;
        writer.execute(() -> write(n, dump));
    }

    private void write(int n, StateDump dump) {
        try {
            if (base == null) {
                synchronized (System.err) {
                    System.err.println("uhv: state dump " + n + " (SIGUSR1), rip " + dump.registers().get("rip") + ":");
                    dump.writeJson(System.err);
                }
                return;
            }
            Path path = base.resolveSibling(base.getFileName() + "." + n);
            try (OutputStream out = Files.newOutputStream(path)) {
                dump.writeJson(out);
            }
            System.err.println("uhv: state dump " + n + " (SIGUSR1) written to " + path);
        } catch (IOException e) {
            System.err.println("uhv: state dump " + n + " (SIGUSR1): cannot write (" + e.getMessage() + ")");
        }
    }

    /** Waits for the dumps asked for so far to be written. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("state dumps still being written after {} s; leaving them", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
