package dev.uhv.cpu;

/** GDTR or IDTR: a linear base and a 16-bit limit. */
public record TableRegister(long base, int limit) {
    public static final TableRegister RESET = new TableRegister(0, 0xffff);
}
