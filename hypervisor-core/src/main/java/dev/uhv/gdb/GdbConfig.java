package dev.uhv.gdb;

/**
 * --gdb and --gdb-wait: where the stub listens, and whether the guest waits before its first
 * instruction until gdb attaches (QEMU's -S).
 *
 * @param host the address to listen on (loopback unless given)
 * @param port the TCP port; 0 takes a free one
 * @param waitForGdb stop before the first instruction until gdb attaches
 */
public record GdbConfig(String host, int port, boolean waitForGdb) {
    public static final String LOOPBACK = "127.0.0.1";

    /**
     * --gdb's value: tcp:HOST:PORT, tcp::PORT or :PORT (loopback, as QEMU's -gdb tcp::1234), or a
     * bare PORT. Throws IllegalArgumentException with what is wrong.
     */
    public static GdbConfig parse(String spec, boolean waitForGdb) {
        String rest = spec.startsWith("tcp:") ? spec.substring(4) : spec;
        int colon = rest.lastIndexOf(':');
        String host = colon < 0 ? "" : rest.substring(0, colon);
        String portText = rest.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // an IPv6 literal
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected tcp:HOST:PORT, tcp::PORT or :PORT");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port (0..65535; 0 takes a free one)");
        }
        return new GdbConfig(host.isEmpty() ? LOOPBACK : host, port, waitForGdb);
    }
}
