package dev.uhv.cli;

import dev.uhv.memory.SharedRam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `uhv run IMAGE`: boot a kernel image. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Boot a kernel image (raw flat binary, x86-64 ELF64 or i386 ELF32) in a traced child.",
        sortOptions = false)
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The kernel image: a raw flat binary, an ELF64 or an i386 ELF32 file.")
    Path image;

    @Mixin
    RunOptions options;

    @Override
    public Integer call() throws UserError {
        byte[] bytes = readImage(image);
        return GuestRunner.run(options.toConfig(bytes, image.toString()), options).result().exitStatus();
    }

    static byte[] readImage(Path image) throws UserError {
        try {
            if (Files.isDirectory(image)) {
                throw new UserError(image + ": is a directory, not a kernel image");
            }
            if (Files.exists(image) && !Files.isRegularFile(image)) {
                throw new UserError(image + ": is not a regular file (a device or a pipe?); give a kernel image file");
            }
            if (Files.size(image) > SharedRam.MAX_SIZE) {
                throw new UserError(String.format("%s: %d bytes cannot fit in guest RAM (at most 1G)", image,
                        Files.size(image)));
            }
            byte[] bytes = Files.readAllBytes(image);
            if (bytes.length == 0) {
                throw new UserError(image + ": the file is empty; give a kernel image (raw binary, ELF64 or ELF32)");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new UserError(image + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UserError(image + ": permission denied");
        } catch (IOException e) {
            throw new UserError(image + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
