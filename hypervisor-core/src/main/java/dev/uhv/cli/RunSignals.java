package dev.uhv.cli;

import dev.uhv.emulate.ExitReason;
import dev.uhv.exec.Vm;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * The signals uhv takes while a guest runs. Ctrl-C (SIGINT) and SIGTERM stop it through the normal
 * exit path (output flushed, dump written, summary printed, child killed) and uhv exits 130 or 143
 * as a shell expects: a handler rather than a shutdown hook, so that the JVM does not start exiting
 * under the run's feet and the two signals stay distinguishable. SIGUSR1 asks for a state dump while
 * the guest goes on. The previous handlers come back on close.
 */
final class RunSignals implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    RunSignals(Vm vm) {
        install(new Signal("INT"), () -> vm.requestStop(ExitReason.INTERRUPTED, "by Ctrl-C (SIGINT)"));
        install(new Signal("TERM"), () -> vm.requestStop(ExitReason.TERMINATED, "by SIGTERM"));
        install(new Signal("USR1"), vm::requestDump);
    }

    private void install(Signal signal, Runnable action) {
        signals.add(signal);
        previous.add(Signal.handle(signal, s -> action.run()));
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
