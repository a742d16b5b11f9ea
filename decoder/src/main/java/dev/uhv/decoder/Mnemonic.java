package dev.uhv.decoder;

/**
 * The mnemonics uhv's emulators and reports name, spelled as Zydis spells them (upper-cased).
 * Every other instruction decodes as {@link #OTHER}; its text is still in
 * {@link DecodedInstruction#mnemonicText()}. Add a constant here to dispatch on a new instruction.
 */
public enum Mnemonic {
    // data movement that privileged code uses (mov to/from CR, DR, segment registers)
    MOV, MOVZX, MOVSX, MOVSXD, XCHG, PUSH, POP, LEA,
    // far pointer loads: a segment register and a general register from m16:16/32/64
    LDS, LES, LSS, LFS, LGS,
    // model-specific registers, identification, time
    RDMSR, WRMSR, CPUID, RDTSC, RDTSCP, RDPMC, RDPID,
    // port I/O
    IN, OUT, INSB, INSW, INSD, OUTSB, OUTSW, OUTSD,
    // system instructions
    HLT, CLI, STI, SWAPGS, LGDT, LIDT, LLDT, LTR, SGDT, SIDT, SLDT, STR, SMSW, LMSW, CLTS,
    INVLPG, INVPCID, WBINVD, INVD, XSETBV, XGETBV, MONITOR, MWAIT, PAUSE, NOP,
    // ring transitions and interrupts
    SYSCALL, SYSRET, SYSENTER, SYSEXIT, INT, INT1, INT3, INTO, IRET, IRETD, IRETQ,
    PUSHF, PUSHFD, PUSHFQ, POPF, POPFD, POPFQ,
    // hypercalls and undefined opcodes
    VMCALL, VMMCALL, UD0, UD1, UD2,
    // control transfer; Zydis has no ljmp/lcall/lret: see DecodedInstruction#isFarBranch
    JMP, CALL, RET,
    // string and arithmetic forms that touch memory (MMIO emulation); MOVSD also names SSE's movsd
    STOSB, STOSW, STOSD, STOSQ, MOVSB, MOVSW, MOVSD, MOVSQ, AND, OR, XOR, ADD, SUB, TEST, CMP,
    ADC, SBB, INC, DEC, NOT, NEG, BT,
    /** Any instruction not named above. */
    OTHER
}
