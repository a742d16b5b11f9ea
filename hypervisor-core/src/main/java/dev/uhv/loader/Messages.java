package dev.uhv.loader;

import dev.uhv.memory.GuestMemory;

/** Wording shared by the loaders' error messages, so every message names RAM the same way. */
final class Messages {
    private static final long KIB = 1024;
    private static final long MIB = KIB * 1024;
    private static final long GIB = MIB * 1024;

    private Messages() {
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** "guest RAM (64 MiB = 0x4000000)". */
    static String ram(GuestMemory ram) {
        return "guest RAM (" + size(ram.size()) + " = " + hex(ram.size()) + ")";
    }

    private static String size(long bytes) {
        if (bytes > 0 && bytes % GIB == 0) {
            return bytes / GIB + " GiB";
        }
        if (bytes > 0 && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes > 0 && bytes % KIB == 0) {
            return bytes / KIB + " KiB";
        }
        return bytes + " bytes";
    }
}
