package dev.uhv.exec;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.linux.Mman;
import dev.uhv.linux.Ptrace;
import dev.uhv.linux.Signals;
import dev.uhv.linux.UhvNative;
import dev.uhv.linux.Wait;

import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Moves traps between the child and uhv with ptrace: resume with PTRACE_SYSEMU, wait, read and write
 * registers. Knows nothing of instructions. Every method but {@link #poke()} must be called from the
 * thread that called {@link #start}: that thread is the tracer. Per trap: one waitpid, one
 * GETREGS, one SETREGS, one SYSEMU, and no allocation.
 */
public final class PtraceTransport implements Transport {
    /** SIGTRAP | 0x80: a system-call stop under PTRACE_O_TRACESYSGOOD. */
    private static final int SYSCALL_STOP = Signals.SIGTRAP | 0x80;
    private static final int SI_CODE_OFFSET = 8, SI_ADDR_OFFSET = 16;

    private final Memory regsMemory = new Memory(Ptrace.USER_REGS_SIZE);
    private final long regsAddress = Pointer.nativeValue(regsMemory);
    private final RegisterFile regs = registerFile(regsMemory);
    /** The child's own registers at its first stop: the base of every call to uhv_child_mprotect. */
    private final Memory stubRegsMemory = new Memory(Ptrace.USER_REGS_SIZE);
    private final long stubRegsAddress = Pointer.nativeValue(stubRegsMemory);
    private final RegisterFile stubRegs = registerFile(stubRegsMemory);
    private long mprotectStub;
    private final Memory siginfo = new Memory(Ptrace.SIGINFO_SIZE);
    private final int[] status = new int[1];
    private volatile int pid = -1;
    /** Set as soon as the child is reaped: its pid may then belong to another process, never poked. */
    private volatile boolean reaped;
    private boolean siginfoLoaded;
    private int lastSignal;
    private int lastExitCode;
    private int activeFeatures;

    @Override
    public void start(Path childExecutable, int memfd, long mapAddress, long mapLength, long fileOffset, int cpu,
                      int flags) throws ChildSetupException {
        pid = UhvNative.spawnChild(childExecutable.toString(), memfd, mapAddress, mapLength, fileOffset, cpu, flags,
                -1);
        Wait.waitpid(pid, status, 0);
        int st = status[0];
        if (Wait.exited(st)) {
            reaped = true;
            throw ChildSetupException.fromExitCode(Wait.exitCode(st));
        }
        if (Wait.signaled(st)) {
            reaped = true;
            throw new ChildSetupException("the guest process was killed by " + Signals.name(Wait.termSignal(st))
                    + " before it was ready");
        }
        if (!Wait.stopped(st) || Wait.stopSignal(st) != Signals.SIGSTOP) {
            close();
            throw new ChildSetupException("the guest process did not stop as expected (wait status 0x"
                    + Integer.toHexString(st) + ")");
        }
        Ptrace.setOptions(pid, Ptrace.PTRACE_O_EXITKILL | Ptrace.PTRACE_O_TRACESYSGOOD);
        loadRegisters();
        activeFeatures = (int) regs.gpr(12); // uhv-child reports what faulting it got in r12
        mprotectStub = regs.gpr(13); // and where its uhv_child_mprotect is
        stubRegsMemory.write(0, regsMemory.getByteArray(0, Ptrace.USER_REGS_SIZE), 0, Ptrace.USER_REGS_SIZE);
    }

    /** A register file over a struct user_regs_struct in native memory. */
    private static RegisterFile registerFile(Memory userRegs) {
        return new RegisterFile(userRegs.getByteBuffer(0, Ptrace.USER_REGS_SIZE).order(ByteOrder.nativeOrder()));
    }

    public int pid() {
        return pid;
    }

    @Override
    public int activeFeatures() {
        return activeFeatures;
    }

    @Override
    public RegisterFile registers() {
        return regs;
    }

    @Override
    public void loadRegisters() {
        Ptrace.getRegs(pid, regsAddress);
    }

    @Override
    public void storeRegisters() {
        Ptrace.setRegs(pid, regsAddress);
    }

    @Override
    public StopKind resume() {
        Ptrace.sysemu(pid, 0);
        siginfoLoaded = false;
        return waitForStop();
    }

    private StopKind waitForStop() {
        Wait.waitpid(pid, status, 0);
        int st = status[0];
        if (Wait.stopped(st)) {
            lastSignal = Wait.stopSignal(st);
            return lastSignal == SYSCALL_STOP ? StopKind.SYSCALL : StopKind.SIGNAL;
        }
        reaped = true;
        if (Wait.exited(st)) {
            lastExitCode = Wait.exitCode(st);
            return StopKind.EXITED;
        }
        lastSignal = Wait.termSignal(st);
        return StopKind.KILLED;
    }

    /** PTRACE_SYSEMU_SINGLESTEP: system calls are still emulated. */
    @Override
    public StopKind singleStep(boolean loadsFlags) {
        boolean guestTf = (regs.rflags() & Rflags.TF) != 0;
        Ptrace.sysemuSingleStep(pid, 0);
        siginfoLoaded = false;
        StopKind stop = waitForStop();
        boolean loadedTf = loadsFlags && stepCompleted(stop);
        if (!guestTf && !loadedTf && (stop == StopKind.SIGNAL || stop == StopKind.SYSCALL)) {
            hideStepFlag();
        }
        return stop;
    }

    /**
     * The kernel means to hide the TF it sets for a step, but not when the stepped instruction is
     * popf or iret (is_setting_trap_flag, arch/x86/kernel/step.c), and from then on its bookkeeping
     * (TIF_FORCED_TF) takes the TF of every further step for the guest's own: the TF left in the
     * registers is the step's, unless a popf or iret completed and loaded it. The guest's was clear,
     * so it goes, or the guest would run on into endless #DBs.
     */
    private void hideStepFlag() {
        long flags = Ptrace.peekUser(pid, Ptrace.USER_EFLAGS_OFFSET);
        if ((flags & Rflags.TF) != 0) {
            Ptrace.pokeUser(pid, Ptrace.USER_EFLAGS_OFFSET, flags & ~Rflags.TF);
        }
    }

    /**
     * From the child's uhv_child_mprotect: rip there with the arguments in rdi, rsi, rdx, resumed with
     * PTRACE_CONT so that its syscall runs, until the int3 after it. The guest's registers are put back
     * at once, from {@link #registers()}: load them first after a stop.
     */
    @Override
    public void protect(long address, long length, int prot) {
        stubRegs.setRip(mprotectStub);
        stubRegs.setGpr(RegisterFile.GPR_RAX, Mman.SYS_MPROTECT);
        stubRegs.setGpr(RegisterFile.GPR_RDI, address);
        stubRegs.setGpr(RegisterFile.GPR_RSI, length);
        stubRegs.setGpr(RegisterFile.GPR_RDX, prot);
        stubRegs.setOrigRax(-1); // no system call to restart
        Ptrace.setRegs(pid, stubRegsAddress);
        Ptrace.cont(pid, 0);
        StopKind stop = waitForStop();
        while (stop == StopKind.SIGNAL && lastSignal == Signals.SIGUSR1) {
            Ptrace.cont(pid, 0); // uhv's own poke (a timeout, Ctrl-C): the run loop sees its request next
            stop = waitForStop();
        }
        if (stop != StopKind.SIGNAL || lastSignal != Signals.SIGTRAP) {
            throw new IllegalStateException(String.format("the guest process did not come back from mprotect(0x%x, "
                    + "0x%x, %d): %s %s", address, length, prot, stop, Signals.name(lastSignal)));
        }
        Ptrace.getRegs(pid, stubRegsAddress);
        long ret = stubRegs.gpr(RegisterFile.GPR_RAX);
        Ptrace.setRegs(pid, regsAddress);
        if (ret != 0) {
            throw new IllegalStateException(String.format("mprotect(0x%x, 0x%x, %d) in the guest process failed: "
                    + "errno %d", address, length, prot, -ret));
        }
    }

    @Override
    public int lastSignal() {
        return lastSignal;
    }

    @Override
    public int lastExitCode() {
        return lastExitCode;
    }

    /** si_code of the last signal stop (SI_KERNEL for a #GP, SEGV_MAPERR for a page fault...). */
    @Override
    public int code() {
        loadSigInfo();
        return siginfo.getInt(SI_CODE_OFFSET);
    }

    /** si_addr of the last signal stop: the faulting address of a page fault. */
    @Override
    public long address() {
        loadSigInfo();
        return siginfo.getLong(SI_ADDR_OFFSET);
    }

    private void loadSigInfo() {
        if (!siginfoLoaded) {
            Ptrace.getSigInfo(pid, Pointer.nativeValue(siginfo));
            siginfoLoaded = true;
        }
    }

    @Override
    public int livePid() {
        int p = pid;
        return p > 0 && !reaped ? p : -1;
    }

    /** Kills and reaps the child, once; safe to call again. */
    @Override
    public void close() {
        int p = livePid();
        if (p > 0) {
            Signals.killIfPresent(p, Signals.SIGKILL);
            do {
                Wait.waitpid(p, status, 0);
            } while (Wait.stopped(status[0]));
            reaped = true;
        }
    }
}
