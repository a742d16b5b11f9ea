package dev.uhv.loader;

import java.util.List;

/**
 * What a loader put in guest RAM: its format (RAW, ELF32, ELF64 or MULTIBOOT, never the request ELF),
 * where the guest starts (entry, guest-physical == guest-virtual for now), the guest-physical range
 * [lowestAddress, endAddress) the segments cover (for a multiboot kernel also its modules and the boot
 * information) and the registers the boot protocol sets at entry.
 */
public record LoadResult(ImageFormat format, long entry, long lowestAddress, long endAddress,
                         List<LoadedSegment> segments, BootRegisters registers) {

    public LoadResult {
        segments = List.copyOf(segments);
    }

    /**
     * True for an i386 ELF32 image and for a multiboot kernel, which start in 32-bit protected mode
     * with paging off; every other starts in 64-bit mode.
     */
    public boolean is32Bit() {
        return format == ImageFormat.ELF32 || format == ImageFormat.MULTIBOOT;
    }

    /** A result whose range is the span of the given (non-empty) segments, with nothing in the registers. */
    static LoadResult of(ImageFormat format, long entry, List<LoadedSegment> segments) {
        return of(format, entry, segments, BootRegisters.NONE);
    }

    static LoadResult of(ImageFormat format, long entry, List<LoadedSegment> segments, BootRegisters registers) {
        long lowest = segments.stream().mapToLong(LoadedSegment::physicalAddress).min().orElseThrow();
        long end = segments.stream().mapToLong(LoadedSegment::end).max().orElseThrow();
        return new LoadResult(format, entry, lowest, end, segments, registers);
    }
}
