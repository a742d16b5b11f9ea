package dev.uhv.decoder;

/** The processor mode an instruction is decoded in; it fixes the default operand and address sizes. */
public enum MachineMode {
    /** 64-bit long mode (default operand size 32, address size 64). */
    LONG_64,
    /** Compatibility mode or 32-bit protected mode (default operand and address size 32). */
    LEGACY_32,
    /** Real mode or 16-bit protected mode (default operand and address size 16). */
    LEGACY_16
}
