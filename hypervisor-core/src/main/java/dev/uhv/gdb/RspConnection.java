package dev.uhv.gdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One gdb connection: reads packets and the interrupt byte, acknowledges what arrives intact ('+')
 * and asks again for what does not ('-'), sends packets and sends the last one again when gdb asks.
 * After {@link #startNoAckMode()} (QStartNoAckMode) neither side acknowledges. {@link #read()} is
 * for one reader thread; {@link #send} may come from any thread.
 */
public final class RspConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RspConnection.class);
    /** gdb's interrupt request while the target runs (Ctrl-C), outside any packet. */
    static final int INTERRUPT = 0x03;
    /** Far above the PacketSize uhv offers: a longer packet is a broken peer, not a request. */
    private static final int MAX_PACKET = 1 << 20;

    /** What arrives from gdb. */
    public sealed interface Incoming permits Packet, Interrupt, Closed {
    }

    /** A packet that arrived intact, escapes undone. */
    public record Packet(String payload) implements Incoming {
    }

    /** The interrupt byte (0x03). */
    public record Interrupt() implements Incoming {
    }

    /** The end of the connection. */
    public record Closed() implements Incoming {
    }

    private final InputStream in;
    private final OutputStream out;
    private final Closeable resource;
    private volatile boolean noAck;
    private byte[] lastSent;

    /** in and out are the connection's two directions; resource is closed with it (a socket). */
    public RspConnection(InputStream in, OutputStream out, Closeable resource) {
        this.in = in;
        this.out = out;
        this.resource = resource;
    }

    /** Blocks until a packet, an interrupt or the end arrives; the packets before it that were damaged are asked for again. */
    public Incoming read() throws IOException {
        while (true) {
            int b = in.read();
            switch (b) {
                case -1:
                    return new Closed();
                case INTERRUPT:
                    return new Interrupt();
                case '$':
                    String payload = readPacketBody();
                    if (payload == null) {
                        return new Closed();
                    }
                    if (payload.length() > MAX_PACKET) {
                        log.debug("gdb packet over {} bytes dropped", MAX_PACKET);
                        continue;
                    }
                    return new Packet(payload);
                case '-':
                    if (!noAck) {
                        resend();
                    }
                    continue;
                default:
                    continue; // '+', or noise between packets
            }
        }
    }

    /** The body after '$', checked; null at the end of the stream. A damaged packet is nacked and skipped. */
    private String readPacketBody() throws IOException {
        while (true) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '#') {
                if (b < 0) {
                    return null;
                }
                if (wire.size() <= MAX_PACKET) {
                    wire.write(b);
                }
            }
            int hi = in.read();
            int lo = in.read();
            if (hi < 0 || lo < 0) {
                return null;
            }
            String text = wire.toString(StandardCharsets.ISO_8859_1);
            int expected = Character.digit(hi, 16) << 4 | Character.digit(lo, 16);
            if (noAck || PacketCodec.checksum(text) == expected) {
                if (!noAck) {
                    writeRaw(new byte[] {'+'});
                }
                String payload = PacketCodec.unescape(text);
                log.debug("gdb -> {}", payload);
                return payload;
            }
            log.debug("gdb packet with a bad checksum: {}", text);
            writeRaw(new byte[] {'-'});
            do {
                b = in.read();
                if (b < 0) {
                    return null;
                }
            } while (b != '$'); // gdb sends it again
        }
    }

    /** Sends one packet. */
    public synchronized void send(String payload) throws IOException {
        log.debug("gdb <- {}", payload);
        lastSent = PacketCodec.frame(payload);
        writeRaw(lastSent);
    }

    private synchronized void resend() throws IOException {
        if (lastSent != null) {
            writeRaw(lastSent);
        }
    }

    private synchronized void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** From now on nothing is acknowledged either way (after the OK to QStartNoAckMode went out). */
    public void startNoAckMode() {
        noAck = true;
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (IOException e) {
            log.debug("closing the gdb connection", e);
        }
    }
}
