package dev.uhv.emulate;

import dev.uhv.cpu.Canonical;
import dev.uhv.cpu.ControlRegisters;
import dev.uhv.cpu.DescriptorTables;
import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.SegmentRegister;
import dev.uhv.cpu.TableRegister;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;

import java.util.Set;

/**
 * LGDT, LIDT, LLDT, LTR and their stores SGDT, SIDT, SLDT, STR, plus SMSW. A pseudo-descriptor is a
 * 2-byte limit and an 8-byte base in 64-bit mode, a 4-byte base elsewhere, of which a 16-bit operand
 * size keeps 24 bits (SDM Vol. 2A, LGDT/LIDT, SGDT); LLDT and LTR load system descriptors from the
 * guest's GDT, 16 bytes in IA-32e mode and 8 outside it (SDM Vol. 3A, 7.2.3 and 8.2.3); their faults are
 * #GP(selector) and #NP(selector) with the RPL bits cleared (SDM Vol. 2A, LLDT/LTR). The stores only
 * trap on hosts where they fault; elsewhere a later issue patches them.
 */
public final class DescriptorTableEmulator implements Emulator {
    private static final int TYPE_LDT = 0x2;
    private static final int TYPE_TSS_AVAILABLE = 0x9;
    private static final int TYPE_TSS_BUSY = 0xb;

