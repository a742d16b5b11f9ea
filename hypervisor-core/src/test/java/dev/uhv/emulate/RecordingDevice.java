package dev.uhv.emulate;

import dev.uhv.io.PortDevice;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A port device that records every access as text ("w0/2=beef", "r3/1") and answers reads from a
 * queue of values, then with a fixed value once the queue is empty.
 */
final class RecordingDevice implements PortDevice {
    final List<String> accesses = new ArrayList<>();
    final Deque<Integer> reads = new ArrayDeque<>();
    int readValue = 0x5a5a5a5a;

    RecordingDevice answering(int... values) {
        for (int v : values) {
            reads.add(v);
        }
        return this;
    }

    @Override
    public int read(int offset, int size) {
        accesses.add("r" + offset + "/" + size);
        return reads.isEmpty() ? readValue : reads.poll();
    }

    @Override
    public void write(int offset, int size, int value) {
        accesses.add("w" + offset + "/" + size + "=" + Integer.toHexString(value));
    }

    @Override
    public String name() {
        return "recorder";
    }
}
