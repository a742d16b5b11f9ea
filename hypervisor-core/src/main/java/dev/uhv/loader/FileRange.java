package dev.uhv.loader;

/**
 * Overflow-safe range checks on untrusted offsets and sizes. ELF fields are unsigned 64-bit: a
 * value with the top bit set reads as negative here and is out of range, as it should be.
 */
final class FileRange {

    private FileRange() {
    }

    /** True when [offset, offset + length) lies inside [0, limit), without overflowing. */
    static boolean within(long offset, long length, long limit) {
        return offset >= 0 && length >= 0 && offset <= limit && length <= limit - offset;
    }
}
