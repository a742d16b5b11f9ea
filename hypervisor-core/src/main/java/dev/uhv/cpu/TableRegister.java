package dev.uhv.cpu;

/** GDTR or IDTR: a linear base and a 16-bit limit. */
public record TableRegister(long base, int limit) {
    /** No table: uhv's entry state (a guest that never runs lgdt/lidt has none; SDM Vol. 3A, 6.10). */
    public static final TableRegister NONE = new TableRegister(0, 0);
}
