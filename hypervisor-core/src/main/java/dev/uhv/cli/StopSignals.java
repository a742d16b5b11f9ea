package dev.uhv.cli;

import dev.uhv.emulate.ExitReason;
import dev.uhv.exec.Vm;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * While a guest runs, Ctrl-C (SIGINT) and SIGTERM stop it through the normal exit path (output
 * flushed, dump written, summary printed, child killed) and uhv exits 130 or 143 as a shell expects.
 * A handler rather than a shutdown hook: the JVM does not start exiting under the run's feet, and
 * the two signals stay distinguishable. The previous handlers come back on close.
 */
final class StopSignals implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    StopSignals(Vm vm) {
        install(new Signal("INT"), () -> vm.requestStop(ExitReason.INTERRUPTED, "by Ctrl-C (SIGINT)"));
        install(new Signal("TERM"), () -> vm.requestStop(ExitReason.TERMINATED, "by SIGTERM"));
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
