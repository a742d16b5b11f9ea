package dev.uhv.scan;

import java.util.List;

/** What the scanner did, for --trace: pages scanned with the patches they got, and scans a write dropped. */
public interface ScanListener {
    ScanListener NONE = new ScanListener() {
    };

    /** base's page was scanned (again, if rescan), decoding instructions of it, and patched at patches. */
    default void scanned(long base, boolean rescan, int instructions, List<PatchSite> patches) {
    }

    /** base's scan was dropped: a native write to it (emulated false) or uhv's emulated store. */
    default void dropped(long base, boolean emulated) {
    }
}
