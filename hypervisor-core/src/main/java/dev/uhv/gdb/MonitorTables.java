package dev.uhv.gdb;

import dev.uhv.cpu.CpuidModel;
import dev.uhv.cpu.CpuidResult;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.IdtGate;
import dev.uhv.cpu.Msr;
import dev.uhv.cpu.MsrFile;
import dev.uhv.cpu.SegmentDescriptor;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.TableRegister;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.Register;
import dev.uhv.emulate.GuestDescriptors;
import dev.uhv.emulate.GuestTables;
import dev.uhv.emulate.InstructionFamily;
import dev.uhv.emulate.Machine;
import dev.uhv.paging.PagingMode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables of gdb's `monitor info ...`, as text for a person (in the spirit of QEMU's `info
 * registers`): plain functions of the virtual CPU and guest memory, each line ended by "\n".
 */
public final class MonitorTables {
    private static final Register[] SEGMENTS = {Register.ES, Register.CS, Register.SS, Register.DS, Register.FS,
        Register.GS};
    private static final String[] GPR_LABELS = {"RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP", "R8 ", "R9 ",
        "R10", "R11", "R12", "R13", "R14", "R15"};
    private static final int[] GPR_NUMBERS = {0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15};
    /** Leaves with subleaves the model answers differently (SDM Vol. 2A, CPUID): the first two of each. */
    private static final int[] SUBLEAF_LEAVES = {0x4, 0x7, 0xb, 0xd};

    private MonitorTables() {
    }

