package dev.uhv.exec;

import dev.uhv.linux.Signals;
import dev.uhv.linux.UhvNative;

import java.util.function.BooleanSupplier;

/**
 * uhv's side of the trap page's hand-off (native/src/child/trap_page.h): wait for the child's next
 * post, then answer it. Waiting polls trap_seq for a while when the two sides run on different CPUs,
 * then sleeps on it with a futex, in slices between which it asks whether the child still lives.
 * Each post is checked before anything else reads it: trap_seq must have moved by exactly one, and
 * the signal must be one the handler takes.
 */
final class TrapExchange {
    /** The signal field of a command's reply. */
    static final int REPLY = 0;
    /** What {@link #awaitPost} returns when the child ended instead of posting. */
    static final int ENDED = -1;
    /** How long uhv polls before it sleeps, when the child has a CPU of its own. */
    private static final long SPIN_NANOS = 100_000;
    /** How long one futex sleep lasts before uhv checks that the child still lives. */
    static final long SLEEP_SLICE_NANOS = 50_000_000;

    private final TrapPage page;
    private final boolean spin;
    private final long sleepSliceNanos;
    /** The trap_seq of the last post seen. */
    private int seq;

    TrapExchange(TrapPage page, boolean spin) {
        this(page, spin, SLEEP_SLICE_NANOS);
    }

    TrapExchange(TrapPage page, boolean spin, long sleepSliceNanos) {
        this.page = page;
        this.spin = spin;
        this.sleepSliceNanos = sleepSliceNanos;
        this.seq = page.trapSeq();
    }

    /**
     * Waits for the next post and checks it. Returns its signal, read once (the guest may write the
     * page), or {@link #ENDED} when childEnded says the child is gone (asked after each sleep slice
     * without a post).
     *
     * @throws TrapPageException when the post cannot be the handler's
     */
    int awaitPost(BooleanSupplier childEnded) {
        long spinUntil = spin ? System.nanoTime() + SPIN_NANOS : 0;
        int polls = 0;
        while (page.trapSeq() == seq) {
            if (spin && (++polls & 63) != 0) {
                Thread.onSpinWait();
                continue;
            }
            if (spin && System.nanoTime() < spinUntil) {
                continue;
            }
            page.setParentWaiting(true); // volatile, before the futex rechecks trap_seq: no lost wake-up
            if (page.trapSeq() == seq) {
                UhvNative.futexWait(page.trapSeqAddress(), seq, sleepSliceNanos);
            }
            page.setParentWaiting(false);
            if (page.trapSeq() == seq && childEnded.getAsBoolean()) {
                return ENDED;
            }
        }
        int posted = page.trapSeq();
        if (posted != seq + 1) {
            throw new TrapPageException("trap sequence " + Integer.toUnsignedString(seq) + " followed by "
                    + Integer.toUnsignedString(posted));
        }
        seq = posted;
        int signal = page.signal();
        if (!isPostedSignal(signal)) {
            throw new TrapPageException("signal " + signal);
        }
        return signal;
    }

    /** Answers the last post: the command, then reply_seq, then a wake-up if the child sleeps. */
    void answer(int command) {
        page.setCommand(command);
        page.setReplySeq(seq); // volatile: the read of child_waiting below cannot pass it
        if (page.childWaiting()) {
            UhvNative.futexWake(page.replySeqAddress());
        }
    }

    /** What the child's handler takes (fast.c), and a command's reply. */
    private static boolean isPostedSignal(int signal) {
        return switch (signal) {
            case REPLY, Signals.SIGSEGV, Signals.SIGILL, Signals.SIGTRAP, Signals.SIGFPE, Signals.SIGBUS,
                    Signals.SIGSYS, Signals.SIGUSR1 -> true;
            default -> false;
        };
    }
}
