package dev.uhv.exec;

import dev.uhv.cpu.RegisterFile;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fast transport's trap page as uhv sees it: plain loads and stores on a buffer mapped over the
 * page uhv-child's signal handler shares (native/src/child/trap_page.h has the layout and the
 * protocol). The futex words are read and written with volatile semantics; everything else is
 * read only after trap_seq says a post is complete. The guest can write this page too, so callers
 * treat what they read as untrusted.
 */
final class TrapPage {
    static final int SIZE = 4096;
    static final int MAGIC = 0x46564855, VERSION = 1;
    static final int COMMAND_RESUME = 1, COMMAND_MPROTECT = 2;

    private static final int MAGIC_OFFSET = 0, VERSION_OFFSET = 4, TRAP_SEQ = 8, REPLY_SEQ = 12,
            PARENT_WAITING = 16, CHILD_WAITING = 20, SIGNAL = 24, CODE = 28, ADDRESS = 32, COMMAND = 40,
            ACTIVE = 44, ARGS = 48, RESULT = 72, SPIN_LIMIT = 80, REGS = 128;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final ByteBuffer page;
    private final long address;
    private final RegisterFile onPage;

    /** @param page a buffer over the mapped page; address: where it is mapped in uhv (for futex calls) */
    TrapPage(ByteBuffer page, long address) {
        if (page.capacity() < SIZE || !page.isDirect()) {
            throw new IllegalArgumentException("a trap page is a direct buffer of " + SIZE + " bytes");
        }
        this.page = page.order(ByteOrder.nativeOrder());
        this.address = address;
        this.onPage = new RegisterFile(this.page.slice(REGS, RegisterFile.SIZE));
    }

    int magic() {
        return (int) INT.getVolatile(page, MAGIC_OFFSET);
    }

    int version() {
        return page.getInt(VERSION_OFFSET);
    }

    int trapSeq() {
        return (int) INT.getVolatile(page, TRAP_SEQ);
    }

    long trapSeqAddress() {
        return address + TRAP_SEQ;
    }

    void setReplySeq(int seq) {
        INT.setVolatile(page, REPLY_SEQ, seq);
    }

    long replySeqAddress() {
        return address + REPLY_SEQ;
    }

    void setParentWaiting(boolean waiting) {
        INT.setVolatile(page, PARENT_WAITING, waiting ? 1 : 0);
    }

    boolean childWaiting() {
        return (int) INT.getVolatile(page, CHILD_WAITING) != 0;
    }

    /** The signal of the last post, or 0 for a command's reply. */
    int signal() {
        return page.getInt(SIGNAL);
    }

    int code() {
        return page.getInt(CODE);
    }

    long address() {
        return page.getLong(ADDRESS);
    }

    void setCommand(int command) {
        page.putInt(COMMAND, command);
    }

    int active() {
        return page.getInt(ACTIVE);
    }

    void setArguments(long a0, long a1, long a2) {
        page.putLong(ARGS, a0);
        page.putLong(ARGS + 8, a1);
        page.putLong(ARGS + 16, a2);
    }

    long result() {
        return page.getLong(RESULT);
    }

    void setSpinLimit(int polls) {
        page.putInt(SPIN_LIMIT, polls);
    }

    /** The registers of the last post into regs: one bulk copy. */
    void copyRegistersTo(ByteBuffer regs) {
        regs.put(0, page, REGS, RegisterFile.SIZE);
    }

    /**
     * regs into the page, for the child to return to the guest with: only the registers that differ,
     * so that a trap that changed rip alone moves one cache line back to the child's CPU, not four.
     */
    void copyRegistersFrom(ByteBuffer regs) {
        for (int offset = 0; offset < RegisterFile.SIZE; offset += Long.BYTES) {
            long value = regs.getLong(offset);
            if (page.getLong(REGS + offset) != value) {
                page.putLong(REGS + offset, value);
            }
        }
    }

    /** The registers on the page in place (for a change of one field there). */
    RegisterFile registers() {
        return onPage;
    }
}
