package dev.uhv.loader;

import dev.uhv.memory.GuestMemory;
import java.util.List;
import java.util.OptionalLong;

/** Loads a guest image of any supported format: the one entry point the CLI calls. */
public final class ImageLoader {

    private ImageLoader() {
    }

    /**
     * One past the highest guest-physical byte the image occupies (RAW: from loadAddress; ELF: its
     * PT_LOAD segments at p_paddr; MULTIBOOT: the kernel and its page-aligned modules), for sizing guest
     * RAM before loading.
     */
    public static long highestAddress(byte[] image, ImageFormat format, long loadAddress, List<BootModule> modules)
            throws ImageLoadException {
        ImageFormat chosen = format != null ? format : ImageFormat.detect(image);
        return switch (chosen) {
            case RAW -> loadAddress + image.length;
            case ELF, ELF32, ELF64 -> ElfLoader.highestAddress(image, chosen);
            case MULTIBOOT -> MultibootLoader.highestAddress(image, modules);
        };
    }

    /** Loads image with no boot parameters: no command line, no modules (tests, `uhv doctor`). */
    public static LoadResult load(byte[] image, ImageFormat format, GuestMemory ram, long loadAddress, Long entry)
            throws ImageLoadException {
        return load(image, format, ram, loadAddress, entry, BootParameters.NONE);
    }

    /**
     * Loads image into ram.
     *
     * @param format      RAW, ELF (either class), ELF32, ELF64 or MULTIBOOT; null detects MULTIBOOT, ELF or
     *                    RAW from the image's first bytes
     * @param loadAddress where a RAW image goes; ELF and multiboot images say where their bytes go
     * @param entry       where the guest starts; null means the load address for RAW, e_entry for ELF and
     *                    the header's (or else e_entry) for multiboot, otherwise it overrides them
     * @param boot        the command line and modules of a multiboot kernel
     */
    public static LoadResult load(byte[] image, ImageFormat format, GuestMemory ram, long loadAddress, Long entry,
                                  BootParameters boot) throws ImageLoadException {
        ImageFormat chosen = format != null ? format : ImageFormat.detect(image);
        OptionalLong entryOverride = entry != null ? OptionalLong.of(entry) : OptionalLong.empty();
        return switch (chosen) {
            case RAW -> RawImageLoader.load(image, ram, loadAddress, entry != null ? entry : loadAddress);
            case ELF, ELF32, ELF64 -> ElfLoader.load(image, ram, chosen, entryOverride);
            case MULTIBOOT -> MultibootLoader.load(image, ram, boot, entryOverride);
        };
    }
}
