package dev.uhv.cli;

import dev.uhv.emulate.ExitReason;
import dev.uhv.exec.RunResult;
import dev.uhv.exec.StateDump;
import dev.uhv.exec.Vm;
import dev.uhv.exec.VmConfig;
import dev.uhv.gdb.GdbConfig;
import dev.uhv.gdb.GdbServer;
import dev.uhv.loader.ImageLoadException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one guest for the CLI: start, wait, and on every way out (guest exit, crash, timeout, Ctrl-C)
 * flush guest output, show the VGA text screen (--vga, --vga-png), write the dump, print the summary
 * line, and leave no child behind.
 */
final class GuestRunner {
    private static final long EXIT_GRACE_SECONDS = 10;

    private GuestRunner() {
    }

    /** The run's result and its final state. */
    record Finished(RunResult result, StateDump dump) {
    }

    static Finished run(VmConfig config, RunOptions options) throws UserError {
        Vm vm;
        try {
            vm = Vm.create(config);
        } catch (ImageLoadException e) {
            throw new UserError(config.imageName() + ": " + e.getMessage());
        }
        GdbServer gdb;
        try {
            gdb = startGdb(options.gdbConfig(), vm);
        } catch (UserError e) {
            vm.close();
            throw e;
        }
        CountDownLatch finished = new CountDownLatch(1);
        // Any other way the JVM is asked to end (SIGHUP, System.exit elsewhere): stop the guest through
        // the normal exit path, and let it finish before the JVM halts.
        Thread onExit = new Thread(() -> {
            vm.requestStop(ExitReason.TERMINATED, "uhv was asked to exit (a signal such as SIGHUP)");
            try {
                finished.await(EXIT_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "uhv-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        VgaScreen screen = new VgaScreen(options.vga(), vm);
        try (OnDemandDumps dumps = new OnDemandDumps(options.dumpPath());
             RunSignals signals = new RunSignals(vm)) {
            vm.onDemandDumps(dumps);
            screen.start();
            RunResult result = vm.run();
            dumps.close(); // the last on-demand dump before the summary
            vm.flushOutput();
            screen.finish();
            StateDump dump = vm.dump(result);
            writeDump(dump, options);
            System.out.flush();
            System.err.println(result.summary());
            return new Finished(result, dump);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the guest", e);
        } finally {
            screen.close(); // first: its drawing thread reads guest RAM, which vm.close() unmaps
            vm.close();
            if (gdb != null) {
                gdb.close();
            }
            closeQuietly(config.serial());
            closeQuietly(config.debugcon());
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns as soon as it sees the latch
            }
        }
    }

    /** Listens for gdb (--gdb) and says where on stderr; null without --gdb. */
    private static GdbServer startGdb(GdbConfig config, Vm vm) throws UserError {
        if (config == null) {
            return null;
        }
        GdbServer server;
        try {
            server = new GdbServer(config);
        } catch (IOException e) {
            throw new UserError(String.format("--gdb: cannot listen on %s:%d (%s)", config.host(), config.port(),
                    e.getMessage()));
        }
        vm.attachGdb(server);
        InetSocketAddress at = server.address();
        System.err.printf("uhv: %s gdb on %s:%d%n", config.waitForGdb() ? "waiting for" : "listening for",
                at.getAddress().getHostAddress(), at.getPort());
        System.err.flush();
        return server;
    }

    private static void writeDump(StateDump dump, RunOptions options) throws UserError {
        try {
            if (options.dumpToStdout()) {
                dump.writeJson(System.out);
            } else if (options.dumpPath() != null) {
                try (OutputStream out = Files.newOutputStream(options.dumpPath())) {
                    dump.writeJson(out);
                }
            }
        } catch (IOException e) {
            throw new UserError("--dump-state " + options.dumpPath() + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // the device already reported a broken sink; nothing more to save
        }
    }
}
