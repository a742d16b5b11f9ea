package dev.uhv.gdb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registers uhv offers gdb, and the target description (qXfer:features:read:target.xml) that
 * names them. The features and register names are gdb's own for x86-64 (features/i386/64bit-core,
 * 64bit-sse, 64bit-segments), so gdb recognises the architecture and its fs_base/gs_base; a last
 * feature of uhv's own adds the system registers gdb knows no feature for (QEMU puts the same ones
 * in its core feature): k_gs_base, cr0, cr2, cr3, cr4, cr8 and efer, typed as flags so that gdb
 * prints their bits by name. The x87 and SSE registers are there because gdb's core feature needs
 * them; they read as 0.
 */
public final class TargetDescription {
    static final String CORE = "org.gnu.gdb.i386.core", SSE = "org.gnu.gdb.i386.sse",
            SEGMENTS = "org.gnu.gdb.i386.segments", SYSTEM = "dev.uhv.gdb.x86.sys";
    /** gdb's order of the GPRs, by architectural number (rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8..r15). */
    private static final int[] GPR_ORDER = {0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15};
    private static final String[] GPR_NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9",
        "r10", "r11", "r12", "r13", "r14", "r15"};
    /** The segment registers in gdb's order, with their index in ES, CS, SS, DS, FS, GS order. */
    private static final String[] SEGMENT_NAMES = {"cs", "ss", "ds", "es", "fs", "gs"};
    private static final int[] SEGMENT_INDEX = {1, 2, 3, 0, 4, 5};
    private static final String[] FPU_CONTROL = {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"};

    private final List<GdbRegister> registers;
    private final String xml;
    private final int gPacketBytes;

    private TargetDescription() {
        List<GdbRegister> r = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String type = i == 6 || i == 7 ? "data_ptr" : "int64";
            r.add(new GdbRegister(r.size(), GPR_NAMES[i], 64, type, null, CORE, GdbRegister.Source.GPR, GPR_ORDER[i]));
        }
        r.add(new GdbRegister(r.size(), "rip", 64, "code_ptr", null, CORE, GdbRegister.Source.RIP, 0));
        r.add(new GdbRegister(r.size(), "eflags", 32, "i386_eflags", null, CORE, GdbRegister.Source.RFLAGS, 0));
        for (int i = 0; i < SEGMENT_NAMES.length; i++) {
            r.add(new GdbRegister(r.size(), SEGMENT_NAMES[i], 32, "int32", null, CORE, GdbRegister.Source.SEGMENT,
                    SEGMENT_INDEX[i]));
        }
        for (int i = 0; i < 8; i++) {
            r.add(new GdbRegister(r.size(), "st" + i, 80, "i387_ext", null, CORE, GdbRegister.Source.NOT_KEPT, 0));
        }
        for (String name : FPU_CONTROL) {
            r.add(new GdbRegister(r.size(), name, 32, "int", "float", CORE, GdbRegister.Source.NOT_KEPT, 0));
        }
        for (int i = 0; i < 16; i++) {
            r.add(new GdbRegister(r.size(), "xmm" + i, 128, "vec128", null, SSE, GdbRegister.Source.NOT_KEPT, 0));
        }
        r.add(new GdbRegister(r.size(), "mxcsr", 32, "i386_mxcsr", "vector", SSE, GdbRegister.Source.NOT_KEPT, 0));
        r.add(new GdbRegister(r.size(), "fs_base", 64, "int", null, SEGMENTS, GdbRegister.Source.FS_BASE, 0));
        r.add(new GdbRegister(r.size(), "gs_base", 64, "int", null, SEGMENTS, GdbRegister.Source.GS_BASE, 0));
        r.add(new GdbRegister(r.size(), "k_gs_base", 64, "int", "system", SYSTEM, GdbRegister.Source.KERNEL_GS_BASE, 0));
        for (int cr : new int[] {0, 2, 3, 4, 8}) {
            String type = cr == 0 ? "uhv_cr0" : cr == 4 ? "uhv_cr4" : "int";
            r.add(new GdbRegister(r.size(), "cr" + cr, 64, type, "system", SYSTEM, GdbRegister.Source.CONTROL, cr));
        }
        r.add(new GdbRegister(r.size(), "efer", 64, "uhv_efer", "system", SYSTEM, GdbRegister.Source.EFER, 0));
        registers = Collections.unmodifiableList(r);
        gPacketBytes = r.stream().mapToInt(GdbRegister::bytes).sum();
        xml = buildXml(r);
    }

    public List<GdbRegister> registers() {
        return registers;
    }

    /** The register numbered n, or null. */
    public GdbRegister register(int n) {
        return n >= 0 && n < registers.size() ? registers.get(n) : null;
    }

    /** The size of a g packet's register data in bytes (twice that in hex digits). */
    public int gPacketBytes() {
        return gPacketBytes;
    }

    /** target.xml. */
    public String xml() {
        return xml;
    }

    private static String buildXml(List<GdbRegister> regs) {
        Map<String, StringBuilder> features = new LinkedHashMap<>();
        features.put(CORE, new StringBuilder(flags("i386_eflags", 4, EFLAGS_BITS)));
        features.put(SSE, new StringBuilder(VEC128 + flags("i386_mxcsr", 4, MXCSR_BITS)));
        features.put(SEGMENTS, new StringBuilder());
        features.put(SYSTEM, new StringBuilder(flags("uhv_cr0", 8, CR0_BITS) + flags("uhv_cr4", 8, CR4_BITS)
                + flags("uhv_efer", 8, EFER_BITS)));
        for (GdbRegister reg : regs) {
            StringBuilder f = features.get(reg.feature());
            f.append(String.format("<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"%s/>", reg.name(),
                    reg.bits(), reg.type(), reg.number(), reg.group() == null ? "" : " group=\"" + reg.group() + "\""));
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
                + "<target version=\"1.0\"><architecture>i386:x86-64</architecture>");
        features.forEach((name, body) -> xml.append("<feature name=\"").append(name).append("\">").append(body)
                .append("</feature>"));
        return xml.append("</target>").toString();
    }

    private static String flags(String id, int size, String[] bits) {
        StringBuilder out = new StringBuilder(String.format("<flags id=\"%s\" size=\"%d\">", id, size));
        for (int bit = 0; bit < bits.length; bit++) {
            if (bits[bit] != null) {
                out.append(String.format("<field name=\"%s\" start=\"%d\" end=\"%d\"/>", bits[bit], bit, bit));
            }
        }
        return out.append("</flags>").toString();
    }

    /** gdb's own 128-bit vector union of 64bit-sse.xml, as the xmm registers' type. */
    private static final String VEC128 = "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
            + "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
            + "<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
            + "<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
            + "<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
            + "<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
            + "<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/><field name=\"v2_double\" type=\"v2d\"/>"
            + "<field name=\"v16_int8\" type=\"v16i8\"/><field name=\"v8_int16\" type=\"v8i16\"/>"
            + "<field name=\"v4_int32\" type=\"v4i32\"/><field name=\"v2_int64\" type=\"v2i64\"/>"
            + "<field name=\"uint128\" type=\"uint128\"/></union>";

    /** Bit names by position (SDM Vol. 1, 3.4.3; Vol. 3A, 2.5; Vol. 3A, 2.2.1; Vol. 1, 10.2.3). */
    static final String[] EFLAGS_BITS = {"CF", "", "PF", null, "AF", null, "ZF", "SF", "TF", "IF", "DF", "OF", null,
        null, "NT", null, "RF", "VM", "AC", "VIF", "VIP", "ID"};
    static final String[] MXCSR_BITS = {"IE", "DE", "ZE", "OE", "UE", "PE", "DAZ", "IM", "DM", "ZM", "OM", "UM",
        "PM", null, null, "FZ"};
    static final String[] CR0_BITS = bitNames(new Object[][] {{0, "PE"}, {1, "MP"}, {2, "EM"}, {3, "TS"}, {4, "ET"},
        {5, "NE"}, {16, "WP"}, {18, "AM"}, {29, "NW"}, {30, "CD"}, {31, "PG"}});
    static final String[] CR4_BITS = bitNames(new Object[][] {{0, "VME"}, {1, "PVI"}, {2, "TSD"}, {3, "DE"},
        {4, "PSE"}, {5, "PAE"}, {6, "MCE"}, {7, "PGE"}, {8, "PCE"}, {9, "OSFXSR"}, {10, "OSXMMEXCPT"}, {11, "UMIP"},
        {12, "LA57"}, {13, "VMXE"}, {14, "SMXE"}, {16, "FSGSBASE"}, {17, "PCIDE"}, {18, "OSXSAVE"}, {20, "SMEP"},
        {21, "SMAP"}, {22, "PKE"}});
    static final String[] EFER_BITS = bitNames(new Object[][] {{0, "SCE"}, {8, "LME"}, {10, "LMA"}, {11, "NXE"}});

    private static String[] bitNames(Object[][] pairs) {
        int top = (int) pairs[pairs.length - 1][0];
        String[] names = new String[top + 1];
        for (Object[] p : pairs) {
            names[(int) p[0]] = (String) p[1];
        }
        return names;
    }

    /** The names of the bits set in value, highest first, as "PG WP PE" (empty when none is named). */
    static String setBits(long value, String[] names) {
        StringBuilder out = new StringBuilder();
        for (int bit = names.length - 1; bit >= 0; bit--) {
            if (names[bit] != null && !names[bit].isEmpty() && (value & (1L << bit)) != 0) {
                out.append(out.length() == 0 ? "" : " ").append(names[bit]);
            }
        }
        return out.toString();
    }

    /** The x86-64 description; last, as it needs the tables above. */
    public static final TargetDescription X86_64 = new TargetDescription();
}
