package dev.uhv.exec;

import dev.uhv.cpu.RegisterFile;
import dev.uhv.cpu.Rflags;
import dev.uhv.linux.Mman;
import dev.uhv.linux.Signals;
import dev.uhv.linux.UhvNative;
import dev.uhv.linux.Wait;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Moves traps without ptrace stops: uhv-child's own signal handler posts each trap's registers on a
 * shared {@link TrapPage} and waits; this side reads them with plain memory access, and answers by
 * writing registers back and bumping a sequence word. Both sides spin briefly and then sleep on a
 * futex, so a trap costs about a signal delivery plus a cache-line hand-off when the child and the
 * vCPU thread run on two CPUs, and a futex wake-up when they share one.
 *
 * <p>The child is not traced: containment is its seccomp wall alone, which turns the guest's system
 * calls into SIGSYS for the handler and allows nothing else but the handler's own futex, mprotect and
 * rt_sigreturn, from their instructions. The page is writable by the guest, so each post is checked
 * (its sequence number, the signal, the selectors' privilege level) and a bad one ends the run with
 * {@link TrapPageException}. Per trap: no native call while spinning, one bulk copy of the
 * registers in and the changed ones back, no allocation.
 */
public final class FastTransport implements Transport {
    /** uhv-child's flag for this transport. */
    static final int FLAG_FAST = 8;
    /** The child's polls before it sleeps (about 50-200 us of PAUSE), when it has a CPU of its own. */
    private static final int CHILD_SPIN_POLLS = 4000;
    /**
     * How long a poke may go unanswered before uhv kills the child: a guest can block SIGUSR1 (by a
     * sigreturn of its own making through the handler's restorer) or stop posting, and a timeout or
     * Ctrl-C must still end the run.
     */
    private static final long POKE_GRACE_NANOS = 1_000_000_000;
    /** si_code of a SIGSYS from seccomp's RET_TRAP (a SIGSYS sent by kill() is no system call). */
    private static final int SYS_SECCOMP = 1;

    private final ByteBuffer regsBuffer = ByteBuffer.allocateDirect(RegisterFile.SIZE).order(ByteOrder.nativeOrder());
    private final RegisterFile regs = new RegisterFile(regsBuffer);
    private final int[] status = new int[1];
    private final BooleanSupplier childEnded = this::childEnded; // built once: no allocation per trap
    private final boolean spin;
    private TrapPage page;
    private TrapExchange exchange;
    private long pageAddress;
    /** The thread that started the child: the only one that reads the page, so the only one to unmap it. */
    private Thread owner;
    private volatile int pid = -1;
    private volatile boolean reaped;
    /** When the first unanswered poke was sent (System.nanoTime), or 0. */
    private volatile long pokedAt;
    private int lastSignal, lastCode, lastExitCode, activeFeatures;
    private long lastAddress;

    /**
     * @param spin whether to poll before sleeping: only when the child and the vCPU thread are pinned
     *             to different CPUs (on one CPU, polling would only take time from the other side)
     */
    public FastTransport(boolean spin) {
        this.spin = spin;
    }

    /** Why a host without {@link #supported()} cannot run the fast transport. */
    public static final String UNSUPPORTED = "this host lacks FSGSBASE for user code (Linux 5.9+ on a CPU with it), "
            + "which the fast transport's signal handler needs";

    /** Whether this host can run the fast transport: the handler needs rdfsbase/wrfsbase. */
    public static boolean supported() {
        return UhvNative.hasFsGsBase();
    }

    @Override
    public void start(Path childExecutable, int memfd, long mapAddress, long mapLength, long fileOffset, int cpu,
                      int flags) throws ChildSetupException {
        owner = Thread.currentThread();
        if (!supported()) {
            throw new ChildSetupException(UNSUPPORTED + "; use --transport ptrace");
        }
        int pageFd = Mman.memfdCreate("uhv-trap-page", 0);
        try {
            Mman.ftruncate(pageFd, TrapPage.SIZE);
            pageAddress = Mman.mmap(0, TrapPage.SIZE, Mman.PROT_READ | Mman.PROT_WRITE, Mman.MAP_SHARED, pageFd, 0);
            page = new TrapPage(Mman.buffer(pageAddress, TrapPage.SIZE), pageAddress);
            page.setSpinLimit(spin ? CHILD_SPIN_POLLS : 0);
            exchange = new TrapExchange(page, spin);
            pid = UhvNative.spawnChild(childExecutable.toString(), memfd, mapAddress, mapLength, fileOffset, cpu,
                    flags | FLAG_FAST, pageFd);
        } finally {
            Mman.close(pageFd); // the mappings keep the page
        }
        StopKind first = awaitPost();
        if (first == StopKind.EXITED) {
            throw ChildSetupException.fromExitCode(lastExitCode);
        }
        if (first == StopKind.KILLED) {
            throw new ChildSetupException("the guest process was killed by " + Signals.name(lastSignal)
                    + " before it was ready");
        }
        if (page.magic() != TrapPage.MAGIC || page.version() != TrapPage.VERSION || lastSignal != Signals.SIGILL) {
            close();
            throw new ChildSetupException("the guest process did not hand over its first trap as expected "
                    + "(a uhv-child of another version?)");
        }
        activeFeatures = page.active();
        loadRegisters();
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
        page.copyRegistersTo(regsBuffer);
        // The kernel always reports user selectors; anything else was written by the guest.
        if ((regs.cs() & 3) != 3 || (regs.ss() & 3) != 3) {
            throw new TrapPageException(String.format("selectors cs 0x%x ss 0x%x", regs.cs(), regs.ss()));
        }
    }

    @Override
    public void storeRegisters() {
        page.copyRegistersFrom(regsBuffer);
    }

    @Override
    public StopKind resume() {
        if (pokedAt != 0) {
            // A poke sent while uhv held the child (a trap, gdb's stop) could not be answered: its
            // grace counts from now, when the child can.
            pokedAt = System.nanoTime() | 1;
        }
        exchange.answer(TrapPage.COMMAND_RESUME);
        return awaitPost();
    }

    /**
     * With TF set for the guest's next instruction (the signal frame's flags, restored by
     * sigreturn): one instruction, then a #DB the handler posts as SIGTRAP (TRAP_TRACE). TF is then
     * cleared again on the page, unless the guest had set it itself.
     */
    @Override
    public StopKind singleStep(boolean loadsFlags) {
        RegisterFile onPage = page.registers();
        boolean guestTf = (onPage.rflags() & Rflags.TF) != 0;
        onPage.setRflags(onPage.rflags() | Rflags.TF);
        StopKind stop = resume();
        // A popf or iret that completed left TF as it loaded it: the guest's.
        boolean loadedTf = loadsFlags && stepCompleted(stop);
        if (!guestTf && !loadedTf && (stop == StopKind.SIGNAL || stop == StopKind.SYSCALL)) {
            onPage.setRflags(onPage.rflags() & ~Rflags.TF);
        }
        return stop;
    }

    /** Asks the handler, waiting on the page, to make the mprotect call; the trap's fields stay. */
    @Override
    public void protect(long address, long length, int prot) {
        int signal = lastSignal, code = lastCode;
        long faultAddress = lastAddress;
        page.setArguments(address, length, prot);
        exchange.answer(TrapPage.COMMAND_MPROTECT);
        StopKind reply = awaitPost();
        if (reply == StopKind.EXITED || reply == StopKind.KILLED) {
            throw new GuestProcessException(String.format("the guest process ended during mprotect(0x%x, 0x%x, %d)"
                    + " (%s)", address, length, prot, reply == StopKind.KILLED ? "killed by " + Signals.name(lastSignal)
                    : "exit status " + lastExitCode));
        }
        if (lastSignal != TrapExchange.REPLY) {
            throw new TrapPageException("a post of signal " + lastSignal + " in place of mprotect's reply");
        }
        long ret = page.result();
        lastSignal = signal;
        lastCode = code;
        lastAddress = faultAddress;
        if (ret != 0) {
            throw new IllegalStateException(String.format("mprotect(0x%x, 0x%x, %d) in the guest process failed: "
                    + "errno %d", address, length, prot, -ret));
        }
    }

    /** The child's next post, into the last* fields; its end (EXITED, KILLED) when it ended instead. */
    private StopKind awaitPost() {
        int signal = exchange.awaitPost(childEnded);
        if (signal == TrapExchange.ENDED) {
            return lastSignal == 0 ? StopKind.EXITED : StopKind.KILLED;
        }
        if (signal == Signals.SIGUSR1) {
            pokedAt = 0; // the poke arrived
        }
        lastSignal = signal;
        lastCode = page.code();
        lastAddress = page.address();
        return signal == Signals.SIGSYS && lastCode == SYS_SECCOMP ? StopKind.SYSCALL : StopKind.SIGNAL;
    }

    /**
     * Reaps the child if it has ended: lastSignal is then its killing signal, or 0 with lastExitCode.
     * A child that let a poke go unanswered for POKE_GRACE_NANOS is killed first.
     */
    private boolean childEnded() {
        long poked = pokedAt;
        if (poked != 0 && System.nanoTime() - poked > POKE_GRACE_NANOS) {
            Signals.killIfPresent(pid, Signals.SIGKILL);
            Wait.waitpid(pid, status, 0);
        } else if (reaped || Wait.waitpid(pid, status, Wait.WNOHANG) == 0) {
            return false;
        }
        reaped = true;
        int st = status[0];
        if (Wait.exited(st)) {
            lastSignal = 0;
            lastExitCode = Wait.exitCode(st);
        } else {
            lastSignal = Wait.termSignal(st);
        }
        return true;
    }

    @Override
    public int lastSignal() {
        return lastSignal;
    }

    @Override
    public int lastExitCode() {
        return lastExitCode;
    }

    @Override
    public int code() {
        return lastCode;
    }

    @Override
    public long address() {
        return lastAddress;
    }

    /** SIGUSR1, which the child's handler posts as a stop of its own; a child that ignores it is killed. */
    @Override
    public void poke() {
        if (pokedAt == 0) {
            pokedAt = System.nanoTime() | 1; // never 0
        }
        Transport.super.poke();
    }

    @Override
    public int livePid() {
        int p = pid;
        return p > 0 && !reaped ? p : -1;
    }

    /** Kills and reaps the child, once; safe to call again, from any thread. */
    @Override
    public synchronized void close() {
        int p = livePid();
        if (p > 0) {
            Signals.killIfPresent(p, Signals.SIGKILL);
            Wait.waitpid(p, status, 0);
            reaped = true;
        }
        // Only the thread that reads the page unmaps it: a close() from another thread (uhv interrupted
        // while the vCPU thread still runs) must not pull the page from under it.
        if (pageAddress != 0 && (owner == null || owner == Thread.currentThread())) {
            Mman.munmap(pageAddress, TrapPage.SIZE);
            pageAddress = 0;
        }
    }
}
