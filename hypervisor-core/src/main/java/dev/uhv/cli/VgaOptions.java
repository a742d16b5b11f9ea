package dev.uhv.cli;

import java.nio.file.Path;

/**
 * What --vga and --vga-png ask for, checked before the guest runs.
 *
 * @param mode  when the text screen is drawn in the terminal
 * @param png   where the picture of the screen goes at exit, or null
 * @param held  while the live screen owns the terminal, the guest's stdio output (--serial and
 *              --debugcon stdio) waits here and is printed after the final screen; null otherwise
 */
record VgaOptions(Mode mode, Path png, HeldOutput held) {
    enum Mode {
        /** No text screen in the terminal. */
        OFF,
        /** Redrawn in the terminal's alternate screen while the guest runs, then printed at exit. */
        LIVE,
        /** Printed once at exit. */
        EXIT
    }

    static final VgaOptions NONE = new VgaOptions(Mode.OFF, null, null);

    /** Whether the run reads the text screen at all. */
    boolean active() {
        return mode != Mode.OFF || png != null;
    }
}
