package dev.uhv.bench;

import dev.uhv.cpu.RegisterFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Register marshalling on a trap: a {@link RegisterFile} over a direct buffer in the layout of
 * struct user_regs_struct (27 longs, 216 bytes), as the transports hold it. Reading the registers a
 * trap looks at, writing those an rdmsr-like emulation changes, and moving the whole 216 bytes
 * between two direct buffers, what a transport that shares a page with the child copies per trap
 * (as one bulk copy, and as {@link RegisterFile#copyFrom}'s 27 longs).
 */
public class RegisterBench extends UhvBenchmark {
    private ByteBuffer shared;
    private ByteBuffer local;
    private RegisterFile sharedRegs;
    private RegisterFile regs;

    @Setup
    public void setUp() {
        shared = ByteBuffer.allocateDirect(RegisterFile.SIZE).order(ByteOrder.nativeOrder());
        local = ByteBuffer.allocateDirect(RegisterFile.SIZE).order(ByteOrder.nativeOrder());
        sharedRegs = new RegisterFile(shared);
        regs = new RegisterFile(local);
        for (int i = 0; i < 16; i++) {
            sharedRegs.setGpr(i, 0x1111_1111L * (i + 1));
        }
        sharedRegs.setRip(0x10_0000);
        sharedRegs.setRflags(0x202);
        regs.copyFrom(sharedRegs);
    }

    /** What a trap reads before it decodes and emulates: rip, rflags, cs, ss, rax, rcx, rdx. */
    @Benchmark
    public void readTrapRegisters(Blackhole bh) {
        bh.consume(regs.rip());
        bh.consume(regs.rflags());
        bh.consume(regs.cs());
        bh.consume(regs.ss());
        bh.consume(regs.gpr(RegisterFile.GPR_RAX));
        bh.consume(regs.gpr(RegisterFile.GPR_RCX));
        bh.consume(regs.gpr(RegisterFile.GPR_RDX));
    }

    /** What an rdmsr leaves: edx:eax, and rip past the instruction. */
    @Benchmark
    public void writeTrapRegisters(Blackhole bh) {
        long rip = regs.rip();
        regs.setEdxEax(rip);
        regs.setRip(rip);
        bh.consume(regs);
    }

    /** 216 bytes from the shared buffer to uhv's, in one bulk copy. */
    @Benchmark
    public void bulkCopy(Blackhole bh) {
        local.put(0, shared, 0, RegisterFile.SIZE);
        bh.consume(local);
    }

    /** The same 216 bytes through {@link RegisterFile#copyFrom}, 27 longs. */
    @Benchmark
    public void copyFromRegisterFile(Blackhole bh) {
        regs.copyFrom(sharedRegs);
        bh.consume(regs);
    }
}
