package dev.uhv.scan;

/**
 * What the scanner did in a run: pages scanned (a rescan after a write counts again), of which
 * rescans, invalidations by guest writes, instructions decoded, and the time spent decoding and
 * patching (without the trap and the mprotect around it).
 */
public record ScanStatistics(long pagesScanned, long rescans, long invalidations, long instructionsDecoded,
                             double scanSeconds) {
}
