package dev.uhv.cli;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/** Where a character device's output goes: stdio, none, or file:PATH (as QEMU's chardev spec). */
record OutputSpec(Kind kind, Path path) {
    enum Kind { STDIO, NONE, FILE }

    static OutputSpec parse(String text) {
        if (text.equals("stdio")) {
            return new OutputSpec(Kind.STDIO, null);
        }
        if (text.equals("none") || text.equals("null")) {
            return new OutputSpec(Kind.NONE, null);
        }
        if (text.startsWith("file:") && text.length() > 5) {
            return new OutputSpec(Kind.FILE, Path.of(text.substring(5)));
        }
        throw new IllegalArgumentException("expected stdio, none or file:PATH");
    }

    /** Opens the sink; stdio is the stream that stands for stdout, which uhv never closes. */
    OutputStream open(String option, OutputStream stdio) throws UserError {
        return switch (kind) {
            case STDIO -> stdio;
            case NONE -> OutputStream.nullOutputStream();
            case FILE -> {
                try {
                    // buffered: the devices flush at each newline and at exit, not at each byte
                    yield new BufferedOutputStream(new FileOutputStream(path.toFile()), 1 << 16);
                } catch (IOException e) {
                    throw new UserError(option + " file:" + path + ": cannot open for writing (" + e.getMessage() + ")");
                }
            }
        };
    }
}
