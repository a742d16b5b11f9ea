package dev.uhv.cpu;

/**
 * One 16-byte gate of a 64-bit IDT (SDM Vol. 3A, 6.14.1, Figure 6-8), or one 8-byte gate of a 32-bit
 * IDT (Figure 6-2: the same low 8 bytes, decoded with high = 0; types 0xE and 0xF are then the 32-bit
 * gates, and the IST field is reserved).
 *
 * @param selector the code segment of the handler
 * @param offset   the handler's 64-bit offset
 * @param type     0xE interrupt gate (clears IF), 0xF trap gate; anything else is invalid in IA-32e mode
 * @param dpl      the highest CPL that may reach it with int n
 * @param ist      the IST stack (1..7), 0 for none
 * @param present  the P bit
 */
public record IdtGate(int selector, long offset, int type, int dpl, int ist, boolean present) {
    public static final int SIZE = 16, SIZE_32 = 8;
    public static final int TYPE_INTERRUPT = 0xe, TYPE_TRAP = 0xf;

    public static IdtGate decode(long low, long high) {
        return new IdtGate((int) (low >>> 16) & 0xffff,
                (low & 0xffff) | ((low >>> 48) << 16) | ((high & 0xffff_ffffL) << 32),
                (int) (low >>> 40) & 0xf, (int) (low >>> 45) & 3, (int) (low >>> 32) & 7, (low & (1L << 47)) != 0);
    }

    public boolean isInterruptOrTrapGate() {
        return type == TYPE_INTERRUPT || type == TYPE_TRAP;
    }

    /** "interrupt", "trap" or "type 0xN". */
    public String typeName() {
        return switch (type) {
            case TYPE_INTERRUPT -> "interrupt";
            case TYPE_TRAP -> "trap";
            default -> String.format("type 0x%x", type);
        };
    }
}