    @Override
    public InstructionFamily family() {
        return InstructionFamily.DESCRIPTOR_TABLE;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.LGDT, Mnemonic.LIDT, Mnemonic.LLDT, Mnemonic.LTR, Mnemonic.SGDT, Mnemonic.SIDT,
                Mnemonic.SLDT, Mnemonic.STR, Mnemonic.SMSW);
    }

    /** The stores run at any CPL unless CR4.UMIP (SDM Vol. 3A, 2.5), checked in emulate. */
    @Override
    public boolean privileged(DecodedInstruction insn) {
        return !isStore(insn.mnemonic());
    }

    private static boolean isStore(Mnemonic mnemonic) {
        return mnemonic == Mnemonic.SGDT || mnemonic == Mnemonic.SIDT || mnemonic == Mnemonic.SLDT
                || mnemonic == Mnemonic.STR || mnemonic == Mnemonic.SMSW;
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        if (isStore(insn.mnemonic()) && m.cpu().cpl() > 0 && (m.cpu().cr().cr4() & ControlRegisters.CR4_UMIP) != 0) {
            throw GuestFault.gp(insn.mnemonicText() + " at CPL" + m.cpu().cpl() + " with CR4.UMIP set");
        }
        DescriptorTables t = m.cpu().tables();
        switch (insn.mnemonic()) {
            case LGDT -> {
                t.setGdtr(loadPseudoDescriptor(insn, m, "lgdt"));
                m.accessLog().table("gdtr", -1, t.gdtr().base(), t.gdtr().limit());
            }
            case LIDT -> {
                t.setIdtr(loadPseudoDescriptor(insn, m, "lidt"));
                m.accessLog().table("idtr", -1, t.idtr().base(), t.idtr().limit());
            }
            case SGDT -> storePseudoDescriptor(insn, m, t.gdtr());
            case SIDT -> storePseudoDescriptor(insn, m, t.idtr());
            case LLDT -> {
                t.setLdtr(loadLdt(m, (int) m.readOperand(insn, 0) & 0xffff));
                m.accessLog().table("ldtr", t.ldtr().selector(), t.ldtr().base(), t.ldtr().limit());
            }
            case LTR -> {
                t.setTr(loadTr(m, (int) m.readOperand(insn, 0) & 0xffff));
                m.accessLog().table("tr", t.tr().selector(), t.tr().base(), t.tr().limit());
            }
            case SLDT -> m.writeOperand(insn, 0, t.ldtr().selector());
            case STR -> m.writeOperand(insn, 0, t.tr().selector());
            default -> m.writeOperand(insn, 0, m.cpu().cr().cr0()); // SMSW
        }
        return Outcome.ADVANCE;
    }

    private static TableRegister loadPseudoDescriptor(DecodedInstruction insn, Machine m, String what) throws GuestFault {
        long address = m.effectiveAddress((Operand.Mem) insn.operand(0), insn.length(), insn.addressWidth());
        int limit = (int) m.read(address, 2);
        boolean code64 = m.cpu().codeBits() == 64;
        long base = m.read(address + 2, code64 ? 8 : 4) & baseMask(insn, code64);
        if (!Canonical.isCanonical(base)) {
            throw GuestFault.gp(String.format("%s with non-canonical base 0x%x", what, base));
        }
        return new TableRegister(base, limit);
    }

    private static void storePseudoDescriptor(DecodedInstruction insn, Machine m, TableRegister value) throws GuestFault {
        long address = m.effectiveAddress((Operand.Mem) insn.operand(0), insn.length(), insn.addressWidth());
        boolean code64 = m.cpu().codeBits() == 64;
        m.write(address, 2, value.limit());
        m.write(address + 2, code64 ? 8 : 4, value.base() & baseMask(insn, code64));
    }

    private static long baseMask(DecodedInstruction insn, boolean code64) {
        return code64 ? -1L : insn.operandWidth() == 16 ? 0xff_ffffL : 0xffff_ffffL;
    }

    private static SegmentRegister loadLdt(Machine m, int selector) throws GuestFault {
        if ((selector & ~3) == 0) {
            return SegmentRegister.NULL; // a null selector marks the LDT invalid; not a fault
        }
        SystemDescriptor d = readSystemDescriptor(m, selector, "lldt");
        if (d.type() != TYPE_LDT) {
            throw GuestFault.gp(selector & ~3, String.format("lldt 0x%x: descriptor type 0x%x is not an LDT", selector,
                    d.type()));
        }
        return new SegmentRegister(selector, d.base(), d.limit(), d.type());
    }

    private static SegmentRegister loadTr(Machine m, int selector) throws GuestFault {
        if ((selector & ~3) == 0) {
            throw GuestFault.gp("ltr with a null selector");
        }
        SystemDescriptor d = readSystemDescriptor(m, selector, "ltr");
        if (d.type() != TYPE_TSS_AVAILABLE) {
            throw GuestFault.gp(selector & ~3, String.format("ltr 0x%x: descriptor type 0x%x is not an available TSS",
                    selector, d.type()));
        }
        // LTR marks the TSS busy in the GDT (SDM Vol. 2A, LTR).
        long typeByte = d.address() + 5;
        m.write(typeByte, 1, (m.read(typeByte, 1) & ~0xfL) | TYPE_TSS_BUSY);
        return new SegmentRegister(selector, d.base(), d.limit(), TYPE_TSS_BUSY);
    }

    private static SystemDescriptor readSystemDescriptor(Machine m, int selector, String what) throws GuestFault {
        if ((selector & 4) != 0) {
            throw GuestFault.gp(selector & ~3, String.format("%s 0x%x: selector points into the LDT", what, selector));
        }
        TableRegister gdtr = m.cpu().tables().gdtr();
        int offset = selector & ~7;
        boolean ia32e = m.cpu().msrs().longModeActive();
        if (offset + (ia32e ? 15 : 7) > gdtr.limit()) {
            throw GuestFault.gp(selector & ~3, String.format("%s 0x%x: beyond the GDT limit 0x%x", what, selector,
                    gdtr.limit()));
        }
        long address = gdtr.base() + offset;
        long low = m.read(address, 8);
        long high = ia32e ? m.read(address + 8, 8) : 0;
        if ((low & (1L << 44)) != 0) {
            throw GuestFault.gp(selector & ~3, String.format("%s 0x%x: not a system descriptor", what, selector));
        }
        if ((low & (1L << 47)) == 0) {
            throw GuestFault.np(selector & ~3, String.format("%s 0x%x: descriptor not present", what, selector));
        }
        long base = ((low >>> 16) & 0xff_ffffL) | (((low >>> 56) & 0xff) << 24) | ((high & 0xffff_ffffL) << 32);
        if (!Canonical.isCanonical(base)) {
            throw GuestFault.gp(selector & ~3, String.format("%s 0x%x: descriptor base 0x%x is not canonical", what,
                    selector, base));
        }
        long limit = (low & 0xffff) | (((low >>> 48) & 0xf) << 16);
        if ((low & (1L << 55)) != 0) {
            limit = (limit << 12) | 0xfff;
        }
        return new SystemDescriptor(address, (int) (low >>> 40) & 0xf, base, limit);
    }

    /** A system descriptor as read from the GDT (16 bytes in IA-32e mode, else 8). */
    private record SystemDescriptor(long address, int type, long base, long limit) {
    }
}
