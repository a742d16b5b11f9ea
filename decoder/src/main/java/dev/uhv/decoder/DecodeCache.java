package dev.uhv.decoder;

import java.util.Arrays;
import java.util.Objects;

/**
 * A direct-mapped cache of decoded instructions by guest address, for a trap path that decodes the
 * same few instructions over and over. An entry is used only while the bytes at its address are
 * still the ones it was decoded from, so self-modifying code and reloaded pages are safe without
 * explicit invalidation. A hit allocates nothing.
 *
 * <p>Entries are valid for the decoder's mode only: when the guest changes mode, use another cache
 * (or {@link #invalidateAll()}). Not thread-safe, like its {@link Decoder}.
 */
public final class DecodeCache {

    private static final int STRIDE = 16;
    private static final int MAX_ENTRIES = 1 << 24;

    private final Decoder decoder;
    private final int mask;
    private final long[] addresses;
    private final DecodedInstruction[] instructions;
    private final byte[] bytes;
    private long hits;
    private long misses;

    /** @param entries a power of two, at most 2^24 */
    public DecodeCache(Decoder decoder, int entries) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        if (entries <= 0 || entries > MAX_ENTRIES || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries must be a power of two in 1.." + MAX_ENTRIES + ": " + entries);
        }
        this.mask = entries - 1;
        this.addresses = new long[entries];
        this.instructions = new DecodedInstruction[entries];
        this.bytes = new byte[entries * STRIDE];
    }

    /**
     * The instruction at {@code address}, whose bytes start at {@code window[0]}.
     *
     * @param available how many bytes of {@code window} are valid
     * @throws UndecodableException as {@link Decoder#decode}; the cache is then left as it was
     */
    public DecodedInstruction decode(long address, byte[] window, int available) throws UndecodableException {
        Objects.checkFromIndexSize(0, available, window.length);
        int index = (int) address & mask;
        DecodedInstruction cached = instructions[index];
        if (cached != null && addresses[index] == address && sameBytes(index, cached.length(), window, available)) {
            hits++;
            return cached;
        }
        misses++;
        DecodedInstruction decoded = decoder.decode(window, available);
        addresses[index] = address;
        instructions[index] = decoded;
        System.arraycopy(window, 0, bytes, index * STRIDE, decoded.length());
        return decoded;
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    /** Forgets every entry; the counters keep counting. */
    public void invalidateAll() {
        Arrays.fill(instructions, null);
    }

    private boolean sameBytes(int index, int length, byte[] window, int available) {
        int from = index * STRIDE;
        return length <= available && Arrays.equals(bytes, from, from + length, window, 0, length);
    }
}
