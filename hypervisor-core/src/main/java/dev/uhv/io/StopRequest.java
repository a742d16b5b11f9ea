package dev.uhv.io;

import dev.uhv.emulate.ExitReason;

/**
 * How a device asks for the end of the run (isa-debug-exit, a reset or power-off request). The run
 * ends once the instruction that made the request has completed, so the state dump shows the guest
 * past it; if several requests come in one instruction the first one counts.
 */
@FunctionalInterface
public interface StopRequest {

    /**
     * @param reason     why the run ends
     * @param exitStatus the status uhv exits with (only its low 8 bits reach the host, as for QEMU)
     * @param detail     one line for the summary: what the guest did
     */
    void stop(ExitReason reason, int exitStatus, String detail);
}
