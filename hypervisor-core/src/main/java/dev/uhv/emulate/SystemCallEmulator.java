package dev.uhv.emulate;

import dev.uhv.cpu.GuestFault;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.decoder.DecodedInstruction;
import dev.uhv.decoder.Mnemonic;
import dev.uhv.decoder.Operand;

import java.util.Set;

/**
 * SYSCALL, SYSENTER and INT 0x80: a guest's attempt to make a host system call. The child is run
 * under PTRACE_SYSEMU and behind a seccomp wall, so none reaches the host; until the guest's own
 * LSTAR handler is wired up (a later issue), the attempt ends the run and names the call.
 */
public final class SystemCallEmulator implements Emulator {

    @Override
    public InstructionFamily family() {
        return InstructionFamily.SYSTEM_CALL;
    }

    @Override
    public Set<Mnemonic> mnemonics() {
        return Set.of(Mnemonic.SYSCALL, Mnemonic.SYSENTER, Mnemonic.INT);
    }

    @Override
    public boolean accepts(DecodedInstruction insn) {
        return insn.mnemonic() != Mnemonic.INT
                || (insn.operand(0) instanceof Operand.Imm imm && (imm.value() & 0xff) == 0x80);
    }

    @Override
    public Outcome emulate(DecodedInstruction insn, Machine m) throws GuestFault {
        RegisterFile r = m.regs();
        long nr = r.gpr(RegisterFile.GPR_RAX);
        // int 0x80 and sysenter are the i386 system call ABI (Linux serves sysenter as a 32-bit call).
        boolean i386Abi = insn.mnemonic() != Mnemonic.SYSCALL;
        String name = i386Abi ? i386Name(nr) : x86_64Name(nr);
        String text = insn.mnemonic() == Mnemonic.INT ? "int 0x80" : insn.mnemonicText();
        return Outcome.stop(ExitReason.GUEST_SYSCALL, String.format(
                "%s with rax=%d%s at 0x%x: uhv never passes guest system calls to the host", text, nr,
                name.isEmpty() ? "" : " (" + name + ")", r.rip()));
    }

    private static String x86_64Name(long nr) {
        return switch ((int) nr) {
            case 0 -> "read";
            case 1 -> "write";
            case 9 -> "mmap";
            case 39 -> "getpid";
            case 57 -> "fork";
            case 59 -> "execve";
            case 60 -> "exit";
            case 62 -> "kill";
            case 231 -> "exit_group";
            default -> "";
        };
    }

    private static String i386Name(long nr) {
        return switch ((int) nr) {
            case 1 -> "exit";
            case 3 -> "read";
            case 4 -> "write";
            case 11 -> "execve";
            case 252 -> "exit_group";
            default -> "";
        };
    }
}
