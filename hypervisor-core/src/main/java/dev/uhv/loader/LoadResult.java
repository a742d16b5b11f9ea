package dev.uhv.loader;

import java.util.List;

/**
 * What a loader put in guest RAM: its format (RAW, ELF32 or ELF64, never the request ELF), where
 * the guest starts (entry, guest-physical == guest-virtual for now) and the guest-physical range
 * [lowestAddress, endAddress) the segments cover.
 */
public record LoadResult(ImageFormat format, long entry, long lowestAddress, long endAddress,
                         List<LoadedSegment> segments) {

    public LoadResult {
        segments = List.copyOf(segments);
    }

    /** True for an i386 ELF32 image, which starts in 32-bit protected mode; every other starts in 64-bit mode. */
    public boolean is32Bit() {
        return format == ImageFormat.ELF32;
    }

    /** A result whose range is the span of the given (non-empty) segments. */
    static LoadResult of(ImageFormat format, long entry, List<LoadedSegment> segments) {
        long lowest = segments.stream().mapToLong(LoadedSegment::physicalAddress).min().orElseThrow();
        long end = segments.stream().mapToLong(LoadedSegment::end).max().orElseThrow();
        return new LoadResult(format, entry, lowest, end, segments);
    }
}
