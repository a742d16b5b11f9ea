package dev.uhv.gdb;

import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Machine;

import java.util.Map;

/**
 * What the stub sees of the machine while the guest stands still: the virtual CPU, guest memory
 * through the same path the emulators use (so the code scanner's patches are hidden and its
 * scans dropped by a write), and the run's trap counts.
 */
public interface GdbTarget {
    Machine machine();

    /** Traps so far by instruction family. */
    Map<InstructionFamily, Long> trapsByFamily();
}
