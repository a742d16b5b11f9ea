package dev.uhv.scan;

import dev.uhv.memory.GuestMemory;

/**
 * One patched sensitive instruction: its first byte in guest RAM is replaced with hlt (F4), which
 * faults with #GP at the host's CPL3 with rip at the patch; uhv then emulates the original
 * instruction, whose bytes it keeps here. One byte covers every length (pushf and popf are one
 * byte long), and hlt is not int3, which stays the guest's (and a debugger's).
 */
public final class PatchSite {
    public static final int TRAP_OPCODE = 0xf4;

    private final long address;
    private final int length;
    private final int original;
    private final String text;
    private long traps;

    private PatchSite(long address, int length, int original, String text) {
        this.address = address;
        this.length = length;
        this.original = original;
        this.text = text;
    }

    /**
     * Patches the instruction found at site.address() in memory and returns the record of it; one that
     * earlier was the same instruction there (before a write dropped it; or null) passes on its count.
     */
    static PatchSite apply(GuestMemory memory, CodeScanner.Site site, PatchSite earlier) {
        PatchSite patch = new PatchSite(site.address(), site.length(), memory.readU8(site.address()), site.text());
        if (earlier != null && earlier.text.equals(patch.text)) {
            patch.traps = earlier.traps;
        }
        memory.writeU8(site.address(), TRAP_OPCODE);
        return patch;
    }

    /** Puts the original byte back. */
    void restore(GuestMemory memory) {
        memory.writeU8(address, original);
    }

    public long address() {
        return address;
    }

    public int length() {
        return length;
    }

    /** The original first byte, which the guest's own emulated reads and uhv's decoder see. */
    public int originalByte() {
        return original;
    }

    public String text() {
        return text;
    }

    public long traps() {
        return traps;
    }

    /** Counts one trap of the guest on this patch. */
    public void countTrap() {
        traps++;
    }
}
