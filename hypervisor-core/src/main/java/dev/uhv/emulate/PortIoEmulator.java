package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;
import dev.uhv.decoder.Register;
import dev.uhv.io.PortBus;

import java.util.Set;

/**
 * IN, OUT, INS and OUTS on the port bus (SDM Vol. 2A/2B). Above IOPL a port needs the TSS's I/O
 * permission bitmap ({@link IoPermission}). The string forms step their registers as
 * {@link StringRegisters} says, a bounded number of elements per call; OUTS reads DS:rsi, or FS:rsi
 * and GS:rsi with an override.
 */
public final class PortIoEmulator implements Emulator {
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
                int size = acc.width() / 8;
                IoPermission.check(m, port, size);
                long value = m.ports().read(port, size) & 0xffff_ffffL;
                m.regs().set(acc, value);
                m.accessLog().port(port, size, true, value);
            }
            case OUT -> {
                Register acc = ((Operand.Reg) insn.operand(1)).register();
                int port = port(insn.operand(0), m.regs());
                int size = acc.width() / 8;
                IoPermission.check(m, port, size);
                int value = (int) m.regs().get(acc);
                m.ports().write(port, size, value);
                m.accessLog().port(port, size, false, value & 0xffff_ffffL);
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

    private static Outcome string(DecodedInstruction insn, Machine m, int size, boolean in) throws GuestFault {
        RegisterFile r = m.regs();
        PortBus ports = m.ports();
        int port = (int) r.get(Register.DX);
        IoPermission.check(m, port, size);
        int pointerReg = in ? RegisterFile.GPR_RDI : RegisterFile.GPR_RSI;
        long base = in ? 0 : StringRegisters.sourceBase(insn, m);
        long stride = StringRegisters.stride(r, size);
        long count = StringRegisters.count(insn, r);
        for (int done = 0; count != 0; done++) {
            if (done == StringRegisters.ELEMENTS_PER_STEP) {
                return Outcome.RETRY;
            }
            long address = base + StringRegisters.pointer(insn, r, pointerReg);
            long value;
            if (in) {
                value = ports.read(port, size) & 0xffff_ffffL;
                m.write(address, size, value);
            } else {
                value = m.read(address, size);
                ports.write(port, size, (int) value);
            }
            m.accessLog().port(port, size, in, value);
            StringRegisters.advance(insn, r, pointerReg, stride);
            StringRegisters.setCount(insn, r, --count);
        }
        return Outcome.ADVANCE;
    }
}
