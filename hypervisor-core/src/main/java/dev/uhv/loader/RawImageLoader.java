package dev.uhv.loader;

import static dev.uhv.loader.Messages.hex;
import static dev.uhv.loader.Messages.ram;

import dev.uhv.loader.ImageLoadException.Reason;
import dev.uhv.memory.GuestMemory;
import java.util.List;

/** Loads a flat binary: the whole file, byte for byte, at one guest-physical address. */
public final class RawImageLoader {

    private RawImageLoader() {
    }

    /**
     * Copies image to guest RAM at loadAddress. Nothing is written unless the image and the entry
     * both fit in RAM.
     */
    public static LoadResult load(byte[] image, GuestMemory ram, long loadAddress, long entry)
            throws ImageLoadException {
        if (image.length == 0) {
            throw ImageLoadException.emptyImage();
        }
        if (!ram.contains(loadAddress, image.length)) {
            throw new ImageLoadException(Reason.IMAGE_OUTSIDE_RAM, String.format(
                    "raw image of %s bytes at %s does not fit in %s: give more --mem or load it lower",
                    hex(image.length), hex(loadAddress), ram(ram)));
        }
        if (!ram.contains(entry, 1)) {
            throw new ImageLoadException(Reason.ENTRY_OUTSIDE_RAM, String.format(
                    "entry point %s is outside %s: check --entry", hex(entry), ram(ram)));
        }
        ram.write(loadAddress, image, 0, image.length);
        return LoadResult.of(ImageFormat.RAW, entry,
                List.of(new LoadedSegment(loadAddress, image.length, image.length)));
    }
}
