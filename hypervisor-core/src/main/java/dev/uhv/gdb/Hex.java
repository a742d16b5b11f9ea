package dev.uhv.gdb;

/**
 * The remote protocol's hex: two lowercase digits a byte, values of registers in target byte order
 * (little-endian on x86), numbers in packets (addresses, lengths) big-endian without leading zeros.
 */
final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    /** Appends length bytes of bytes from offset as hex digit pairs. */
    static void appendBytes(StringBuilder out, byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            out.append(DIGITS[(bytes[i] >>> 4) & 0xf]).append(DIGITS[bytes[i] & 0xf]);
        }
    }

    static String bytes(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        appendBytes(out, bytes, 0, bytes.length);
        return out.toString();
    }

    /** Text as hex (qRcmd's output, O packets): each character is one byte (ISO-8859-1). */
    static String text(String text) {
        StringBuilder out = new StringBuilder(text.length() * 2);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(DIGITS[(c >>> 4) & 0xf]).append(DIGITS[c & 0xf]);
        }
        return out.toString();
    }

    /** Appends value as size bytes, least significant first (zeros beyond its 8). */
    static void appendLittleEndian(StringBuilder out, long value, int size) {
        for (int i = 0; i < size; i++) {
            int b = i < Long.BYTES ? (int) (value >>> (8 * i)) & 0xff : 0;
            out.append(DIGITS[b >>> 4]).append(DIGITS[b & 0xf]);
        }
    }

    /** The value of size little-endian bytes written as hex at offset (beyond 8 bytes, the rest is ignored). */
    static long littleEndian(String hex, int offset, int size) {
        long value = 0;
        for (int i = 0; i < Math.min(size, Long.BYTES); i++) {
            value |= (long) byteAt(hex, offset + 2 * i) << (8 * i);
        }
        return value;
    }

    /** Decodes pairs of hex digits to bytes. */
    static byte[] decode(String hex) {
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits: " + hex);
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) byteAt(hex, 2 * i);
        }
        return out;
    }

    /** Decodes hex text to characters, one byte each (qRcmd's command). */
    static String decodeText(String hex) {
        byte[] raw = decode(hex);
        StringBuilder out = new StringBuilder(raw.length);
        for (byte b : raw) {
            out.append((char) (b & 0xff));
        }
        return out.toString();
    }

    private static int byteAt(String hex, int at) {
        return digit(hex.charAt(at)) << 4 | digit(hex.charAt(at + 1));
    }

    static int digit(char c) {
        int d = Character.digit(c, 16);
        if (d < 0) {
            throw new IllegalArgumentException("not a hex digit: '" + c + "'");
        }
        return d;
    }

    /** A number as packets write addresses and lengths: big-endian hex, at most 16 digits. */
    static long number(String hex) {
        if (hex.isEmpty() || hex.length() > 16) {
            throw new IllegalArgumentException("not a hex number: '" + hex + "'");
        }
        long value = 0;
        for (int i = 0; i < hex.length(); i++) {
            value = value << 4 | digit(hex.charAt(i));
        }
        return value;
    }
}
