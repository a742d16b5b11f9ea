package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;
import dev.uhv.io.PortBus;

import java.util.Set;

/**
 * IN, OUT, INS and OUTS on the port bus (SDM Vol. 2A/2B). Above IOPL a port needs the TSS's I/O
 * permission bitmap ({@link IoPermission}). A REP string instruction moves up to {@link #ELEMENTS_PER_TRAP} elements per trap
 * (then rip stays and it traps again, as KVM does, so a huge count cannot hold off a timeout); rcx,
 * rsi and rdi are updated as each element completes, so a #PF part way leaves the state the SDM
 * describes for a restart.
 * OUTS reads from DS:rsi with segment base 0: the FS/GS override prefixes are not honoured yet.
 */
public final class PortIoEmulator implements Emulator {
    /** Elements of one REP string done per trap: a 4 KiB page of bytes, few enough to stay responsive. */
    static final int ELEMENTS_PER_TRAP = 4096;

    @Override
    public InstructionFamily family() {
        return InstructionFamily.PORT_IO;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.IN, Mnemonic.OUT, Mnemonic.INSB, Mnemonic.INSW, Mnemonic.INSD, Mnemonic.OUTSB,
                Mnemonic.OUTSW, Mnemonic.OUTSD);
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        switch (insn.mnemonic()) {
            case IN -> {
                Register acc = ((Operand.Reg) insn.operand(0)).register();
                int port = port(insn.operand(1), m.regs());
                IoPermission.check(m, port, acc.width() / 8);
                m.regs().set(acc, m.ports().read(port, acc.width() / 8) & 0xffff_ffffL);
            }
            case OUT -> {
                Register acc = ((Operand.Reg) insn.operand(1)).register();
                int port = port(insn.operand(0), m.regs());
                IoPermission.check(m, port, acc.width() / 8);
                m.ports().write(port, acc.width() / 8, (int) m.regs().get(acc));
            }
            case INSB -> {
                return string(insn, m, 1, true);
            }
            case INSW -> {
                return string(insn, m, 2, true);
            }
            case INSD -> {
                return string(insn, m, 4, true);
            }
            case OUTSB -> {
                return string(insn, m, 1, false);
            }
            case OUTSW -> {
                return string(insn, m, 2, false);
            }
            default -> {
                return string(insn, m, 4, false);
            }
        }
        return Outcome.ADVANCE;
    }

    private static int port(Operand op, RegisterFile regs) {
        if (op instanceof Operand.Imm imm) {
            return (int) imm.value() & 0xff;
        }
        return (int) regs.get(Register.DX);
    }

    /**
     * A write of rsi/rdi/rcx at the address size: 32-bit writes zero-extend to 64 bits, 16-bit writes
     * keep bits 63:16 (SDM Vol. 1, 3.4.1.1).
     */
    private static long truncate(long old, long value, int addressWidth) {
        return switch (addressWidth) {
            case 64 -> value;
            case 32 -> value & 0xffff_ffffL;
            default -> (old & ~0xffffL) | (value & 0xffff);
        };
    }

    private static Outcome string(DecodedInstruction insn, Machine m, int size, boolean in) throws GuestFault {
        RegisterFile r = m.regs();
        PortBus ports = m.ports();
        long mask = Machine.addressMask(insn.addressWidth());
        int port = (int) r.get(Register.DX);
        IoPermission.check(m, port, size);
        int pointerReg = in ? RegisterFile.GPR_RDI : RegisterFile.GPR_RSI;
        long step = (r.rflags() & Rflags.DF) != 0 ? -size : size;
        boolean rep = insn.has(DecodedInstruction.PREFIX_REP);
        long count = rep ? r.gpr(RegisterFile.GPR_RCX) & mask : 1;
        for (int done = 0; count != 0; done++) {
            if (done == ELEMENTS_PER_TRAP) {
                return Outcome.RETRY;
            }
            long pointer = r.gpr(pointerReg);
            long address = pointer & mask;
            if (in) {
                m.write(address, size, ports.read(port, size));
            } else {
                ports.write(port, size, (int) m.read(address, size));
            }
            r.setGpr(pointerReg, truncate(pointer, pointer + step, insn.addressWidth()));
            count--;
            if (rep) {
                r.setGpr(RegisterFile.GPR_RCX, truncate(r.gpr(RegisterFile.GPR_RCX), count, insn.addressWidth()));
            }
        }
        return Outcome.ADVANCE;
    }
}
