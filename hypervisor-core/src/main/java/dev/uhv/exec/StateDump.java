package dev.uhv.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.TableRegister;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.emulate.InstructionFamily;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine state at exit, as written by --dump-state: values as "0x..." strings so that 64-bit
 * numbers survive every JSON reader.
 */
public record StateDump(String exitReason, String detail, int exitStatus, Map<String, String> registers,
                        Map<String, String> controlRegisters, Map<String, String> msrs,
                        Map<String, String> debugRegisters, Table gdtr, Table idtr, Segment ldtr, Segment tr,
                        String xcr0, boolean interruptFlag, int cpl, long traps,
                        Map<String, Long> trapsByFamily, double runTimeSeconds) {

    /** GDTR or IDTR. */
    public record Table(String base, String limit) {
    }

    /** LDTR or TR. */
    public record Segment(String selector, String base, String limit) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static StateDump of(VirtualCpu cpu, RunResult result) {
        RegisterFile r = cpu.regs();
        Map<String, String> regs = new LinkedHashMap<>();
        for (int i = 0; i < 16; i++) {
            regs.put(RegisterFile.gprName(i), hex(r.gpr(i)));
        }
        regs.put("rip", hex(r.rip()));
        regs.put("rflags", hex(cpu.guestRflags()));
        regs.put("fs_base", hex(cpu.msrs().fsBase()));
        regs.put("gs_base", hex(cpu.msrs().gsBase()));
        Map<String, String> crs = new LinkedHashMap<>();
        crs.put("cr0", hex(cpu.cr().cr0()));
        crs.put("cr2", hex(cpu.cr().cr2()));
        crs.put("cr3", hex(cpu.cr().cr3()));
        crs.put("cr4", hex(cpu.cr().cr4()));
        crs.put("cr8", hex(cpu.cr().cr8()));
        crs.put("efer", hex(cpu.msrs().efer()));
        Map<String, String> msrs = new LinkedHashMap<>();
        cpu.msrs().snapshot().forEach((name, value) -> msrs.put(name, hex(value)));
        Map<String, String> drs = new LinkedHashMap<>();
        long[] dr = cpu.dr().snapshot();
        for (int i : new int[] {0, 1, 2, 3, 6, 7}) {
            drs.put("dr" + i, hex(dr[i]));
        }
        Map<String, Long> families = new LinkedHashMap<>();
        for (Map.Entry<InstructionFamily, Long> e : result.trapsByFamily().entrySet()) {
            families.put(e.getKey().name().toLowerCase(), e.getValue());
        }
        return new StateDump(result.label(), result.detail(), result.exitStatus(), regs, crs, msrs, drs,
                table(cpu.tables().gdtr()), table(cpu.tables().idtr()), segment(cpu.tables().ldtr()),
                segment(cpu.tables().tr()), hex(cpu.xcr0()), cpu.interruptFlag(), cpu.cpl(), result.traps(), families,
                result.seconds());
    }

    /** Writes the dump and a newline; leaves out open (it may be stdout). */
    public void writeJson(OutputStream out) throws IOException {
        out.write((toJson() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
    }

    public String toJson() throws IOException {
        return JSON.writeValueAsString(this);
    }

    public static StateDump readJson(String json) throws IOException {
        return JSON.readValue(json, StateDump.class);
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private static Table table(TableRegister t) {
        return new Table(hex(t.base()), hex(t.limit()));
    }

    private static Segment segment(SegmentRegister s) {
        return new Segment(hex(s.selector()), hex(s.base()), hex(s.limit()));
    }
}
