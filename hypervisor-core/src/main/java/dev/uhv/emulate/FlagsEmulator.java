package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.Rflags;
import dev.uhv.cpu.VirtualCpu;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;

import java.util.Set;

/**
 * PUSHF/PUSHFD/PUSHFQ and POPF/POPFD/POPFQ on the guest's RFLAGS, whose IF and IOPL are virtual
 * (SDM Vol. 2B, PUSHF/PUSHFD/PUSHFQ and POPF/POPFD/POPFQ). Neither faults at CPL3, so natively the
 * guest would see and set the host's IF (always 1) and IOPL (0); they reach uhv once a code scanner
 * has made them trap. The operand size is the decoder's: 64 in 64-bit mode and 32 in 32-bit code,
 * 16 with a 66h prefix. Not privileged: POPF silently keeps IF and IOPL where the CPL may not change
 * them (no #GP outside virtual-8086 mode, which uhv does not run).
 */
public final class FlagsEmulator implements Emulator {
    /**
     * The flags POPF can load at all: CF, PF, AF, ZF, SF, TF, IF, DF, OF, IOPL, NT, AC and ID. Never
     * RF (cleared), VM, VIF and VIP (unaffected in protected and long mode), the fixed bit 1 or the
     * reserved bits 3, 5, 15 and 22-63.
     */
    static final long POPF_LOADABLE = Rflags.CF | Rflags.PF | Rflags.AF | Rflags.ZF | Rflags.SF | Rflags.TF | Rflags.IF
            | Rflags.DF | Rflags.OF | Rflags.IOPL | Rflags.NT | Rflags.AC | Rflags.ID;
    /** VIF and VIP (SDM Vol. 1, 3.4.3.3). */
    private static final long VIF = 1L << 19, VIP = 1L << 20;
    /** Every flag RFLAGS defines; the rest are reserved and read as 0 (bit 1 as 1). */
    private static final long DEFINED = POPF_LOADABLE | Rflags.FIXED_1 | Rflags.RF | Rflags.VM | VIF | VIP;

    @Override
    public InstructionFamily family() {
        return InstructionFamily.FLAGS;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.PUSHF, Mnemonic.PUSHFD, Mnemonic.PUSHFQ, Mnemonic.POPF, Mnemonic.POPFD,
                Mnemonic.POPFQ);
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        int bytes = insn.operandWidth() / 8;
        GuestStack stack = GuestStack.current(m);
        switch (insn.mnemonic()) {
            case PUSHF, PUSHFD, PUSHFQ -> stack.push(bytes, pushedImage(m.cpu()));
            default -> {
                long image = stack.pop(bytes);
                VirtualCpu cpu = m.cpu();
                cpu.setGuestRflags(popped(cpu.guestRflags(), image, cpu.cpl(), cpu.iopl(), bytes));
            }
        }
        m.regs().setRsp(stack.rsp());
        return Outcome.ADVANCE;
    }

    /**
     * What PUSHF stores (its low 2, 4 or 8 bytes): the guest's RFLAGS, virtual IF and IOPL included,
     * with VM and RF cleared in the image (SDM Vol. 2B, PUSHF: "the VM and RF flags (bits 16 and 17)
     * are not copied; instead, the values for these flags are cleared").
     */
    static long pushedImage(VirtualCpu cpu) {
        return cpu.guestRflags() & DEFINED & ~(Rflags.VM | Rflags.RF);
    }

    /**
     * RFLAGS after POPF, outside virtual-8086 mode (SDM Vol. 2B, POPF, Operation): at CPL0 every
     * loadable flag, IF and IOPL included; at 0 < CPL <= IOPL not IOPL; at CPL > IOPL neither IF nor
     * IOPL. A 16-bit POPF loads bits 15:0 only. RF ends cleared, as after any instruction that
     * completes (Vol. 3A, 17.3.1.1); VM, VIF and VIP stay as they were (0 here).
     */
    static long popped(long current, long image, int cpl, int iopl, int bytes) {
        long loaded = POPF_LOADABLE;
        if (bytes == 2) {
            loaded &= 0xffff;
        }
        if (cpl > 0) {
            loaded &= ~Rflags.IOPL;
        }
        if (cpl > iopl) {
            loaded &= ~Rflags.IF;
        }
        long flags = (current & DEFINED & ~loaded) | (image & loaded);
        return (flags & ~Rflags.RF) | Rflags.FIXED_1;
    }
}
