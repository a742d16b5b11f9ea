package dev.uhv.loader;

import dev.uhv.memory.GuestMemory;
import java.util.OptionalLong;

/** Loads a guest image of any supported format: the one entry point the CLI calls. */
public final class ImageLoader {

    private ImageLoader() {
    }

    /**
     * Loads image into ram.
     *
     * @param format      RAW, ELF (either class), ELF32 or ELF64; null detects RAW or ELF from the image's
     *                    first bytes
     * @param loadAddress where a RAW image goes; ELF images say where their segments go
     * @param entry       where the guest starts; null means the load address for RAW and e_entry for
     *                    ELF, otherwise it overrides both
     */
    /**
     * One past the highest guest-physical byte the image occupies (RAW: from loadAddress; ELF: its
     * PT_LOAD segments at p_paddr), for sizing guest RAM before loading.
     */
    public static long highestAddress(byte[] image, ImageFormat format, long loadAddress) throws ImageLoadException {
        ImageFormat chosen = format != null ? format : ImageFormat.detect(image);
        return chosen == ImageFormat.RAW ? loadAddress + image.length : ElfLoader.highestAddress(image, chosen);
    }

    public static LoadResult load(byte[] image, ImageFormat format, GuestMemory ram, long loadAddress, Long entry)
            throws ImageLoadException {
        ImageFormat chosen = format != null ? format : ImageFormat.detect(image);
        return switch (chosen) {
            case RAW -> RawImageLoader.load(image, ram, loadAddress, entry != null ? entry : loadAddress);
            case ELF, ELF32, ELF64 -> ElfLoader.load(image, ram, chosen,
                    entry != null ? OptionalLong.of(entry) : OptionalLong.empty());
        };
    }
}
