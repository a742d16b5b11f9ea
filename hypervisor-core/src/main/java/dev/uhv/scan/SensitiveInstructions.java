package dev.uhv.scan;

import dev.uhv.decoder.InstructionFlow;

/**
 * Which instructions behave differently at CPL0 than at the host's CPL3 without faulting there
 * (HOST.md): they read state the guest owns (its CPUID model, GDTR/IDTR/LDTR/TR, CR0, virtual IF
 * and IOPL, its selectors) but get the host's. SDM Vol. 3A, 2.8 lists the descriptor-table stores;
 * POPF ignores IF and IOPL at CPL3 (Vol. 2B, POPF).
 */
public final class SensitiveInstructions {
    private final boolean cpuid;

    /** cpuid counts only where the hardware cannot make it fault. */
    public SensitiveInstructions(boolean includeCpuid) {
        this.cpuid = includeCpuid;
    }

    public boolean includesCpuid() {
        return cpuid;
    }

    /** mov r/m, Sreg (8C) and push Sreg count: the selector the guest loaded, which the host's replaced. */
    public boolean isSensitive(InstructionFlow insn) {
        return switch (insn.mnemonic()) {
            case CPUID -> cpuid;
            case PUSHF, PUSHFD, PUSHFQ, POPF, POPFD, POPFQ, SGDT, SIDT, SLDT, STR, SMSW -> true;
            default -> insn.has(InstructionFlow.SEGMENT_READ);
        };
    }
}
