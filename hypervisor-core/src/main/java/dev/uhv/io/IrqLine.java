package dev.uhv.io;

/**
 * An interrupt line from a device to the (future) interrupt controller. Edge-style: a device calls
 * {@link #trigger()} each time it has a new reason to interrupt; the receiver decides what to do.
 */
@FunctionalInterface
public interface IrqLine {
    /** A line that goes nowhere, for devices wired before interrupt delivery exists. */
    IrqLine NONE = () -> { };

    void trigger();
}
