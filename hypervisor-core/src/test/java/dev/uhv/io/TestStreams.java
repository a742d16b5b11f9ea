package dev.uhv.io;

import java.io.IOException;
import java.io.OutputStream;

/** Host streams for the character device tests. */
final class TestStreams {
    private TestStreams() {
    }

    static final class FlushCounter extends OutputStream {
        int flushes;

        @Override
        public void write(int b) {
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    static final class FailingStream extends OutputStream {
        int attempts;

        @Override
        public void write(int b) throws IOException {
            attempts++;
            throw new IOException("broken pipe");
        }

        @Override
        public void flush() throws IOException {
            attempts++;
            throw new IOException("broken pipe");
        }
    }
}
