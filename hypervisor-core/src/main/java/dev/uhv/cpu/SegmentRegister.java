package dev.uhv.cpu;

/** LDTR or TR: the visible selector and the descriptor fields loaded with it. */
public record SegmentRegister(int selector, long base, long limit, int type) {
    public static final SegmentRegister NULL = new SegmentRegister(0, 0, 0, 0);
}
