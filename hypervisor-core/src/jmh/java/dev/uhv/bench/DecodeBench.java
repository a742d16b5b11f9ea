package dev.uhv.bench;

import dev.uhv.decoder.DecodeCache;
import dev.uhv.decoder.Decoder;
import dev.uhv.decoder.MachineMode;
import dev.uhv.decoder.UndecodableException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding one privileged instruction from its 15-byte fetch window, in 64-bit mode: through Zydis
 * every time (a decode-cache miss), and through a {@link DecodeCache} that already holds it (the hit
 * path of a trap loop, which compares the bytes and allocates nothing).
 */
public class DecodeBench extends UhvBenchmark {
    private static final long RIP = 0x10_0000;

    @Param
    public PrivilegedInstruction instruction;

    private final Decoder decoder = Decoder.forMode(MachineMode.LONG_64);
    private final DecodeCache cache = new DecodeCache(decoder, 4096);
    private byte[] window;

    @Setup
    public void setUp() throws UndecodableException {
        window = instruction.window();
        cache.decode(RIP, window, window.length);
    }

    @Benchmark
    public void decode(Blackhole bh) throws UndecodableException {
        bh.consume(decoder.decode(window, window.length));
    }

    @Benchmark
    public void decodeCacheHit(Blackhole bh) throws UndecodableException {
        bh.consume(cache.decode(RIP, window, window.length));
    }
}
