package dev.uhv.emulate;

import dev.uhv.cpu.Canonical;
import dev.uhv.cpu.GuestFault;

/**
 * The guest's stack as an emulated pop or push sees it: a private stack pointer that starts at rsp,
 * so an instruction can pop (or push) all it needs, check what it popped, and only then store
 * {@link #rsp()}; a fault on the way leaves the guest's rsp as it was. Outside 64-bit code the stack
 * is taken as a flat 32-bit one (SS.B = 1, base 0): uhv runs such code on the host's flat segments.
 */
final class GuestStack {
    private final Machine m;
    private final boolean longMode;
    private long rsp;

    /** A stack at rsp, 64-bit in 64-bit code and 32-bit otherwise. */
    GuestStack(Machine m, boolean longMode, long rsp) {
        this.m = m;
        this.longMode = longMode;
        this.rsp = mask(longMode, rsp);
    }

    /** The stack the current instruction uses. */
    static GuestStack current(Machine m) {
        return new GuestStack(m, m.cpu().codeBits() == 64, m.regs().rsp());
    }

    /** rsp as a stack of that width wraps it. */
    static long mask(boolean longMode, long rsp) {
        return longMode ? rsp : rsp & 0xffff_ffffL;
    }

    /** Reads bytes (2, 4 or 8) at the stack pointer, zero-extended, and moves past them. */
    long pop(int bytes) throws GuestFault {
        long value = m.read(address(rsp, bytes), bytes);
        rsp = mask(longMode, rsp + bytes);
        return value;
    }

    /** Moves the stack pointer down by bytes and writes value there (its low bytes). */
    void push(int bytes, long value) throws GuestFault {
        long below = mask(longMode, rsp - bytes);
        m.write(address(below, bytes), bytes, value);
        rsp = below;
    }

    /** Drops bytes from the top of the stack (ret imm16's parameters). */
    void release(long bytes) {
        rsp = mask(longMode, rsp + bytes);
    }

    /** The stack pointer after the pops and pushes so far: what the instruction stores in rsp. */
    long rsp() {
        return rsp;
    }

    // A stack access at a non-canonical address is #SS(0), not #GP(0) (SDM Vol. 3A, 6.15, interrupt 12).
    private long address(long at, int bytes) throws GuestFault {
        if (longMode && !(Canonical.isCanonical(at) && Canonical.isCanonical(at + bytes - 1))) {
            throw GuestFault.ss(0, String.format("stack access at non-canonical 0x%x", at));
        }
        return at;
    }
}
