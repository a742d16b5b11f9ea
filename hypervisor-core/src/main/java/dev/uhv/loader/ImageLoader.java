package dev.uhv.loader;

import dev.uhv.memory.GuestMemory;

/** Loads a guest image of any supported format: the one entry point the CLI calls. */
public final class ImageLoader {

    private ImageLoader() {
    }

    /**
     * Loads image into ram.
     *
     * @param format      RAW or ELF; null detects it from the image's first bytes
     * @param loadAddress where a RAW image goes; ELF images say where their segments go
     * @param entry       where the guest starts; null means the load address for RAW and e_entry for
     *                    ELF, otherwise it overrides both
     */
    public static LoadResult load(byte[] image, ImageFormat format, GuestMemory ram, long loadAddress, Long entry)
            throws ImageLoadException {
        ImageFormat chosen = format != null ? format : ImageFormat.detect(image);
        return switch (chosen) {
            case RAW -> RawImageLoader.load(image, ram, loadAddress, entry != null ? entry : loadAddress);
            case ELF -> entry != null ? ElfLoader.load(image, ram, entry) : ElfLoader.load(image, ram);
        };
    }
}
