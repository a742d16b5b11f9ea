package dev.uhv.io;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * An MMIO device for tests: registers of plain memory (reads give back what was written, little
 * endian; past the end they float high), a queue of scripted read values that take precedence, and
 * a log of every access as text ("r10/4", "w10/4=beef", offsets and values in hex). Thread-safe
 * enough for a test to read the log after a run on the vCPU thread.
 */
public final class RecordingMmioDevice implements MmioDevice {
    private final String name;
    private final byte[] registers;
    private final List<String> accesses = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Long> scripted = new ArrayDeque<>();

    public RecordingMmioDevice(String name, int size) {
        this.name = name;
        this.registers = new byte[size];
    }

    /** Values the next reads return, in order, before the registers are read again. */
    public RecordingMmioDevice answering(long... values) {
        for (long v : values) {
            scripted.add(v);
        }
        return this;
    }

    /** Every access so far, in order. */
    public List<String> accesses() {
        synchronized (accesses) {
            return List.copyOf(accesses);
        }
    }

    /** The register bytes at offset as a little-endian value of size bytes. */
    public long peek(int offset, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            int at = offset + i;
            value = (value << 8) | (at < registers.length ? registers[at] & 0xff : 0xff);
        }
        return value;
    }

    /** Sets register bytes at offset without recording an access. */
    public void poke(int offset, int size, long value) {
        for (int i = 0; i < size && offset + i < registers.length; i++) {
            registers[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public long read(long offset, int size) {
        accesses.add("r" + Long.toHexString(offset) + "/" + size);
        Long next = scripted.poll();
        return next != null ? next : peek((int) offset, size);
    }

    @Override
    public void write(long offset, int size, long value) {
        accesses.add("w" + Long.toHexString(offset) + "/" + size + "=" + Long.toHexString(value));
        poke((int) offset, size, value);
    }

    @Override
    public String name() {
        return name;
    }
}
