package dev.uhv.memory;

/** A guest-physical access that falls outside guest RAM. */
public final class GuestMemoryException extends RuntimeException {
    private final long address;
    private final long length;

    public GuestMemoryException(long address, long length, long ramSize) {
        super(String.format("guest-physical access 0x%x+%d is outside guest RAM (0x0..0x%x)", address, length, ramSize));
        this.address = address;
        this.length = length;
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }
}
