package dev.uhv.gdb;

import dev.uhv.emulate.ExitReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The listening end of --gdb: one gdb at a time, attaching whenever it likes, as to QEMU. A thread
 * accepts connections, and one per connection reads what gdb sends: packets queue for the vCPU
 * thread, which answers them in {@link #service} while the guest stands still; gdb's Ctrl-C while the
 * guest runs asks the run loop to stop it (through pause, a poke of the guest's process, so that it
 * stops within one trap). A connection's end while the guest runs leaves it running; its
 * breakpoints go at the next stop. Everything but the constructor, {@link #address()},
 * {@link #runEnding()} and {@link #close()} is for the vCPU thread.
 */
public final class GdbServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GdbServer.class);
    /** How often a wait for gdb looks whether the run is ending (a timeout, Ctrl-C to uhv). */
    private static final long WAKE_MILLIS = 50;

    private final GdbConfig config;
    private final ServerSocket listener;
    private final SoftwareBreakpoints breakpoints = new SoftwareBreakpoints();
    private final Thread acceptor;
    private volatile Runnable pause = () -> { };
    private volatile Session session;
    /** Why gdb wants the guest stopped (it attached, or sent Ctrl-C), or null. */
    private volatile GdbStub.Stop wanted;
    /** A connection ended while the guest ran: its breakpoints are to go. */
    private volatile boolean orphaned;
    private volatile boolean ending;
    /** Whether the guest runs (not in {@link #service}): a connection that ends then leaves breakpoints behind. */
    private volatile boolean running = true;

    /** One gdb connection: its reader's queue, and the stub that answers it (made at its first stop). */
    private static final class Session {
        final RspConnection connection;
        final BlockingQueue<RspConnection.Incoming> queue = new LinkedBlockingQueue<>();
        GdbStub stub;
        volatile boolean closed;

        Session(RspConnection connection) {
            this.connection = connection;
        }
    }

    /** Listens where config says; throws IOException when it cannot (the port is taken, no such address). */
    public GdbServer(GdbConfig config) throws IOException {
        this.config = config;
        listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 1);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        acceptor = new Thread(this::acceptLoop, "uhv-gdb-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where gdb can connect (with the port the system chose for port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Whether the guest waits for gdb before its first instruction (--gdb-wait). */
    public boolean waitsForClient() {
        return config.waitForGdb();
    }

    /** How the run loop makes a running guest stop soon (its poke). */
    public void onPause(Runnable action) {
        pause = action;
    }

    public SoftwareBreakpoints breakpoints() {
        return breakpoints;
    }

    /** Whether gdb wants the run loop's attention: it attached, interrupted, or went away. Cheap, per trap. */
    public boolean serviceWanted() {
        return wanted != null || orphaned;
    }

    /** The run is ending (any thread): a wait for gdb gives up. */
    public void runEnding() {
        ending = true;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    log.warn("gdb: accepting a connection failed: {}", e.getMessage());
                }
                return;
            }
            if (session != null || ending) {
                log.info("gdb: a second connection from {} refused: one gdb at a time", socket.getRemoteSocketAddress());
                closeQuietly(socket);
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                Session s = new Session(new RspConnection(socket.getInputStream(), socket.getOutputStream(), socket));
                session = s;
                log.info("gdb: connected from {}", socket.getRemoteSocketAddress());
                Thread reader = new Thread(() -> readLoop(s), "uhv-gdb");
                reader.setDaemon(true);
                reader.start();
                want(GdbStub.Stop.ATTACHED);
            } catch (IOException e) {
                log.warn("gdb: setting up a connection failed: {}", e.getMessage());
                closeQuietly(socket);
            }
        }
    }

    private void readLoop(Session s) {
        try {
            while (true) {
                RspConnection.Incoming in = s.connection.read();
                if (in instanceof RspConnection.Interrupt) {
                    // Kept even while the guest stands still: gdb sends it only while it waits for a
                    // stop, so it is for the resume it just sent, which may not have run yet.
                    want(GdbStub.Stop.INTERRUPTED);
                    continue;
                }
                s.queue.add(in);
                if (in instanceof RspConnection.Closed) {
                    return;
                }
            }
        } catch (IOException e) {
            log.debug("gdb connection lost", e);
            s.queue.add(new RspConnection.Closed());
        } finally {
            s.closed = true;
            if (running) {
                // gdb went while the guest runs: stop it once, so that the session ends, its
                // breakpoints go, and the next gdb may connect (a guest that never traps would
                // otherwise keep them all).
                orphaned = true;
                pause.run();
            }
        }
    }

    private void want(GdbStub.Stop why) {
        synchronized (this) {
            if (wanted == null || why == GdbStub.Stop.INTERRUPTED) {
                wanted = why;
            }
        }
        pause.run();
    }

    /** gdb's request, taken once (a Ctrl-C arriving meanwhile is kept for the next stop). */
    private synchronized GdbStub.Stop takeWanted() {
        GdbStub.Stop why = wanted;
        wanted = null;
        return why;
    }

    /**
     * --gdb-wait, before the guest's first instruction: blocks until gdb connects (its attach is then
     * {@link #serviceWanted()}) or the run ends.
     */
    public void awaitClient() throws InterruptedException {
        while (session == null && !ending) {
            Thread.sleep(WAKE_MILLIS);
        }
    }

    /**
     * The guest stands still, its registers loaded: gdb hears why (vmStop, a breakpoint or a finished
     * step; null when gdb itself asked) and has the guest until it resumes it. Breakpoints are to be
     * lifted. With no gdb connected, its breakpoints are dropped and the guest goes on.
     */
    public GdbStub.Resume service(GdbStub.Stop vmStop, GdbTarget target) {
        GdbStub.Stop requested = takeWanted();
        GdbStub.Stop why = vmStop != null ? vmStop : requested;
        Session s = session;
        if (s == null || why == null || s.closed && s.queue.isEmpty()) {
            endSession(s);
            return GdbStub.Resume.CONTINUE;
        }
        running = false;
        GdbStub.Resume resume;
        try {
            if (s.stub == null) {
                s.stub = new GdbStub(target, breakpoints, s.connection);
            }
            if (why != GdbStub.Stop.ATTACHED) {
                s.stub.stopped(why);
            }
            resume = serve(s);
        } catch (IOException e) {
            log.info("gdb: connection lost ({})", e.getMessage());
            resume = GdbStub.Resume.DETACH;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resume = GdbStub.Resume.RUN_ENDING;
        }
        if (resume == GdbStub.Resume.DETACH) {
            endSession(s);
        }
        running = true;
        if (s.closed && session == s) {
            // gdb went right after its resume, while the guest still stood: the reader saw no
            // running guest to stop, so the loop's top ends the session before the guest goes on.
            orphaned = true;
        }
        return resume;
    }

    private GdbStub.Resume serve(Session s) throws IOException, InterruptedException {
        while (true) {
            RspConnection.Incoming in = s.queue.poll(WAKE_MILLIS, TimeUnit.MILLISECONDS);
            if (ending) {
                return GdbStub.Resume.RUN_ENDING;
            }
            if (in instanceof RspConnection.Closed) {
                log.info("gdb: disconnected; the guest runs on");
                return GdbStub.Resume.DETACH;
            }
            if (in instanceof RspConnection.Packet p) {
                GdbStub.Resume resume = s.stub.handle(p.payload());
                if (resume != null) {
                    return resume;
                }
            }
        }
    }

    /** Forgets the connection and its breakpoints (lifted: the guest stands still). */
    private void endSession(Session s) {
        breakpoints.clear();
        orphaned = false;
        if (s != null && session == s) {
            session = null;
            s.connection.close();
        }
    }

    /**
     * The run ended: a gdb waiting for the guest hears how (see {@link #exitPacket}), and the
     * connection closes.
     */
    public void ended(ExitReason reason, int exitStatus) {
        Session s = session;
        if (s != null && s.stub != null) {
            try {
                s.stub.ended(exitPacket(reason, exitStatus));
            } catch (IOException e) {
                log.debug("gdb: telling it the run ended", e);
            }
        }
        endSession(s);
    }

    /**
     * "W" with uhv's exit status when the guest ended itself (gdb: "exited with code"), else "X" with
     * the signal closest to how the run ended: SIGSEGV for a crash, SIGILL for an instruction uhv
     * does not emulate, SIGKILL when uhv ended it (a timeout, Ctrl-C, a limit, an error).
     */
    static String exitPacket(ExitReason reason, int exitStatus) {
        return switch (reason) {
            case DEBUG_EXIT, HALTED, GUEST_EXIT, SHUTDOWN, RESET -> String.format("W%02x", exitStatus & 0xff);
            case GUEST_CRASH, UNHANDLED_EXCEPTION, TRIPLE_FAULT -> "X0b";
            case UNHANDLED_INSTRUCTION -> "X04";
            default -> "X09";
        };
    }

    @Override
    public void close() {
        ending = true;
        closeQuietly(listener);
        Session s = session;
        if (s != null) {
            session = null;
            s.connection.close();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing", e);
        }
    }
}
