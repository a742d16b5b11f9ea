package dev.uhv.gdb;

import java.nio.charset.StandardCharsets;

/**
 * The remote serial protocol's framing: {@code $payload#cs}, cs the sum of the payload's bytes as
 * sent, modulo 256, in two hex digits; '#', '$', '}' and '*' inside a payload are sent as '}' then
 * the byte XOR 0x20 (gdb never run-length encodes what it sends, so '*' only needs escaping).
 * Payloads are Strings of ISO-8859-1 characters, one a byte, so binary data (X packets,
 * qXfer replies) passes unchanged.
 */
final class PacketCodec {
    static final char ESCAPE = '}';
    private static final int ESCAPE_XOR = 0x20;

    private PacketCodec() {
    }

    static int checksum(String wire) {
        int sum = 0;
        for (int i = 0; i < wire.length(); i++) {
            sum += wire.charAt(i) & 0xff;
        }
        return sum & 0xff;
    }

    static String escape(String payload) {
        StringBuilder out = new StringBuilder(payload.length() + 8);
        for (int i = 0; i < payload.length(); i++) {
            char c = payload.charAt(i);
            if (c == '#' || c == '$' || c == ESCAPE || c == '*') {
                out.append(ESCAPE).append((char) (c ^ ESCAPE_XOR));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The payload of wire bytes as received: escapes undone. A trailing lone '}' is dropped. */
    static String unescape(String wire) {
        if (wire.indexOf(ESCAPE) < 0) {
            return wire;
        }
        StringBuilder out = new StringBuilder(wire.length());
        for (int i = 0; i < wire.length(); i++) {
            char c = wire.charAt(i);
            if (c == ESCAPE) {
                if (++i < wire.length()) {
                    out.append((char) (wire.charAt(i) ^ ESCAPE_XOR));
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The bytes that send payload: $, the escaped payload, #, the checksum. */
    static byte[] frame(String payload) {
        String wire = escape(payload);
        return String.format("$%s#%02x", wire, checksum(wire)).getBytes(StandardCharsets.ISO_8859_1);
    }
}
