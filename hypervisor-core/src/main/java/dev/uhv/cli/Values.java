package dev.uhv.cli;

import java.util.Locale;

/** Parsing of the numbers users type: sizes with K/M/G suffixes, addresses in hex or decimal. */
final class Values {
    private Values() {
    }

    /** "64M", "1G", "0x4000000", "65536", "512K" -> bytes. */
    static long size(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B") && !t.startsWith("0X")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.startsWith("0X") && !t.isEmpty()) {
            char last = t.charAt(t.length() - 1);
            unit = switch (last) {
                case 'K' -> 1L << 10;
                case 'M' -> 1L << 20;
                case 'G' -> 1L << 30;
                case 'T' -> 1L << 40;
                default -> 1;
            };
            if (unit != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        long n = number(t);
        if (n < 0 || (unit > 1 && n > Long.MAX_VALUE / unit)) {
            throw new IllegalArgumentException("not a size");
        }
        return n * unit;
    }

    /** "0x100000" or "1048576". */
    static long address(String text) {
        return number(text.trim());
    }

    private static long number(String t) {
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("0x")) {
            return Long.parseUnsignedLong(lower.substring(2).replace("_", ""), 16);
        }
        return Long.parseLong(lower.replace("_", ""));
    }
}
