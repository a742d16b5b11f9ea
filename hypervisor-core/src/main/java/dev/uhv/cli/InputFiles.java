package dev.uhv.cli;

import dev.uhv.memory.SharedRam;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a file the user names for the guest (the kernel image, a --module) whole, with one-line errors. */
final class InputFiles {
    private InputFiles() {
    }

    /**
     * The file's bytes.
     *
     * @param label how messages name it ("kernel.elf", "--module initrd.img")
     * @param what  what it should be, with its article ("a kernel image", "a module")
     */
    static byte[] read(Path path, String label, String what) throws UserError {
        try {
            if (Files.isDirectory(path)) {
                throw new UserError(label + ": is a directory, not " + what);
            }
            if (Files.exists(path) && !Files.isRegularFile(path)) {
                throw new UserError(label + ": is not a regular file (a device or a pipe?); give " + what + " file");
            }
            if (Files.size(path) > SharedRam.MAX_SIZE) {
                throw new UserError(String.format("%s: %d bytes cannot fit in guest RAM (at most 1G)", label,
                        Files.size(path)));
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw unreadable(label, e);
        }
    }

    /** The one line for a file the user named that could not be read (also for `uhv stats`). */
    static UserError unreadable(String label, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new UserError(label + ": no such file");
        }
        if (e instanceof AccessDeniedException) {
            return new UserError(label + ": permission denied");
        }
        return new UserError(label + ": cannot read (" + e.getMessage() + ")");
    }
}