    /** General registers, rip, RFLAGS, the segments with their descriptors, the table registers, CPL. */
    public static String registers(Machine m) {
        VirtualCpu cpu = m.cpu();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            out.append(String.format("%s=%016x", GPR_LABELS[i], cpu.regs().gpr(GPR_NUMBERS[i])))
                    .append(i % 4 == 3 ? "\n" : " ");
        }
        long rflags = cpu.guestRflags();
        out.append(String.format("RIP=%016x RFL=%08x [%s] IOPL=%d CPL=%d %d-bit code%n", cpu.regs().rip(), rflags,
                TargetDescription.setBits(rflags, TargetDescription.EFLAGS_BITS), cpu.iopl(), cpu.cpl(),
                cpu.codeBits()));
        for (Register seg : SEGMENTS) {
            out.append(String.format("%-3s=%04x %s%n", seg.name(), cpu.selector(seg), segment(m, seg)));
        }
        out.append(String.format("FS_BASE=%016x GS_BASE=%016x KERNEL_GS_BASE=%016x%n", cpu.msrs().fsBase(),
                cpu.msrs().gsBase(), cpu.msrs().kernelGsBase()));
        out.append(String.format("GDT=     %016x %08x%n", cpu.tables().gdtr().base(), cpu.tables().gdtr().limit()));
        out.append(String.format("IDT=     %016x %08x%n", cpu.tables().idtr().base(), cpu.tables().idtr().limit()));
        out.append(systemSegment("LDT", cpu.tables().ldtr())).append(systemSegment("TR ", cpu.tables().tr()));
        return out.toString();
    }

    /** A segment register's hidden part, from the descriptor its selector names now. */
    private static String segment(Machine m, Register seg) {
        int selector = m.cpu().selector(seg);
        if ((selector & ~3) == 0) {
            return "null";
        }
        try {
            SegmentDescriptor d = GuestDescriptors.read(m, selector, 0);
            long base = seg == Register.FS || seg == Register.GS ? m.segmentBase(seg) : d.base();
            return String.format("%016x %08x %s", base, d.limit(), describe(d));
        } catch (GuestFault e) {
            return "(no descriptor: " + e.getMessage() + ")";
        }
    }

    private static String systemSegment(String label, SegmentRegister s) {
        return String.format("%s=%04x %016x %08x%n", label, s.selector(), s.base(), s.limit());
    }

    /** "code 64-bit DPL0 P", "data rw DPL0 P", "TSS (available) DPL0 P". */
    static String describe(SegmentDescriptor d) {
        String kind;
        if (d.isCode()) {
            kind = "code " + d.codeBits() + "-bit" + (d.isConforming() ? " conforming" : "")
                    + (d.isReadable() ? " r" : "");
        } else if (d.isData()) {
            kind = "data " + (d.isWritableData() ? "rw" : "ro");
        } else {
            kind = switch (d.type()) {
                case 0x2 -> "LDT";
                case 0x9, 0x1 -> "TSS (available)";
                case 0xb, 0x3 -> "TSS (busy)";
                case 0xc -> "call gate";
                case 0xe -> "interrupt gate";
                case 0xf -> "trap gate";
                default -> String.format("system type 0x%x", d.type());
            };
        }
        return String.format("%s DPL%d%s", kind, d.dpl(), d.present() ? " P" : " not present");
    }

    /** CR0, CR2, CR3, CR4, CR8 and EFER with their bits by name, and the paging mode they select. */
    public static String controlRegisters(VirtualCpu cpu) {
        long cr0 = cpu.cr().cr0(), cr4 = cpu.cr().cr4(), efer = cpu.msrs().efer();
        return String.format("CR0  %016x  %s%n", cr0, TargetDescription.setBits(cr0, TargetDescription.CR0_BITS))
                + String.format("CR2  %016x%n", cpu.cr().cr2())
                + String.format("CR3  %016x%n", cpu.cr().cr3())
                + String.format("CR4  %016x  %s%n", cr4, TargetDescription.setBits(cr4, TargetDescription.CR4_BITS))
                + String.format("CR8  %016x%n", cpu.cr().cr8())
                + String.format("EFER %016x  %s%n", efer, TargetDescription.setBits(efer, TargetDescription.EFER_BITS))
                + "paging: " + PagingMode.of(cr0, cr4, efer).text() + "\n";
    }

    /** Every MSR the model keeps, by index, with its value. */
    public static String msrs(MsrFile msrs) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Long> e : msrs.snapshot().entrySet()) {
            out.append(String.format("%-18s 0x%08x  %016x%n", e.getKey(), Msr.valueOf(e.getKey()).index(),
                    e.getValue()));
        }
        return out.toString();
    }

    /** The GDT's entries, decoded; uhv's boot GDT while the guest has loaded none. */
    public static String gdt(VirtualCpu cpu, Machine m) {
        TableRegister gdtr = cpu.tables().gdtr();
        if (gdtr.base() == 0 && gdtr.limit() == 0) {
            return "no GDT loaded: selectors resolve against uhv's boot GDT (0x08 flat ring-0 code, 0x10 flat "
                    + "ring-0 data)\n";
        }
        StringBuilder out = new StringBuilder(String.format("GDT at %016x, limit %04x%n", gdtr.base(), gdtr.limit()));
        for (GuestTables.Entry e : GuestTables.gdtEntries(gdtr, m.memory(), cpu.msrs().longModeActive())) {
            out.append(String.format("%04x  base %016x  limit %08x  %s%n", e.selector(), e.base(),
                    e.descriptor().limit(), describe(e.descriptor())));
        }
        return out.toString();
    }

    /** The IDT's present gates, decoded. */
    public static String idt(VirtualCpu cpu, Machine m) {
        TableRegister idtr = cpu.tables().idtr();
        if (idtr.limit() == 0) {
            return "no IDT loaded: the first exception ends the run\n";
        }
        boolean ia32e = cpu.msrs().longModeActive();
        StringBuilder out = new StringBuilder(String.format("IDT at %016x, limit %04x%n", idtr.base(), idtr.limit()));
        for (GuestTables.Gate g : GuestTables.presentGates(idtr, m.memory(), ia32e ? IdtGate.SIZE : IdtGate.SIZE_32)) {
            IdtGate gate = g.gate();
            out.append(String.format("%02x %-6s %-9s %04x:%016x DPL%d IST%d%n", g.vector(),
                    g.vector() < 32 ? GuestFault.vectorName(g.vector()) : "", gate.typeName(), gate.selector(),
                    gate.offset(), gate.dpl(), gate.ist()));
        }
        return out.toString();
    }

    /** The CPUID leaves the guest sees, for its CR4 and APIC_BASE now. */
    public static String cpuid(VirtualCpu cpu) {
        CpuidModel model = cpu.cpuid();
        long cr4 = cpu.cr().cr4(), apic = cpu.msrs().apicBase();
        StringBuilder out = new StringBuilder("leaf     sub  eax      ebx      ecx      edx\n");
        for (int base : new int[] {0, CpuidModel.HYPERVISOR_BASE, CpuidModel.EXTENDED_BASE}) {
            int max = model.query(base, 0, cr4, apic).eax();
            for (long leaf = base & 0xffff_ffffL; leaf <= (max & 0xffff_ffffL) && leaf < (base & 0xffff_ffffL) + 0x100;
                 leaf++) {
                int subleaves = isSubleafLeaf((int) leaf) ? 2 : 1;
                for (int sub = 0; sub < subleaves; sub++) {
                    CpuidResult r = model.query((int) leaf, sub, cr4, apic);
                    out.append(String.format("%08x %3d  %08x %08x %08x %08x%n", leaf, sub, r.eax(), r.ebx(), r.ecx(),
                            r.edx()));
                }
            }
        }
        return out.toString();
    }

    private static boolean isSubleafLeaf(int leaf) {
        for (int l : SUBLEAF_LEAVES) {
            if (l == leaf) {
                return true;
            }
        }
        return false;
    }

    /** Traps by instruction family, most first, and their total. */
    public static String traps(Map<InstructionFamily, Long> byFamily) {
        List<Map.Entry<InstructionFamily, Long>> rows = new ArrayList<>(byFamily.entrySet());
        rows.sort(Map.Entry.<InstructionFamily, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        StringBuilder out = new StringBuilder();
        long total = 0;
        for (Map.Entry<InstructionFamily, Long> e : rows) {
            out.append(String.format("%-18s %d%n", e.getKey().name().toLowerCase(Locale.ROOT), e.getValue()));
            total += e.getValue();
        }
        return out.append(String.format("%-18s %d%n", "total", total)).toString();
    }
}
