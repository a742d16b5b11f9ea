package dev.uhv.cpu;

import dev.uhv.decoder.Register;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The registers the hardware holds for the guest, laid out as Linux's struct user_regs_struct so the
 * ptrace transport moves them with one PTRACE_GETREGS / PTRACE_SETREGS into the same buffer. Plain
 * Java over a buffer: tests use a heap buffer. Sub-register writes follow SDM Vol. 1, 3.4.1.1: a
 * 32-bit write zero-extends to 64 bits, 8- and 16-bit writes leave the other bits alone.
 */
public final class RegisterFile {
    public static final int SIZE = 27 * 8;

    private static final int R15 = 0, R14 = 8, R13 = 16, R12 = 24, RBP = 32, RBX = 40, R11 = 48, R10 = 56,
            R9 = 64, R8 = 72, RAX = 80, RCX = 88, RDX = 96, RSI = 104, RDI = 112, ORIG_RAX = 120, RIP = 128,
            CS = 136, EFLAGS = 144, RSP = 152, SS = 160, FS_BASE = 168, GS_BASE = 176, DS = 184, ES = 192,
            FS = 200, GS = 208;

    /** Offsets of GPRs by architectural number (RAX=0 ... R15=15). */
    private static final int[] GPR_OFFSET = {RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12,
        R13, R14, R15};
    private static final String[] GPR_NAME = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8",
        "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
    /** Offsets of segment selectors in ES, CS, SS, DS, FS, GS order. */
    private static final int[] SEG_OFFSET = {ES, CS, SS, DS, FS, GS};

    public static final int GPR_RAX = 0, GPR_RCX = 1, GPR_RDX = 2, GPR_RBX = 3, GPR_RSP = 4, GPR_RBP = 5,
            GPR_RSI = 6, GPR_RDI = 7;

    private final ByteBuffer buf;
    /** Whether a write changed a register since {@link #resetChanged()}. */
    private boolean changed;

    public RegisterFile(ByteBuffer buffer) {
        if (buffer.capacity() < SIZE) {
            throw new IllegalArgumentException("register buffer of " + buffer.capacity() + " bytes");
        }
        this.buf = buffer.order(ByteOrder.nativeOrder());
    }

    /** A heap-backed register file for tests and tools. */
    public static RegisterFile allocate() {
        return new RegisterFile(ByteBuffer.allocate(SIZE));
    }

    /**
     * Whether some register got a new value since {@link #resetChanged()}: the run loop resets it
     * when it loads or stores the registers, and gives them back to the guest only when they changed.
     */
    public boolean changed() {
        return changed;
    }

    public void resetChanged() {
        changed = false;
    }

    private void put(int offset, long value) {
        if (buf.getLong(offset) != value) {
            buf.putLong(offset, value);
            changed = true;
        }
    }

    public long gpr(int number) {
        return buf.getLong(GPR_OFFSET[number]);
    }

    public void setGpr(int number, long value) {
        put(GPR_OFFSET[number], value);
    }

    public static String gprName(int number) {
        return GPR_NAME[number];
    }

    /** Reads a GPR, segment selector or rip by its decoder name, at its width, zero-extended. */
    public long get(Register reg) {
        return switch (reg.kind()) {
            case GPR -> {
                long full = gpr(reg.index());
                if (reg.isHighByte()) {
                    yield (full >>> 8) & 0xff;
                }
                yield reg.width() == 64 ? full : full & ((1L << reg.width()) - 1);
            }
            case SEGMENT -> buf.getLong(SEG_OFFSET[reg.index()]) & 0xffff;
            case IP -> rip();
            default -> throw new IllegalArgumentException("not a register file register: " + reg);
        };
    }

    /** Writes a GPR by its decoder name with the architectural sub-register rules. */
    public void set(Register reg, long value) {
        if (reg.kind() != Register.Kind.GPR) {
            throw new IllegalArgumentException("not a general-purpose register: " + reg);
        }
        int n = reg.index();
        long old = gpr(n);
        long updated = switch (reg.width()) {
            case 64 -> value;
            case 32 -> value & 0xffff_ffffL;
            case 16 -> (old & ~0xffffL) | (value & 0xffff);
            case 8 -> reg.isHighByte() ? (old & ~0xff00L) | ((value & 0xff) << 8) : (old & ~0xffL) | (value & 0xff);
            default -> throw new IllegalArgumentException("width " + reg.width());
        };
        setGpr(n, updated);
    }

    public long rip() {
        return buf.getLong(RIP);
    }

    public void setRip(long value) {
        put(RIP, value);
    }

    public long rflags() {
        return buf.getLong(EFLAGS);
    }

    public void setRflags(long value) {
        put(EFLAGS, value);
    }

    public long rsp() {
        return buf.getLong(RSP);
    }

    public void setRsp(long value) {
        put(RSP, value);
    }

    public long fsBase() {
        return buf.getLong(FS_BASE);
    }

    public void setFsBase(long value) {
        put(FS_BASE, value);
    }

    public long gsBase() {
        return buf.getLong(GS_BASE);
    }

    public void setGsBase(long value) {
        put(GS_BASE, value);
    }

    /** orig_rax: the system call number at a syscall stop; -1 tells the kernel "no syscall to restart". */
    public long origRax() {
        return buf.getLong(ORIG_RAX);
    }

    public void setOrigRax(long value) {
        put(ORIG_RAX, value);
    }

    public int cs() {
        return (int) buf.getLong(CS) & 0xffff;
    }

    public int ss() {
        return (int) buf.getLong(SS) & 0xffff;
    }

    /** The host's CS selector the child runs with (0x33 for 64-bit code, 0x23 for compat mode). */
    public void setCs(int selector) {
        put(CS, selector);
    }

    public void setSs(int selector) {
        put(SS, selector);
    }

    /**
     * The host's DS, ES, FS and GS: a process starts with null ones, which 64-bit code ignores but a
     * data access from compatibility mode turns into #GP, so 32-bit guests need a flat data selector
     * there. FS and GS keep the bases set through {@link #setFsBase}/{@link #setGsBase}: with
     * FSGSBASE the kernel loads the selector, then writes the saved base over the descriptor's.
     */
    public void setDataSegments(int selector) {
        put(DS, selector);
        put(ES, selector);
        put(FS, selector);
        put(GS, selector);
    }

    /** rdx:rax as one 64-bit value (rdmsr/wrmsr, xsetbv). */
    public long edxEax() {
        return (gpr(GPR_RDX) << 32) | (gpr(GPR_RAX) & 0xffff_ffffL);
    }

    /** Writes edx:eax, zero-extending both halves to 64 bits as rdmsr does. */
    public void setEdxEax(long value) {
        setGpr(GPR_RAX, value & 0xffff_ffffL);
        setGpr(GPR_RDX, value >>> 32);
    }

    public long ecx() {
        return gpr(GPR_RCX) & 0xffff_ffffL;
    }

    /** Copies all registers from another file (the initial state). */
    public void copyFrom(RegisterFile other) {
        for (int off = 0; off < SIZE; off += 8) {
            put(off, other.buf.getLong(off));
        }
    }
}
