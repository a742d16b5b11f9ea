package dev.uhv.trace;

import java.io.OutputStream;
import java.util.Objects;

/**
 * Where --trace writes (out, which uhv closes) and --trace-limit: the bytes the events before the
 * last one may take (see {@link TraceWriter}).
 */
public record TraceOutput(OutputStream out, long limit) {
    public TraceOutput {
        Objects.requireNonNull(out, "out");
    }

    /** A writer of this output; throws IllegalArgumentException for a limit below {@link TraceWriter#MIN_LIMIT}. */
    public TraceWriter open() {
        return new TraceWriter(out, limit);
    }
}
