package dev.uhv.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.uhv.cpu.ExceptionHistory;
import dev.uhv.cpu.ExceptionRecord;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.IdtGate;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.TableRegister;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.Register;
import dev.uhv.emulate.GuestTables;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.io.PostCodePort;
import dev.uhv.memory.GuestMemory;
import dev.uhv.paging.PagingMode;
import dev.uhv.scan.CodePages;
import dev.uhv.scan.PatchReport;
import dev.uhv.scan.ScanStatistics;
import dev.uhv.scan.SensitiveMode;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine state at exit, as written by --dump-state: values as "0x..." strings so that 64-bit
 * numbers survive every JSON reader. postCode is the last byte written to port 0x80, or null;
 * sensitive is null when the run never started.
 */
public record StateDump(String exitReason, String detail, int exitStatus, Map<String, String> registers,
                        Map<String, String> controlRegisters, Map<String, String> msrs,
                        Map<String, String> debugRegisters, Table gdtr, Table idtr, Segment ldtr, Segment tr,
                        String xcr0, boolean interruptFlag, int cpl, int codeBits, Map<String, String> segments,
                        List<Gate> idt, List<RaisedException> exceptions, Code code, long traps,
                        Long instructions, Map<String, Long> trapsByFamily, double runTimeSeconds, String postCode,
                        Sensitive sensitive) {

    /**
     * How the sensitive instructions that do not fault were seen (--sensitive): mode as given, how
     * cpuid and the others were intercepted ("fault": hardware CPUID faulting, "patch": the code
     * scanner, "native": not at all), what the scanner did, and every site it patched.
     */
    public record Sensitive(String mode, String cpuid, String others, long pagesScanned, long rescans,
                            long invalidations, long instructionsDecoded, double scanSeconds, List<Patch> patches) {

        static Sensitive of(SensitiveMode mode, boolean cpuidFaulting, CodePages pages) {
            String cpuid = mode.requestsCpuidFaulting() && cpuidFaulting ? "fault"
                    : mode.patchesCpuid(cpuidFaulting) ? "patch" : "native";
            String others = mode.scans() ? "patch" : "native";
            if (pages == null) {
                return new Sensitive(mode.label(), cpuid, others, 0, 0, 0, 0, 0, List.of());
            }
            ScanStatistics st = pages.statistics();
            List<Patch> patches = new ArrayList<>();
            for (PatchReport p : pages.patches()) {
                patches.add(new Patch(hex(p.address()), p.length(), p.instruction(), p.traps(), p.active()));
            }
            return new Sensitive(mode.label(), cpuid, others, st.pagesScanned(), st.rescans(), st.invalidations(),
                    st.instructionsDecoded(), st.scanSeconds(), patches);
        }
    }

    /** A patched sensitive instruction: active is false once a write took the patch out. */
    public record Patch(String address, int length, String instruction, long traps, boolean active) {
    }

    /** A present gate of the guest's IDT, decoded. */
    public record Gate(int vector, String type, String selector, String offset, int dpl, int ist) {
    }

    /** One exception the virtual CPU raised (the last {@value ExceptionHistory#SIZE}, oldest first). */
    public record RaisedException(String vector, String errorCode, String rip, int cpl, String faultAddress,
                            String outcome) {
    }

    /** Guest RAM around rip at exit: bytes from address, rip at offset ripOffset. */
    public record Code(String address, int ripOffset, String bytes) {
    }

    /** Bytes of code shown before rip. */
    private static final int CODE_BEFORE = 16, CODE_AFTER = 16;

    /** GDTR or IDTR. */
    public record Table(String base, String limit) {
    }

    /** LDTR or TR. */
    public record Segment(String selector, String base, String limit) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** @param postCode the last POST code, or {@link PostCodePort#NONE} */
    public static StateDump of(VirtualCpu cpu, GuestMemory ram, RunResult result, int postCode, Sensitive sensitive) {
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
        crs.put("paging", PagingMode.of(cpu.cr().cr0(), cpu.cr().cr4(), cpu.msrs().efer()).text());
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
        Map<String, String> segments = new LinkedHashMap<>();
        for (Register seg : new Register[] {Register.CS, Register.SS, Register.DS, Register.ES, Register.FS,
            Register.GS}) {
            segments.put(seg.name().toLowerCase(), hex(cpu.selector(seg)));
        }
        List<RaisedException> exceptions = new ArrayList<>();
        for (ExceptionRecord x : cpu.exceptions().last()) {
            exceptions.add(new RaisedException(GuestFault.vectorName(x.vector()), x.errorCode() < 0 ? null : hex(x.errorCode()),
                    hex(x.rip()), x.cpl(), x.vector() == GuestFault.PF ? hex(x.faultAddress()) : null, x.outcome()));
        }
        return new StateDump(result.label(), result.detail(), result.exitStatus(), regs, crs, msrs, drs,
                table(cpu.tables().gdtr()), table(cpu.tables().idtr()), segment(cpu.tables().ldtr()),
                segment(cpu.tables().tr()), hex(cpu.xcr0()), cpu.interruptFlag(), cpu.cpl(), cpu.codeBits(), segments,
                idt(cpu.tables().idtr(), ram), exceptions, code(r.rip(), ram), result.traps(),
                result.instructions() == RunResult.NOT_COUNTED ? null : result.instructions(), families,
                result.seconds(), postCode == PostCodePort.NONE ? null : hex(postCode), sensitive);
    }

    /** The present gates of the IDT, as far as it lies in guest RAM. */
    private static List<Gate> idt(TableRegister idtr, GuestMemory ram) {
        List<Gate> gates = new ArrayList<>();
        for (GuestTables.Gate entry : GuestTables.presentGates(idtr, ram, IdtGate.SIZE)) {
            IdtGate g = entry.gate();
            gates.add(new Gate(entry.vector(), g.typeName(), hex(g.selector()), hex(g.offset()), g.dpl(), g.ist()));
        }
        return gates;
    }

    private static Code code(long rip, GuestMemory ram) {
        long start = Math.max(0, rip - CODE_BEFORE);
        StringBuilder b = new StringBuilder();
        long first = -1;
        for (long a = start; a < rip + CODE_AFTER; a++) {
            if (a >= 0 && ram.contains(a, 1)) {
                if (first < 0) {
                    first = a;
                }
                b.append(b.length() == 0 ? "" : " ").append(String.format("%02x", ram.readU8(a)));
            } else if (first >= 0) {
                break;
            }
        }
        return first < 0 ? null : new Code(hex(first), (int) (rip - first), b.toString());
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
