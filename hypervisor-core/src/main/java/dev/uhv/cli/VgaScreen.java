package dev.uhv.cli;

import dev.uhv.exec.Vm;
import dev.uhv.linux.HostSystem;
import dev.uhv.vga.AnsiScreenRenderer;
import dev.uhv.vga.LiveScreen;
import dev.uhv.vga.PngScreenRenderer;
import dev.uhv.vga.TextScreen;
import dev.uhv.vga.VgaFont;
import dev.uhv.vga.VgaTextBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

/**
 * The guest's VGA text screen for one run, as --vga and --vga-png ask: drawn live in the terminal
 * while the guest runs, and at exit printed on stdout and written as a PNG. Text goes out as UTF-8.
 */
final class VgaScreen implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VgaScreen.class);
    /** About ten frames a second: smooth enough to watch, a small cost beside the guest. */
    static final Duration LIVE_PERIOD = Duration.ofMillis(100);

    private final VgaOptions options;
    private final Vm vm;
    private final VgaTextBuffer buffer;
    private LiveScreen live;

    VgaScreen(VgaOptions options, Vm vm) {
        this.options = options;
        this.vm = vm;
        this.buffer = options.active() ? new VgaTextBuffer(vm.memory()) : null;
    }

    private TextScreen read() {
        return buffer.read(vm.platform().vga().state());
    }

    /** With --vga live, starts drawing in the terminal (stdout). */
    void start() throws UserError {
        if (options.mode() != VgaOptions.Mode.LIVE) {
            return;
        }
        live = new LiveScreen(this::read, System.out, LIVE_PERIOD);
        try {
            live.start();
        } catch (IOException e) {
            throw new UserError("--vga live: cannot draw on the terminal (" + e.getMessage() + ")");
        }
    }

    /**
     * At the end of the run, with the guest stopped and its output flushed: the terminal back to its
     * normal screen, the final screen on stdout, then the guest output held while the screen was live,
     * and the PNG.
     */
    void finish() throws UserError {
        if (!options.active()) {
            return;
        }
        stopLive();
        TextScreen screen = read();
        PrintStream out = System.out;
        if (options.mode() != VgaOptions.Mode.OFF) {
            boolean colour = options.mode() == VgaOptions.Mode.LIVE || HostSystem.stdoutIsTerminal();
            String text = colour ? AnsiScreenRenderer.coloured(screen) : AnsiScreenRenderer.plain(screen);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
            out.flush();
        }
        releaseHeld();
        if (options.png() != null) {
            try (OutputStream file = Files.newOutputStream(options.png())) {
                new PngScreenRenderer(VgaFont.standard()).writePng(screen, file);
            } catch (IOException e) {
                throw new UserError("--vga-png " + options.png() + ": cannot write (" + e.getMessage() + ")");
            }
        }
    }

    private void releaseHeld() {
        if (options.held() == null) {
            return;
        }
        try {
            long dropped = options.held().release(System.out);
            if (dropped > 0) {
                log.warn("{} bytes of guest output to stdout were dropped while --vga live drew the screen (more "
                        + "than {} MiB)", dropped, HeldOutput.LIMIT >> 20);
            }
        } catch (IOException e) {
            log.debug("writing the held guest output", e);
        }
    }

    private void stopLive() {
        if (live == null) {
            return;
        }
        try {
            live.close();
        } catch (IOException e) {
            log.debug("leaving the live VGA screen", e);
        }
        live = null;
    }

    /**
     * On every way out, also when the run failed before finish(): the terminal gets its normal
     * screen back, and the drawing thread has stopped before guest RAM goes away.
     */
    @Override
    public void close() {
        stopLive();
        releaseHeld();
    }
}
