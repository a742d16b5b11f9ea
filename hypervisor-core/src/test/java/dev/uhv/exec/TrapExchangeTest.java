package dev.uhv.exec;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.uhv.linux.Signals;
import dev.uhv.linux.UhvNative;
import org.junit.jupiter.api.Test;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * uhv's side of the trap page's protocol, against a thread that plays uhv-child's handler by the
 * offsets of native/src/child/trap_page.h (so a change of layout on one side fails here), and against
 * a page a guest scribbled on.
 */
class TrapExchangeTest {
    private static final int TRAP_SEQ = 8, REPLY_SEQ = 12, PARENT_WAITING = 16, SIGNAL = 24, CODE = 28,
            ADDRESS = 32, COMMAND = 40, REGS = 128, RIP = REGS + 128;

    private final ByteBuffer raw = ByteBuffer.allocateDirect(TrapPage.SIZE).order(ByteOrder.nativeOrder());
    private final long address = Pointer.nativeValue(Native.getDirectBufferPointer(raw));
    private final TrapPage page = new TrapPage(raw, address);

    /** What the handler does: fill the post, then one more on trap_seq, and a wake-up if uhv sleeps. */
    private void post(int signal, int code, long faultAddress, long rip) {
        raw.putInt(SIGNAL, signal);
        raw.putInt(CODE, code);
        raw.putLong(ADDRESS, faultAddress);
        raw.putLong(RIP, rip);
        VarHandle.releaseFence();
        raw.putInt(TRAP_SEQ, raw.getInt(TRAP_SEQ) + 1);
        VarHandle.fullFence(); // the store of trap_seq before the load of parent_waiting, as in fast.c
        if (raw.getInt(PARENT_WAITING) != 0) {
            UhvNative.futexWake(address + TRAP_SEQ);
        }
    }

    @Test
    void aPostIsReadAndAnswered() throws Exception {
        TrapExchange exchange = new TrapExchange(page, true);
        post(Signals.SIGSEGV, SignalInfo.SI_KERNEL, 0x1234, 0x100000);
        assertEquals(Signals.SIGSEGV, exchange.awaitPost(() -> false));
        assertEquals(SignalInfo.SI_KERNEL, page.code());
        assertEquals(0x1234, page.address());
        ByteBuffer regs = ByteBuffer.allocateDirect(dev.uhv.cpu.RegisterFile.SIZE).order(ByteOrder.nativeOrder());
        page.copyRegistersTo(regs);
        assertEquals(0x100000, new dev.uhv.cpu.RegisterFile(regs).rip());

        exchange.answer(TrapPage.COMMAND_RESUME);
        assertEquals(1, raw.getInt(REPLY_SEQ), "reply_seq meets the child's trap_seq");
        assertEquals(TrapPage.COMMAND_RESUME, raw.getInt(COMMAND));
    }

    @Test
    void aSleepingUhvIsWokenByThePost() throws Exception {
        // No polling, and sleep slices far longer than the test: only the futex wake can end the wait.
        TrapExchange exchange = new TrapExchange(page, false, TimeUnit.SECONDS.toNanos(60));
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> exchange.awaitPost(() -> false));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (raw.getInt(PARENT_WAITING) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(1, raw.getInt(PARENT_WAITING), "uhv announced its sleep");
        Thread.sleep(50);
        assertFalse(waiting.isDone(), "no post yet");
        post(Signals.SIGSYS, 1, 0, 0x100002);
        assertEquals(Signals.SIGSYS, waiting.get(5, TimeUnit.SECONDS), "woken by the post, long before its slice ends");
    }

    @Test
    void betweenSleepSlicesUhvAsksWhetherTheChildLives() {
        TrapExchange exchange = new TrapExchange(page, false, TimeUnit.MILLISECONDS.toNanos(5));
        AtomicInteger asked = new AtomicInteger();
        assertEquals(TrapExchange.ENDED, exchange.awaitPost(() -> asked.incrementAndGet() == 3));
        assertEquals(3, asked.get());
    }

    @Test
    void aSkippedSequenceNumberIsCorruption() {
        TrapExchange exchange = new TrapExchange(page, true);
        raw.putInt(TRAP_SEQ, 2);
        TrapPageException e = assertThrows(TrapPageException.class, () -> exchange.awaitPost(() -> false));
        assertTrue(e.getMessage().contains("trap sequence 0 followed by 2"), e.getMessage());
    }

    @Test
    void aSignalTheHandlerNeverTakesIsCorruption() {
        TrapExchange exchange = new TrapExchange(page, true);
        post(Signals.SIGKILL, 0, 0, 0);
        TrapPageException e = assertThrows(TrapPageException.class, () -> exchange.awaitPost(() -> false));
        assertTrue(e.getMessage().startsWith("the trap page shared with the guest process is corrupt (signal 9)"),
                e.getMessage());
    }
}
