package dev.uhv.vga;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Keeps a terminal showing the guest's text screen while it runs: a thread of its own reads the
 * screen every period and, when it changed, writes what changed ({@link AnsiScreenRenderer#update})
 * into the terminal's alternate screen. {@link #close()} stops the thread, draws nothing more and
 * gives the terminal its normal screen back; the caller prints the final screen after that, where
 * it stays.
 *
 * <p>The screen is read from guest RAM: close this before guest RAM is unmapped.
 */
public final class LiveScreen implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveScreen.class);
    /** How long close() waits for a frame being written (a terminal that stopped reading). */
    private static final long STOP_WAIT_MILLIS = 2000;

    private final Supplier<TextScreen> source;
    private final OutputStream terminal;
    private final long periodMillis;
    private final Thread thread;
    private volatile boolean stopping;
    private boolean started, closed;

    /**
     * @param source   reads the screen (from the drawing thread)
     * @param terminal where the escape sequences go (UTF-8)
     * @param period   how often the screen is read
     */
    public LiveScreen(Supplier<TextScreen> source, OutputStream terminal, Duration period) {
        this.source = source;
        this.terminal = terminal;
        this.periodMillis = Math.max(1, period.toMillis());
        this.thread = new Thread(this::draw, "uhv-vga");
        thread.setDaemon(true);
    }

    /** Switches the terminal to its alternate screen and starts drawing. */
    public synchronized void start() throws IOException {
        write(AnsiScreenRenderer.ENTER_ALTERNATE_SCREEN);
        started = true;
        thread.start();
    }

    private void draw() {
        TextScreen shown = null;
        try {
            while (!stopping) {
                TextScreen now = source.get();
                String frame = AnsiScreenRenderer.update(shown, now);
                if (!frame.isEmpty()) {
                    write(frame);
                }
                shown = now;
                Thread.sleep(periodMillis);
            }
        } catch (InterruptedException e) {
            // close() asked to stop
        } catch (IOException | RuntimeException e) {
            // The run goes on without the live screen; the final screen is still printed at exit.
            log.debug("the live VGA screen stopped drawing", e);
        }
    }

    private void write(String text) throws IOException {
        terminal.write(text.getBytes(StandardCharsets.UTF_8));
        terminal.flush();
    }

    /** Stops drawing and leaves the alternate screen. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (!started || closed) {
            return;
        }
        closed = true;
        stopping = true;
        thread.interrupt();
        try {
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        write(AnsiScreenRenderer.LEAVE_ALTERNATE_SCREEN);
    }
}
