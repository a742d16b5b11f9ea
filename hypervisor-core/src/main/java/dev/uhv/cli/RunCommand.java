package dev.uhv.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `uhv run IMAGE`: boot a kernel image. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Boot a kernel image (raw flat binary, x86-64 ELF64, i386 ELF32 or multiboot) in a traced child.",
        sortOptions = false)
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE",
            description = "The kernel image: a raw flat binary, an ELF64 or an i386 ELF32 file, or a multiboot kernel.")
    Path image;

    @Mixin
    RunOptions options;

    @Override
    public Integer call() throws UserError {
        byte[] bytes = readImage(image);
        return GuestRunner.run(options.toConfig(bytes, image.toString()), options).result().exitStatus();
    }

    static byte[] readImage(Path image) throws UserError {
        byte[] bytes = InputFiles.read(image, image.toString(), "a kernel image");
        if (bytes.length == 0) {
            throw new UserError(image + ": the file is empty; give a kernel image (raw binary, ELF64, ELF32 or"
                    + " multiboot)");
        }
        return bytes;
    }
}
