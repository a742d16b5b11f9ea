package dev.uhv.emulate;

import dev.uhv.decoder.Register;

/**
 * A guest GDT with one descriptor of each kind the segment-load and far-transfer tests need, and the
 * machine state of a 64-bit kernel running on it: CS = {@link #CODE64}, SS = {@link #DATA}, CPL0.
 * Access bytes: 0x9b/0xfb code DPL0/3, 0x93/0xf3 writable data DPL0/3 (SDM Vol. 3A, 3.4.5).
 */
final class SegmentGdt {
    static final long BASE = 0x8000;
    static final int CODE64 = 0x08;
    static final int DATA = 0x10;
    static final int CODE32 = 0x18;
    static final int DATA3 = 0x20;
    static final int CODE64_3 = 0x28;
    static final int DATA_ABSENT = 0x30;
    static final int READ_ONLY_DATA = 0x38;
    static final int EXECUTE_ONLY_CODE = 0x40;
    static final int CONFORMING_READABLE_CODE = 0x48;
    /** Data with base {@link #BASED_DATA_BASE}. */
    static final int BASED_DATA = 0x50;
    /** A 64-bit call gate (16 bytes: 0x58 and 0x60). */
    static final int CALL_GATE = 0x58;
    static final int CODE32_3 = 0x68;
    static final int CODE64_ABSENT = 0x70;
    /** Code with L and D both set. */
    static final int CODE_LONG_AND_D = 0x78;
    static final int CONFORMING_CODE64 = 0x80;
    /** 32-bit code with a byte-granular limit of 0xfff. */
    static final int SMALL_CODE32 = 0x88;
    static final int DATA3_ABSENT = 0x90;
    static final int CONFORMING_CODE64_3 = 0x98;
    static final int LIMIT = 0xa0 - 1;
    static final long BASED_DATA_BASE = 0x1234_5678L;
    static final long SMALL_LIMIT = 0xfff;
    private static final int TYPE_CALL_GATE = 0xc;

    private SegmentGdt() {
    }

    /** Writes the GDT, loads GDTR, and enters CODE64 at CPL0 with SS = DATA. */
    static void install(TestMachine t) {
        new Gdt(t.memory, BASE)
                .put(CODE64, Gdt.flat(0x9b, Gdt.FLAGS_CODE64))
                .put(DATA, Gdt.flat(0x93, Gdt.FLAGS_32))
                .put(CODE32, Gdt.flat(0x9b, Gdt.FLAGS_32))
                .put(DATA3, Gdt.flat(0xf3, Gdt.FLAGS_32))
                .put(CODE64_3, Gdt.flat(0xfb, Gdt.FLAGS_CODE64))
                .put(DATA_ABSENT, Gdt.flat(0x13, Gdt.FLAGS_32))
                .put(READ_ONLY_DATA, Gdt.flat(0x91, Gdt.FLAGS_32))
                .put(EXECUTE_ONLY_CODE, Gdt.flat(0x99, Gdt.FLAGS_32))
                .put(CONFORMING_READABLE_CODE, Gdt.flat(0x9f, Gdt.FLAGS_32))
                .put(BASED_DATA, Gdt.segment(BASED_DATA_BASE, 0xfffff, 0x93, Gdt.FLAGS_32))
                .putSystem(CALL_GATE, 0, 0, TYPE_CALL_GATE, true, false)
                .put(CODE32_3, Gdt.flat(0xfb, Gdt.FLAGS_32))
                .put(CODE64_ABSENT, Gdt.flat(0x1b, Gdt.FLAGS_CODE64))
                .put(CODE_LONG_AND_D, Gdt.flat(0x9b, 0xe))
                .put(CONFORMING_CODE64, Gdt.flat(0x9f, Gdt.FLAGS_CODE64))
                .put(SMALL_CODE32, Gdt.segment(0, SMALL_LIMIT, 0x9b, 0x4))
                .put(DATA3_ABSENT, Gdt.flat(0x73, Gdt.FLAGS_32))
                .put(CONFORMING_CODE64_3, Gdt.flat(0xff, Gdt.FLAGS_CODE64))
                .load(t.cpu, LIMIT);
        t.cpu.enterCode(CODE64, 64, 0);
        t.cpu.setSelector(Register.SS, DATA);
    }
}
